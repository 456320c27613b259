//! Payments: idempotent creation, compare-and-set updates with their
//! timeline and webhook, the amount lock.

use super::*;
use crate::domain::PaymentMethod;
use crate::domain::PaymentState::{self, *};
use StoreError::StateConflict;

fn key(k: &str, hash: &str) -> Option<IdempotencyKey> {
    Some(IdempotencyKey {
        key: k.into(),
        request_hash: hash.into(),
    })
}

fn webhook(p: &Payment) -> NewWebhook {
    NewWebhook {
        merchant_id: p.merchant_id.clone(),
        payment_id: p.id.clone(),
        url: "http://127.0.0.1:9/hook".into(),
        body: format!("{{\"id\":\"{}\"}}", p.id),
        next_at: T0,
    }
}

#[tokio::test]
async fn idempotency_key_replays_or_refuses() {
    let (store, _, m) = seeded().await;
    let first = match store
        .create_payment(new_payment(&m, 500), key("k1", "h1"), T0)
        .await
    {
        Ok(CreateOutcome::Created(p)) => p,
        other => panic!("expected Created, got {other:?}"),
    };
    assert_eq!(
        (first.state, first.created_at, first.amount),
        (Created, T0, gbp(500))
    );
    let again = store
        .create_payment(new_payment(&m, 500), key("k1", "h1"), T0 + 5)
        .await;
    assert_eq!(
        again.expect("replay"),
        CreateOutcome::Replayed(first.clone())
    );
    let changed = store
        .create_payment(new_payment(&m, 999), key("k1", "h2"), T0 + 5)
        .await;
    assert_eq!(
        changed.expect("reused"),
        CreateOutcome::KeyReused {
            payment_id: first.id.clone()
        }
    );
    let other = store
        .create_merchant(new_merchant("mer_other"), T0)
        .await
        .expect("m2");
    let same_key_other_merchant = store
        .create_payment(new_payment(&other.id, 500), key("k1", "h1"), T0)
        .await;
    assert!(matches!(
        same_key_other_merchant,
        Ok(CreateOutcome::Created(_))
    ));
    let all = store
        .list_payments(PaymentFilter::default())
        .await
        .expect("list");
    assert_eq!(all.len(), 2, "replays created nothing");
    let events = store.timeline(&first.id).await.expect("timeline");
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].event.as_str(), events[0].at), ("created", T0));
}

#[tokio::test]
async fn updates_are_compare_and_set_and_final_is_final() {
    let (store, c, m) = seeded().await;
    let p = create(&store, new_payment(&m, 700), T0).await;
    let wrong = PaymentUpdate::to(Succeeded).expect(&[CodeSent]);
    let err = store
        .update_payment(&p.id, wrong, T0)
        .await
        .expect_err("not code_sent");
    assert!(
        matches!(err, StoreError::StateConflict { current: Created }),
        "{err:?}"
    );

    assert_eq!(p.method, PaymentMethod::SmsCode, "the checkout default");
    let identify = PaymentUpdate {
        customer_id: Some(c),
        bank_account: Some("GB00alice1".into()),
        method: Some(PaymentMethod::Voucher),
        ..PaymentUpdate::to(Identified)
            .expect(&[Created])
            .event("identified", "alice")
    };
    let p1 = store
        .update_payment(&p.id, identify, T0 + 1)
        .await
        .expect("identify");
    assert_eq!(
        (p1.state, p1.customer_id, p1.updated_at),
        (Identified, Some(c), T0 + 1)
    );
    assert_eq!(p1.bank_account.as_deref(), Some("GB00alice1"));
    assert_eq!(p1.method, PaymentMethod::Voucher);

    let finish = PaymentUpdate {
        bank_reference: Some("bank-1".into()),
        ..PaymentUpdate::to(Succeeded)
            .event("bank", "approved")
            .webhook(webhook(&p))
    };
    let p2 = store
        .update_payment(&p.id, finish, T0 + 2)
        .await
        .expect("finish");
    assert_eq!(
        (p2.state, p2.bank_reference.as_deref()),
        (Succeeded, Some("bank-1"))
    );
    assert_eq!(
        p2.bank_account.as_deref(),
        Some("GB00alice1"),
        "None leaves fields alone"
    );
    let hooks = store.webhooks_for_payment(&p.id).await.expect("hooks");
    assert_eq!(hooks.len(), 1, "the webhook came with the final state");

    for state in PaymentState::ALL {
        let again = PaymentUpdate::to(state)
            .event("late", "")
            .webhook(webhook(&p));
        let err = store
            .update_payment(&p.id, again, T0 + 3)
            .await
            .expect_err("final");
        assert!(
            matches!(err, StateConflict { current: Succeeded }),
            "{err:?}"
        );
    }
    let names: Vec<_> = store
        .timeline(&p.id)
        .await
        .expect("timeline")
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        names,
        ["created", "identified", "bank"],
        "refused updates wrote nothing"
    );
    assert_eq!(
        store
            .webhooks_for_payment(&p.id)
            .await
            .expect("hooks")
            .len(),
        1
    );
    let ghost = store
        .update_payment(&PaymentId::generate(), PaymentUpdate::to(Cancelled), T0)
        .await;
    assert!(matches!(
        ghost,
        Err(StoreError::NotFound {
            what: "payment",
            ..
        })
    ));
}

#[tokio::test]
async fn amount_is_locked_once_a_code_exists() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 700), T0).await;
    let changed = store
        .change_amount(&p.id, gbp(800), T0 + 1)
        .await
        .expect("change");
    assert_eq!(changed.amount, gbp(800));
    let code = NewCode {
        payment_id: p.id.clone(),
        hmac: [7; 32],
        msisdn: "447700900101".into(),
        issued_at: T0 + 2,
        expires_at: T0 + 300_000,
        ip: None,
    };
    store.issue_code(code).await.expect("code");
    let err = store
        .change_amount(&p.id, gbp(1), T0 + 3)
        .await
        .expect_err("locked");
    assert!(matches!(err, StoreError::AmountLocked), "{err:?}");
    assert_eq!(
        store
            .payment(&p.id)
            .await
            .expect("read")
            .expect("exists")
            .amount,
        gbp(800)
    );
}
