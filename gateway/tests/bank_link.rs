//! Registration from the bank over real HTTP: the bank opens the SMS
//! payment method for Alice's account with a new phone (the phone becomes
//! her terminal and gets the confirmation SMS), a replay changes nothing,
//! a reference reused for another instruction is refused, and after the
//! bank cancels, checkout refuses the account. Without the token, wrong
//! token and bad fields are refused with the right status.

#[path = "checkout_pages/support.rs"]
mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Harness, Options, PASSWORD};

const TOKEN: &str = "bank-link-token-0123456789";
const NEW_PHONE: &str = "447700900777";

async fn start(token: Option<&str>) -> Harness {
    Harness::start_with(Options {
        bank_link_token: token.map(str::to_owned),
        ..Options::default()
    })
    .await
}

async fn instruct(h: &Harness, token: &str, body: Value) -> (StatusCode, Value) {
    let r = h
        .client
        .post(h.url("/bank/v1/sms-method"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("bank call");
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

fn open(reference: &str) -> Value {
    json!({ "reference": reference, "action": "open", "account": "GB00ALICE", "msisdn": NEW_PHONE })
}

#[tokio::test]
async fn the_bank_opens_and_cancels_the_sms_method() {
    let h = start(Some(TOKEN)).await;
    let (s, v) = instruct(&h, TOKEN, open("b-1")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            &v["customers"],
            &v["terminals_added"],
            &v["replayed"],
            &v["confirmation_sent"]
        ),
        (&json!(1), &json!(1), &json!(false), &json!(true))
    );
    {
        let sent = h.sms.sent.lock().expect("sms");
        let (to, text) = sent.last().expect("a confirmation");
        assert_eq!(to, NEW_PHONE);
        assert!(text.contains("turned on") && text.contains("ICE"), "{text}");
        assert!(!text.contains("GB00ALICE"), "the account is masked: {text}");
    }
    let terminals = h
        .app
        .payments
        .store()
        .terminals(h.customer)
        .await
        .expect("terminals");
    assert!(
        terminals.iter().any(|t| t.msisdn == NEW_PHONE),
        "{terminals:?}"
    );

    let before = h.sms.count();
    let (s, v) = instruct(&h, TOKEN, open("b-1")).await;
    assert_eq!((s, &v["replayed"]), (StatusCode::OK, &json!(true)), "{v}");
    assert_eq!(h.sms.count(), before, "a replay sends nothing");
    let mut other = open("b-1");
    other["action"] = json!("cancel");
    let (s, v) = instruct(&h, TOKEN, other).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("idempotency_key_reused"))
    );

    // Cancelled: the account no longer pays, and the holder is told.
    let cancel = json!({ "reference": "b-2", "action": "cancel", "account": "GB00ALICE", "msisdn": NEW_PHONE });
    let (s, v) = instruct(&h, TOKEN, cancel).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        h.sms
            .sent
            .lock()
            .expect("sms")
            .last()
            .expect("sms")
            .1
            .contains("turned off")
    );
    let id = h.payment().await;
    let r = h
        .client
        .post(h.url(&format!("/api/v1/checkout/{id}/identify")))
        .json(&json!({ "identity": "alice", "password": PASSWORD }))
        .send()
        .await
        .expect("identify");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.expect("json");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("may pay by SMS code")),
        "{v}"
    );
    let audit = h.app.payments.store().audit_log(10).await.expect("audit");
    assert_eq!(audit.iter().filter(|a| a.actor == "bank").count(), 2);
}

#[tokio::test]
async fn tokens_and_fields_are_checked() {
    let off = start(None).await;
    let (s, _) = instruct(&off, TOKEN, open("b-1")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no token configured: no endpoint");

    let h = start(Some(TOKEN)).await;
    let (s, _) = instruct(&h, "wrong-token-0123456789", open("b-1")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let bad = json!({ "reference": "b-1", "action": "close", "account": "GB00ALICE", "msisdn": NEW_PHONE });
    let (s, v) = instruct(&h, TOKEN, bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("action")),
        "{v}"
    );
    let (s, _) = instruct(&h, TOKEN, json!({ "reference": "b-1" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "missing fields");
    assert_eq!(h.sms.count(), 0);
}
