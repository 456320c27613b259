//! Voucher storage: purchase, lockout counters, spending (never below
//! zero, never twice under concurrency), refunds and the two-step return.

use super::super::tests::{T0, create, gbp, new_payment, seeded};
use super::*;
use crate::domain::PaymentState;
use crate::store::{PaymentUpdate, SpendOutcome};

async fn bought(store: &Store, customer: CustomerId, number: &str, minor: i64) -> Voucher {
    let v = NewVoucher {
        number: number.into(),
        customer_id: customer,
        source_account: "GB00alice1".into(),
        float_account: "GB00float".into(),
        amount: gbp(minor),
        password_hash: "$argon2id$pw".into(),
        backup_hash: "$argon2id$bk".into(),
        msisdn: Some("447700900101".into()),
        purchase_key: PaymentId::generate(),
    };
    store.insert_voucher(v, T0).await.expect("insert");
    store
        .activate_voucher(number, "SIM1", T0)
        .await
        .expect("activate")
}

#[tokio::test]
async fn purchase_activates_once_and_numbers_are_unique() {
    let (store, alice, _) = seeded().await;
    let v = bought(&store, alice, "V1", 5_000).await;
    assert_eq!((v.status, v.balance), (VoucherStatus::Active, gbp(5_000)));
    let again = store
        .activate_voucher("V1", "SIM1", T0)
        .await
        .expect("again");
    assert_eq!(again.balance, gbp(5_000));
    let txs = store.voucher_transactions("V1").await.expect("txs");
    assert_eq!(txs.len(), 1, "a repeated activation adds no purchase");
    let dup = NewVoucher {
        number: "V1".into(),
        customer_id: alice,
        source_account: "a".into(),
        float_account: "f".into(),
        amount: gbp(1),
        password_hash: "h".into(),
        backup_hash: "h".into(),
        msisdn: None,
        purchase_key: PaymentId::generate(),
    };
    assert!(matches!(
        store.insert_voucher(dup, T0).await,
        Err(StoreError::Duplicate(_))
    ));
}

#[tokio::test]
async fn wrong_passwords_lock_and_wrong_backups_need_an_admin() {
    let (store, alice, _) = seeded().await;
    bought(&store, alice, "V1", 100).await;
    for expected in [
        VoucherStatus::Active,
        VoucherStatus::Active,
        VoucherStatus::Locked,
    ] {
        let v = store
            .record_voucher_failure("V1", false, 3, T0)
            .await
            .expect("fail");
        assert_eq!(v.status, expected);
    }
    assert!(store.unlock_voucher("V1", T0).await.expect("unlock"));
    let v = store.voucher("V1").await.expect("read").expect("there");
    assert_eq!((v.status, v.password_failures), (VoucherStatus::Active, 0));
    for _ in 0..3 {
        store
            .record_voucher_failure("V1", true, 3, T0)
            .await
            .expect("fail");
    }
    let v = store.voucher("V1").await.expect("read").expect("there");
    assert_eq!(v.status, VoucherStatus::AdminLocked);
    assert!(!store.unlock_voucher("V1", T0).await.expect("backup"));
    assert!(store.admin_unlock_voucher("V1", T0).await.expect("admin"));
}

#[tokio::test]
async fn spending_takes_the_payment_over_and_never_goes_below_zero() {
    let (store, alice, shop) = seeded().await;
    bought(&store, alice, "V1", 1_000).await;
    let p = create(&store, new_payment(&shop, 700), T0).await;
    let SpendOutcome::Spent(v) = store.spend_voucher("V1", &p.id, T0).await.expect("spend") else {
        panic!("expected a debit");
    };
    assert_eq!(v.balance, gbp(300));
    let after = store.payment(&p.id).await.expect("read").expect("there");
    assert_eq!(after.state, PaymentState::CodeSent);
    assert_eq!(after.method, crate::domain::PaymentMethod::Voucher);
    assert_eq!(after.bank_account.as_deref(), Some("GB00float"));
    // Settling now: a cancel may not overtake it, nor a second debit.
    let mut cancel = PaymentUpdate::to(PaymentState::Cancelled);
    cancel.unless_settling = true;
    assert!(store.update_payment(&p.id, cancel, T0).await.is_err());
    assert!(matches!(
        store.spend_voucher("V1", &p.id, T0).await.expect("again"),
        SpendOutcome::PaymentClosed(_)
    ));
    let q = create(&store, new_payment(&shop, 301), T0).await;
    assert_eq!(
        store.spend_voucher("V1", &q.id, T0).await.expect("short"),
        SpendOutcome::InsufficientBalance { balance: gbp(300) }
    );
}

#[tokio::test]
async fn concurrent_debits_cannot_spend_the_balance_twice() {
    let (store, alice, shop) = seeded().await;
    bought(&store, alice, "V1", 1_000).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let p = create(&store, new_payment(&shop, 300), T0).await;
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.spend_voucher("V1", &p.id, T0).await.expect("spend")
        }));
    }
    let mut spent = 0;
    for t in tasks {
        if matches!(t.await.expect("task"), SpendOutcome::Spent(_)) {
            spent += 1;
        }
    }
    assert_eq!(spent, 3, "1000 covers three payments of 300");
    let v = store.voucher("V1").await.expect("read").expect("there");
    assert_eq!(v.balance, gbp(100));
}

#[tokio::test]
async fn a_refused_settlement_is_refunded_once() {
    let (store, alice, shop) = seeded().await;
    bought(&store, alice, "V1", 1_000).await;
    let p = create(&store, new_payment(&shop, 400), T0).await;
    store.spend_voucher("V1", &p.id, T0).await.expect("spend");
    let refunded = store
        .refund_voucher_payment(&p.id, T0)
        .await
        .expect("refund");
    assert_eq!(refunded.map(|v| v.balance), Some(gbp(1_000)));
    assert_eq!(
        store
            .refund_voucher_payment(&p.id, T0)
            .await
            .expect("again"),
        None
    );
}

#[tokio::test]
async fn return_records_its_key_first_and_never_returns_twice() {
    let (store, alice, _) = seeded().await;
    bought(&store, alice, "V1", 1_000).await;
    let due = store.vouchers_due_for_return(T0).await.expect("due");
    assert_eq!(due.len(), 1);
    assert!(
        store
            .vouchers_due_for_return(T0 - 1)
            .await
            .expect("due")
            .is_empty()
    );
    let key = PaymentId::generate();
    let (v, minor) = store
        .begin_voucher_return("V1", key.clone(), T0)
        .await
        .expect("begin")
        .expect("something to return");
    assert_eq!(
        (v.status, minor, v.return_key),
        (VoucherStatus::Returning, 1_000, Some(key.clone()))
    );
    // A run cut short here: the next one finds it with the same key.
    let (again, minor) = store
        .begin_voucher_return("V1", PaymentId::generate(), T0)
        .await
        .expect("begin")
        .expect("still returning");
    assert_eq!((again.return_key, minor), (Some(key), 1_000));
    let done = store
        .finish_voucher_return("V1", "SIM9", T0)
        .await
        .expect("finish");
    assert_eq!(
        (done.status, done.balance),
        (VoucherStatus::Returned, gbp(0))
    );
    store
        .finish_voucher_return("V1", "SIM9", T0)
        .await
        .expect("finish again");
    let returns = store.voucher_transactions("V1").await.expect("txs");
    assert_eq!(returns.iter().filter(|t| t.kind == "return").count(), 1);
    assert!(
        store
            .begin_voucher_return("V1", PaymentId::generate(), T0)
            .await
            .expect("b")
            .is_none()
    );
}

#[tokio::test]
async fn a_declined_return_puts_the_balance_back() {
    let (store, alice, _) = seeded().await;
    bought(&store, alice, "V1", 1_000).await;
    store
        .begin_voucher_return("V1", PaymentId::generate(), T0)
        .await
        .expect("begin");
    store.abort_voucher_return("V1", T0).await.expect("abort");
    let v = store.voucher("V1").await.expect("read").expect("there");
    assert_eq!(
        (v.status, v.balance, v.return_key),
        (VoucherStatus::Active, gbp(1_000), None)
    );
}
