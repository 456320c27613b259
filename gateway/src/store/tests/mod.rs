//! Store tests: each area against an in-memory database, persistence and
//! migrations against a file in a temporary directory, and the shared
//! checks on both backends.

mod bank_link;
mod codes;
mod customers;
mod durable;
mod listing;
mod outbox;
mod payments;
mod sends;

use super::*;
use crate::domain::{Currency, CustomerId, MerchantId, Money, OnlineIdentity, PaymentId};

pub(super) const T0: i64 = 1_700_000_000_000;

pub(super) fn gbp(minor: i64) -> Money {
    Money::new(minor, Currency::parse("GBP").expect("GBP"))
}

pub(super) fn identity(s: &str) -> OnlineIdentity {
    OnlineIdentity::parse(s).expect("valid identity")
}

pub(super) fn new_customer(name: &str, identities: &[&str], msisdn: &str) -> NewCustomer {
    NewCustomer {
        name: name.into(),
        id_document_masked: "****1234".into(),
        password_hash: format!("$argon2id$hash-of-{name}"),
        backup_hash: format!("$argon2id$backup-of-{name}"),
        identities: identities.iter().map(|s| identity(s)).collect(),
        terminals: vec![NewTerminal {
            msisdn: msisdn.into(),
            kind: TerminalKind::Phone,
            label: format!("{name}'s phone"),
        }],
        accounts: vec![format!("GB00{name}1"), format!("GB00{name}2")],
        limit_per_payment: Some(gbp(50_000)),
        limit_per_day: None,
        locale: "en".into(),
    }
}

pub(super) fn new_merchant(id: &str) -> NewMerchant {
    NewMerchant {
        id: id.parse().expect("merchant id"),
        name: format!("Shop {id}"),
        bank_account: format!("GB99{id}"),
        webhook_url: Some(format!("http://127.0.0.1:9/{id}")),
        webhook_secret: format!("secret-of-{id}"),
        cert_fingerprint: None,
    }
}

pub(super) fn new_payment(merchant: &MerchantId, minor: i64) -> NewPayment {
    NewPayment {
        id: PaymentId::generate(),
        merchant_id: merchant.clone(),
        order_id: format!("order-{minor}"),
        amount: gbp(minor),
        description: "Tea".into(),
        return_url: Some("https://shop.example/return".into()),
        customer_hint: None,
        expires_at: T0 + 900_000,
    }
}

/// A memory store with one customer and one merchant.
pub(super) async fn seeded() -> (Store, CustomerId, MerchantId) {
    let store = Store::memory().expect("memory store");
    let customer = store
        .create_customer(
            new_customer("alice", &["+447700900101", "alice"], "447700900101"),
            T0,
        )
        .await
        .expect("customer");
    let merchant = store
        .create_merchant(new_merchant("mer_shop"), T0)
        .await
        .expect("merchant")
        .id;
    (store, customer, merchant)
}

/// Creates a payment and unwraps the `Created` outcome.
pub(super) async fn create(store: &Store, p: NewPayment, now: i64) -> Payment {
    match store.create_payment(p, None, now).await.expect("create") {
        CreateOutcome::Created(p) => p,
        other => panic!("expected Created, got {other:?}"),
    }
}
