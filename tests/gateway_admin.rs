//! Registration through the gateway's admin API on the full stack: the new
//! customer's terminal (a handset created on the fly) gets the confirmation
//! SMS, the backup code is shown once, and the customer can pay.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_registered_customer_gets_the_confirmation_sms_and_can_pay() {
    let stack = stack().await;
    let dora = "447700900505";
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{}/api/terminals", stack.handsets_api()))
        .json(&json!({ "msisdn": dora, "imsi": "234150000000505", "kind": "phone", "label": "Dora's phone" }))
        .send()
        .await
        .expect("handset created");
    assert!(created.status().is_success());
    let admin = |path: &str| format!("http://{}/admin/api{path}", stack.gateway_http);
    let body = json!({
        "name": "Dora Dean", "id_document": "P5050505D", "identities": [format!("+{dora}"), "dora"],
        "password": "dora-pass-1", "terminals": [{ "msisdn": dora, "label": "Dora's phone" }],
        "accounts": ["GB33SWBK00000000000101"], "locale": "en"
    });
    let unauthorised = http
        .post(admin("/customers"))
        .json(&body)
        .send()
        .await
        .expect("answer");
    assert_eq!(unauthorised.status().as_u16(), 401);
    let r = http
        .post(admin("/customers"))
        .bearer_auth("demo-admin-token-change-me")
        .json(&body)
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.expect("json");
    assert!(
        v["backup_code"].as_str().is_some_and(|c| c.len() == 14),
        "{v}"
    );
    let phones = handsets(&stack);
    let url = format!(
        "{}/api/terminals/{dora}/next-message?timeout=10",
        stack.handsets_api()
    );
    let m: Value = http
        .get(url)
        .send()
        .await
        .expect("long poll")
        .json()
        .await
        .expect("json");
    assert!(
        m["text"].as_str().is_some_and(|t| t.contains("registered")),
        "{m}"
    );
    let id = create_payment(&stack, "1.50").await;
    assert_eq!(identify(&stack, &id, "dora", "dora-pass-1").await.0, 200);
    let code = phones
        .wait_code(dora, Duration::from_secs(10))
        .await
        .expect("code");
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    stack.stop().await.expect("clean stop");
}
