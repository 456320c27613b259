//! CSRF on everything a browser can post to: every POST of the JSON
//! checkout API refuses a browser's request without the page's token, with
//! another session's token or from another origin (403 `csrf_failed`, no
//! SMS, no state change) and takes it with the token; a plain-text body (a
//! cross-site form needs no preflight for it) is refused by type. The
//! admin side keeps no cookie: its POSTs need the Authorization header,
//! and `?token=` or cookies do not stand in for it.

use reqwest::{Method, RequestBuilder, StatusCode, header};
use serde_json::{Value, json};

use crate::browser::set_csrf;
use crate::support::{ADMIN_TOKEN, Harness, PASSWORD};

/// A fresh page token, as the gateway hands one to a browser.
async fn page_token(h: &Harness, id: &str) -> String {
    let r = h
        .client
        .get(h.url(&format!("/checkout/{id}")))
        .send()
        .await
        .unwrap();
    set_csrf(&r).expect("a token for a browser without one")
}

/// What a browser adds to a same-origin fetch holding cookie `cookie`.
fn same_origin(h: &Harness, r: RequestBuilder, cookie: &str) -> RequestBuilder {
    r.header(header::ORIGIN, &h.base)
        .header("sec-fetch-site", "same-origin")
        .header("sec-fetch-mode", "cors")
        .header(header::COOKIE, format!("sb_csrf={cookie}"))
}

async fn status_code(r: RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_json_checkout_post_needs_the_browsers_token() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let mine = page_token(&h, id.as_str()).await;
    let theirs = page_token(&h, id.as_str()).await;
    assert_ne!(mine, theirs);
    let steps: [(&str, Value); 5] = [
        (
            "identify",
            json!({ "identity": "alice", "password": PASSWORD }),
        ),
        ("code", json!({ "code": "123456" })),
        ("resend", json!({})),
        (
            "unlock",
            json!({ "identity": "alice", "backup_code": "AAAA-BBBB-CCCC" }),
        ),
        ("account", json!({ "account": "GB00ALICE" })),
    ];
    for (step, body) in &steps {
        let url = h.url(&format!("/api/v1/checkout/{id}/{step}"));
        let attempts = [
            // A cross-site page posting JSON with fetch (no token known).
            h.client
                .post(&url)
                .header(header::ORIGIN, "http://evil.example")
                .header("sec-fetch-site", "cross-site")
                .json(body),
            // An opaque origin (sandboxed frame, data: URL).
            h.client
                .post(&url)
                .header(header::ORIGIN, "null")
                .json(body),
            // Same origin, cookie present, no token.
            same_origin(&h, h.client.post(&url), &mine).json(body),
            // Same origin, another browser's token.
            same_origin(&h, h.client.post(&url), &mine)
                .header("x-csrf-token", &theirs)
                .json(body),
        ];
        for a in attempts {
            let (s, v) = status_code(a).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{step}: {v}");
            assert_eq!(v["code"], "csrf_failed", "{step}: {v}");
            assert!(
                v["error"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("CSRF check failed")),
                "{step}: {v}"
            );
        }
        // A form-like body, as a cross-site form can send it without a
        // preflight, is not JSON: refused before any handler work.
        let (s, _) = status_code(
            h.client
                .post(&url)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(body.to_string()),
        )
        .await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{step}");
    }
    assert_eq!(h.sms.count(), 0, "no refused request sent anything");
    let p = h.app.payments.payment(&id).await.unwrap();
    assert_eq!(p.state.as_str(), "created");

    // With the token every step passes the guard and does its work.
    let post = |step: &str| {
        let url = h.url(&format!("/api/v1/checkout/{id}/{step}"));
        same_origin(&h, h.client.post(url), &mine).header("x-csrf-token", &mine)
    };
    let (s, v) = status_code(post("identify").json(&steps[0].1)).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("code_sent")),
        "{v}"
    );
    let (s, v) = status_code(post("account").json(&steps[4].1)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = status_code(post("resend").json(&steps[2].1)).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("resend_too_soon"))
    );
    let (s, v) = status_code(post("unlock").json(&steps[3].1)).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("sign_in_failed"))
    );
    let code = h.sms.code_to(crate::support::PHONE);
    let (s, v) = status_code(post("code").json(&json!({ "code": code }))).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("succeeded")),
        "{v}"
    );
    // Scripts (no Origin, no Sec-Fetch-*, no cookie) are not browsers and
    // need no token: the state answer still comes.
    let (s, v) = status_code(h.client.get(h.url(&format!("/api/v1/checkout/{id}")))).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("succeeded"))
    );
}

async fn audit_len(h: &Harness) -> usize {
    let r = h
        .client
        .get(h.url("/admin/api/audit"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    v["audit"].as_array().expect("audit entries").len()
}

#[tokio::test]
async fn admin_posts_need_the_header_not_a_query_token_or_cookie() {
    let h = Harness::start("ACME", Some(ADMIN_TOKEN)).await;
    let posts = [
        "/admin/api/customers",
        &format!("/admin/api/customers/{}/unlock", h.customer.0),
        &format!("/admin/api/merchants/{}/revoke", h.merchant),
    ];
    let audited = audit_len(&h).await;
    for path in posts {
        let url = format!("{}?token={ADMIN_TOKEN}", h.url(path));
        let r = h
            .client
            .post(&url)
            .header(header::ORIGIN, "http://evil.example")
            .header(
                header::COOKIE,
                format!("sb_csrf={}; token={ADMIN_TOKEN}", "ab".repeat(32)),
            )
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("name=x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // Nothing changed: nothing was audited.
    assert_eq!(audit_len(&h).await, audited);
    // The pages take `?token=` but are GET only.
    let id = h.payment().await;
    for path in [format!("/admin/payments/{id}"), "/admin/pumping".to_owned()] {
        let url = format!("{}?token={ADMIN_TOKEN}", h.url(&path));
        let r = h.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let r = h.client.request(Method::POST, &url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
}
