//! What the checkout refuses: POSTs without the right CSRF token, wrong
//! credentials (one generic notice whatever was wrong), malformed forms and
//! unknown payments; plus the static assets.

use reqwest::{StatusCode, header};

use crate::browser::{Shopper, assert_protected, form_token, set_csrf};
use crate::support::{Harness, PASSWORD};

#[tokio::test]
async fn posts_without_the_right_csrf_token_are_refused() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let (s, _) = Shopper::open(&h, id.as_str()).await;
    let creds = [("identity", "alice"), ("password", PASSWORD)];
    let wrong = "0".repeat(64);
    let with = |t: &'static str| [creds[0], creds[1], ("csrf_token", t)];
    let attempts = [
        s.post_raw("identify", &creds, Some(&s.cookie)).await,
        s.post_raw("identify", &with("forged"), Some(&s.cookie))
            .await,
        s.post_raw(
            "identify",
            &[creds[0], creds[1], ("csrf_token", &s.cookie)],
            None,
        )
        .await,
        s.post_raw(
            "identify",
            &[creds[0], creds[1], ("csrf_token", &wrong)],
            Some(&s.cookie),
        )
        .await,
        s.post_raw("code", &[("code", "123456")], Some(&s.cookie))
            .await,
        s.post_raw("resend", &[], Some(&s.cookie)).await,
    ];
    for r in attempts {
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_protected(&r);
        let fresh = set_csrf(&r).expect("a fresh token");
        let html = r.text().await.unwrap();
        assert!(html.contains("This form has expired."), "{html}");
        assert_eq!(form_token(&html), fresh);
    }
    assert_eq!(h.sms.count(), 0, "nothing happened");
    let p = h.app.payments.payment(&id).await.unwrap();
    assert_eq!(p.state.as_str(), "created");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_identity_look_the_same() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let (s, _) = Shopper::open(&h, id.as_str()).await;
    let mut notices = Vec::new();
    for (identity, password) in [
        ("alice", "not-the-password"),
        ("nobody-here", PASSWORD),
        ("alice", "tiny7"),
    ] {
        let r = s
            .post(
                "identify",
                &[("identity", identity), ("password", password)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let html = r.text().await.unwrap();
        assert!(html.contains("The identity or password is wrong."));
        assert!(
            html.contains(&format!("value=\"{identity}\"")),
            "identity kept"
        );
        assert!(!html.contains(password), "never the password");
        let start = html.find("role=\"alert\"").expect("a notice");
        notices.push(
            html[start..]
                .split("</p>")
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert!(notices.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(h.sms.count(), 0);
}

#[tokio::test]
async fn bad_requests_unknown_payments_and_assets() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    for path in [
        "/checkout/pay_doesnotexist000000000000",
        "/checkout/not-an-id",
    ] {
        let r = h.client.get(h.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_protected(&r);
        assert!(r.text().await.unwrap().contains("<h1>Not found</h1>"));
    }
    let r = h
        .client
        .get(h.url("/checkout/pay_x/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (s, _) = Shopper::open(&h, id.as_str()).await;
    let r = s
        .post(
            "identify",
            &[
                ("identity", "alice"),
                ("password", PASSWORD),
                ("sneaky", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("<h1>Bad request</h1>"));
    let r = s
        .post(
            "identify",
            &[
                ("identity", "alice"),
                ("password", PASSWORD),
                ("terminal", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = s
        .post(
            "identify",
            &[
                ("identity", "alice"),
                ("password", PASSWORD),
                ("method", "fax"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(h.sms.count(), 0);

    for (path, kind, needle) in [
        ("/assets/checkout.css", "text/css", ".status-delivered"),
        ("/assets/checkout.js", "text/javascript", "data-expires-at"),
    ] {
        let r = h.client.get(h.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        assert!(r.text().await.unwrap().contains(needle));
    }
}
