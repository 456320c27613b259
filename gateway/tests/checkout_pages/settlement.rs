//! A stop between the bank moving the money and the gateway writing the
//! outcome: the payment keeps its used code and no outcome. The expiry
//! sweep must leave it alone (the money may have moved), and at the next
//! start `resume_settlements` asks the bank again, which answers with the
//! first transfer instead of moving the money twice.

use std::time::Duration;

use gateway::bank::{Bank, BankOutcome, Transfer};
use gateway::domain::PaymentState;

use super::support::{Harness, PASSWORD, PHONE};

#[tokio::test]
async fn a_settlement_cut_short_is_resumed_once_and_never_expired() {
    let h = Harness::start("Shop", None).await;
    let id = h.payment().await;
    let r = h
        .client
        .post(h.url(&format!("/api/v1/checkout/{id}/identify")))
        .json(&serde_json::json!({ "identity": "alice", "password": PASSWORD }))
        .send()
        .await
        .expect("identify");
    assert_eq!(r.status(), 200);
    assert!(!h.sms.code_to(PHONE).is_empty());
    let before = h.balance("GB00ALICE").await;

    // What confirm did before the stop: the code used, the bank asked.
    let store = h.app.payments.store();
    let now = h.app.payments.clock().now_ms();
    let code = store.latest_code(&id).await.expect("store").expect("code");
    assert!(store.consume_code(code.id, now).await.expect("store"));
    let p = store.payment(&id).await.expect("store").expect("payment");
    let transfer = Transfer {
        payment_id: id.clone(),
        from_account: p.bank_account.clone().expect("account chosen"),
        to_account: "GB00SHOP".into(),
        amount: p.amount,
    };
    let first = h.bank.transfer(transfer).await.expect("bank");
    let BankOutcome::Approved { reference } = first else {
        panic!("approved: {first:?}")
    };
    let debited = h.balance("GB00ALICE").await;
    assert_eq!(debited, before - p.amount.minor);

    // Long past its expiry, the sweep still does not touch it.
    h.app.payments.clock().advance(Duration::from_secs(3600));
    let later = h.app.payments.clock().now_ms();
    let due = store.payments_to_expire(later, 100).await.expect("store");
    assert!(
        due.iter().all(|d| d.id != id),
        "a settling payment is not expired"
    );

    assert_eq!(
        h.app.payments.resume_settlements().await.expect("resume"),
        1
    );
    let p = store.payment(&id).await.expect("store").expect("payment");
    assert_eq!(p.state, PaymentState::Succeeded);
    assert_eq!(p.bank_reference.as_deref(), Some(reference.as_str()));
    assert_eq!(h.balance("GB00ALICE").await, debited, "debited once");
    assert_eq!(
        h.app.payments.resume_settlements().await.expect("resume"),
        0
    );
}
