//! The payee (or the amount) changed behind the store's back after a code
//! was issued — the row edited in the database, which no API allows. The
//! code's HMAC names the payment, amount, currency and payee, so the right
//! code no longer verifies: 422 `wrong_code`, the attempt counted, nobody
//! debited or credited. Put back, the same code pays the original payee.

use gateway::domain::{MerchantId, Money};
use gateway::store::{DB_FILE, NewMerchant};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Harness, Options, PASSWORD, PHONE};

async fn step(h: &Harness, id: &str, step: &str, body: Value) -> (StatusCode, Value) {
    let r = h
        .client
        .post(h.url(&format!("/api/v1/checkout/{id}/{step}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// Runs one statement on the gateway's database file, as an intruder
/// with file access would.
fn tamper(h: &Harness, sql: &str, arg: &str, id: &str) {
    let db = rusqlite::Connection::open(h.data.join(DB_FILE)).expect("open the database");
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    assert_eq!(db.execute(sql, [arg, id]).expect("tamper"), 1);
}

#[tokio::test]
async fn a_payee_or_amount_changed_after_the_code_makes_the_code_fail() {
    let h = Harness::start_with(Options {
        file_store: true,
        ..Options::default()
    })
    .await;
    let evil: MerchantId = "mer_evil".parse().unwrap();
    let now = h.app.payments.clock().now_ms();
    h.app
        .payments
        .store()
        .create_merchant(
            NewMerchant {
                id: evil.clone(),
                name: "Evil".into(),
                bank_account: "GB00EVIL".into(),
                webhook_url: None,
                webhook_secret: "whsec-evil".into(),
                cert_fingerprint: None,
            },
            now,
        )
        .await
        .unwrap();
    let zero: Money = "GBP 0.00".parse().unwrap();
    h.bank
        .open_account("GB00EVIL", "Evil", zero, None)
        .await
        .unwrap();

    let id = h.payment().await;
    let login = json!({ "identity": "alice", "password": PASSWORD });
    assert_eq!(
        step(&h, id.as_str(), "identify", login).await.0,
        StatusCode::OK
    );
    let code = h.sms.code_to(PHONE);
    let (alice, shop) = (h.balance("GB00ALICE").await, h.balance("GB00SHOP").await);

    let set_payee = "UPDATE payments SET merchant_id = ?1 WHERE id = ?2";
    tamper(&h, set_payee, evil.as_str(), id.as_str());
    let p = h.app.payments.payment(&id).await.unwrap();
    assert_eq!(p.merchant_id, evil, "the change is visible to the gateway");
    let (s, v) = step(&h, id.as_str(), "code", json!({ "code": code })).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_code")),
        "{v}"
    );
    assert_eq!(h.balance("GB00EVIL").await, 0, "the new payee got nothing");

    // The amount, lowered the same way.
    tamper(&h, set_payee, h.merchant.as_str(), id.as_str());
    tamper(
        &h,
        "UPDATE payments SET amount_minor = ?1 WHERE id = ?2",
        "1",
        id.as_str(),
    );
    let (s, v) = step(&h, id.as_str(), "code", json!({ "code": code })).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_code")),
        "{v}"
    );
    assert_eq!(
        (h.balance("GB00ALICE").await, h.balance("GB00SHOP").await),
        (alice, shop)
    );

    // Restored, the code (one attempt left of three) pays the real payee.
    tamper(
        &h,
        "UPDATE payments SET amount_minor = ?1 WHERE id = ?2",
        "1250",
        id.as_str(),
    );
    let (s, v) = step(&h, id.as_str(), "code", json!({ "code": code })).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("succeeded")),
        "{v}"
    );
    assert_eq!(h.balance("GB00ALICE").await, alice - 1250);
    assert_eq!(h.balance("GB00SHOP").await, shop + 1250);
}
