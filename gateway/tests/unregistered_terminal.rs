//! The policy switch for sending the code to a number the shopper names at
//! checkout that is not one of their registered terminals. Off (the
//! default): refused before the password is looked at, no SMS, and the page
//! offers no such field. On: the code goes to that number, the timeline
//! says so (last digits only), and the code from it completes the payment.

#[path = "checkout_pages/support.rs"]
mod support;

use gateway::codes::{CodePolicy, CodePolicySettings};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Harness, Options, PASSWORD};

const OTHER: &str = "447700900555";

async fn start(allow: bool) -> Harness {
    let settings = CodePolicySettings {
        allow_unregistered_terminal: allow,
        ..CodePolicySettings::default()
    };
    Harness::start_with(Options {
        policy: CodePolicy::try_from(settings).expect("policy"),
        ..Options::default()
    })
    .await
}

async fn post(h: &Harness, path: &str, body: Value) -> (StatusCode, Value) {
    let r = h
        .client
        .post(h.url(path))
        .json(&body)
        .send()
        .await
        .expect("request");
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn off_by_default_the_code_goes_only_to_registered_terminals() {
    let h = start(false).await;
    let id = h.payment().await;
    let body = json!({ "identity": "alice", "password": PASSWORD, "send_to": OTHER });
    let (s, v) = post(&h, &format!("/api/v1/checkout/{id}/identify"), body).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("registered terminals")),
        "{v}"
    );
    assert_eq!(h.sms.count(), 0);
    let page = h
        .client
        .get(h.url(&format!("/checkout/{id}")))
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("html");
    assert!(
        !html.contains("name=\"send_to\""),
        "no field when the policy is off"
    );
}

#[tokio::test]
async fn on_the_code_goes_to_the_named_number_and_completes_the_payment() {
    let h = start(true).await;
    let id = h.payment().await;
    let page = h
        .client
        .get(h.url(&format!("/checkout/{id}")))
        .send()
        .await
        .expect("page");
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("name=\"send_to\"")
    );

    let path = format!("/api/v1/checkout/{id}/identify");
    let bad = json!({ "identity": "alice", "password": PASSWORD, "send_to": "07700 900555" });
    let (s, v) = post(&h, &path, bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("send_to:")),
        "{v}"
    );
    let both =
        json!({ "identity": "alice", "password": PASSWORD, "send_to": OTHER, "terminal": 1 });
    assert_eq!(post(&h, &path, both).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(h.sms.count(), 0);

    let body = json!({ "identity": "alice", "password": PASSWORD, "send_to": format!("+{OTHER}") });
    let (s, v) = post(&h, &path, body).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("code_sent")),
        "{v}"
    );
    let code = h.sms.code_to(OTHER);
    let events = h
        .app
        .payments
        .store()
        .timeline(&id)
        .await
        .expect("timeline");
    let named = events
        .iter()
        .find(|e| e.event == "unregistered_terminal")
        .expect("the timeline records it");
    assert!(
        named.detail.ends_with("0555") && !named.detail.contains(OTHER),
        "{}",
        named.detail
    );
    let (s, v) = post(
        &h,
        &format!("/api/v1/checkout/{id}/code"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("succeeded")),
        "{v}"
    );
}
