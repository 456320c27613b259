//! Session fixation: a CSRF/session token chosen by an attacker and planted
//! in the shopper's browser before sign-in is replaced at sign-in, and the
//! planted value opens nothing afterwards — not the code page, not the
//! code or resend forms, not the JSON API's code step.

use reqwest::{StatusCode, header};
use serde_json::json;

use crate::browser::{assert_protected, form_token, set_csrf};
use crate::support::{Harness, PASSWORD, PHONE};

const ELSEWHERE: &str = "signed in from another browser";

/// A cookie-carrying request to the payment's pages.
fn with_cookie(r: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
    r.header(header::COOKIE, format!("sb_csrf={token}"))
}

#[tokio::test]
async fn a_token_planted_before_sign_in_is_replaced_and_opens_nothing() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let page = h.url(&format!("/checkout/{id}"));
    // The attacker's value, well-formed so the page adopts it.
    let planted = "5a".repeat(32);
    let r = with_cookie(h.client.get(&page), &planted)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(set_csrf(&r), None, "a well-formed cookie is kept");
    assert_eq!(form_token(&r.text().await.unwrap()), planted);

    // The shopper signs in with it.
    let form = [
        ("identity", "alice"),
        ("password", PASSWORD),
        ("method", "sms"),
        ("csrf_token", planted.as_str()),
    ];
    let r = with_cookie(h.client.post(format!("{page}/identify")), &planted)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set.contains(&format!("Path=/checkout/{id};")), "{set}");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    let session = set_csrf(&r).expect("a new token at sign-in");
    assert_ne!(session, planted);
    assert_eq!(session.len(), 64);
    let code = h.sms.code_to(PHONE);

    // The planted value: no code page, no code entry, no resend.
    let r = with_cookie(h.client.get(&page), &planted)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_protected(&r);
    let html = r.text().await.unwrap();
    assert!(html.contains(ELSEWHERE), "{html}");
    assert!(
        !html.contains("0101") && !html.contains("csrf_token"),
        "{html}"
    );
    let forged = [("code", code.as_str()), ("csrf_token", planted.as_str())];
    let r = with_cookie(h.client.post(format!("{page}/code")), &planted)
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains(ELSEWHERE));
    let r = with_cookie(h.client.post(format!("{page}/resend")), &planted)
        .form(&[("csrf_token", planted.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nor the JSON API: the planted value in the header or as a cookie, or
    // no token at all (a script that knows the payment id).
    let api = h.url(&format!("/api/v1/checkout/{id}/code"));
    for req in [
        h.client.post(&api).header("x-csrf-token", &planted),
        with_cookie(h.client.post(&api), &planted).header("x-csrf-token", &planted),
        h.client.post(&api),
    ] {
        let r = req.json(&json!({ "code": code })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["code"], "session_required", "{v}");
    }
    let state = h.client.get(h.url(&format!("/api/v1/checkout/{id}")));
    let v: serde_json::Value = state.send().await.unwrap().json().await.unwrap();
    assert_eq!(v["state"], "code_sent");
    assert!(
        v.get("terminals").is_none() && v.get("accounts").is_none(),
        "{v}"
    );
    assert_eq!(h.sms.count(), 1, "no resend went out");
    let before = h.balance("GB00ALICE").await;

    // The shopper's browser, with the new token, pays.
    let r = with_cookie(h.client.get(&page), &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(form_token(&html), session);
    assert!(html.contains("+44 ••• ••• 0101"), "{html}");
    let r = with_cookie(h.client.post(format!("{page}/code")), &session)
        .form(&[("code", code.as_str()), ("csrf_token", session.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let p = h.app.payments.payment(&id).await.unwrap();
    assert_eq!(p.state.as_str(), "succeeded");
    assert_eq!(h.balance("GB00ALICE").await, before - 1250);
}

#[tokio::test]
async fn a_checkout_signed_in_by_a_script_is_not_opened_by_a_browser() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let page = h.url(&format!("/checkout/{id}"));
    // A browser looks at the payment before the script signs in.
    let r = h.client.get(&page).send().await.unwrap();
    let token = set_csrf(&r).expect("a token");
    let r = h
        .client
        .post(h.url(&format!("/api/v1/checkout/{id}/identify")))
        .json(&json!({ "identity": "alice", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let code = h.sms.code_to(PHONE);
    // The browser's token is no session of this payment.
    let r = with_cookie(h.client.get(&page), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = with_cookie(h.client.post(format!("{page}/code")), &token)
        .form(&[("code", code.as_str()), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The script finishes it.
    let r = h
        .client
        .post(h.url(&format!("/api/v1/checkout/{id}/code")))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["state"], "succeeded");
}
