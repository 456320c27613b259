//! Codes: issuing revokes the previous one, attempts revoke at the limit,
//! consuming is single use and honours expiry, receipts find their code,
//! sends are counted per number.

use super::*;

fn code_for(p: &PaymentId, issued_at: i64, msisdn: &str) -> NewCode {
    NewCode {
        payment_id: p.clone(),
        hmac: [issued_at as u8; 32],
        msisdn: msisdn.into(),
        issued_at,
        expires_at: issued_at + 300_000,
        ip: None,
    }
}

#[tokio::test]
async fn a_new_code_revokes_the_old_and_sends_are_counted() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let first = store
        .issue_code(code_for(&p.id, T0, "447700900101"))
        .await
        .expect("1");
    assert_eq!(
        (first.attempts, first.used, first.revoked),
        (0, false, false)
    );
    assert_eq!(first.delivery, DeliveryStatus::Pending);
    let second = store
        .issue_code(code_for(&p.id, T0 + 40_000, "447700900102"))
        .await
        .expect("2");
    let codes = store.codes_for_payment(&p.id).await.expect("codes");
    assert_eq!(codes.len(), 2);
    assert!(codes[0].revoked && !codes[1].revoked);
    assert_eq!(
        store.latest_code(&p.id).await.expect("latest"),
        Some(second.clone())
    );
    assert_eq!(second.hmac, [(T0 + 40_000) as u8; 32]);
    assert!(
        !store.consume_code(first.id, T0 + 1).await.expect("revoked"),
        "old code is dead"
    );

    let q = create(&store, new_payment(&m, 200), T0).await;
    store
        .issue_code(code_for(&q.id, T0 + 50_000, "447700900101"))
        .await
        .expect("3");
    assert_eq!(
        store
            .code_sends_since("447700900101", T0)
            .await
            .expect("count"),
        2
    );
    assert_eq!(
        store
            .code_sends_since("447700900101", T0 + 1)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        store
            .code_sends_since("447700900199", T0)
            .await
            .expect("count"),
        0
    );
}

#[tokio::test]
async fn attempts_revoke_at_the_limit_and_use_is_single() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let c = store
        .issue_code(code_for(&p.id, T0, "447700900101"))
        .await
        .expect("code");
    let once = store.record_code_attempt(c.id, 3).await.expect("1");
    assert_eq!((once.attempts, once.revoked), (1, false));
    store.record_code_attempt(c.id, 3).await.expect("2");
    let third = store.record_code_attempt(c.id, 3).await.expect("3");
    assert_eq!((third.attempts, third.revoked), (3, true));
    let after = store.record_code_attempt(c.id, 3).await.expect("4");
    assert_eq!(after.attempts, 3, "a revoked code counts no more");
    assert!(!store.consume_code(c.id, T0 + 1).await.expect("revoked"));

    let d = store
        .issue_code(code_for(&p.id, T0 + 10, "447700900101"))
        .await
        .expect("code");
    assert!(
        !store
            .consume_code(d.id, d.expires_at)
            .await
            .expect("expired"),
        "expiry is exclusive"
    );
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.consume_code(d.id, T0 + 20).await })
        })
        .collect();
    let mut wins = 0;
    for r in racers {
        wins += usize::from(r.await.expect("join").expect("consume"));
    }
    assert_eq!(wins, 1, "exactly one use");
    let used = store.code(d.id).await.expect("read").expect("exists");
    assert!(used.used);
    assert_eq!(store.code(9999).await.expect("read"), None);
}

#[tokio::test]
async fn receipts_find_their_code() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let c = store
        .issue_code(code_for(&p.id, T0, "447700900101"))
        .await
        .expect("code");
    store
        .code_sent(c.id, "smsc-a", vec!["17".into(), "18".into()], T0 + 5)
        .await
        .expect("sent");
    let sent = store.code(c.id).await.expect("read").expect("exists");
    assert_eq!(
        (sent.delivery, sent.delivery_at),
        (DeliveryStatus::Sent, Some(T0 + 5))
    );
    assert_eq!(
        sent.message_ids,
        [
            ("smsc-a".to_owned(), "17".to_owned()),
            ("smsc-a".to_owned(), "18".to_owned())
        ]
    );
    let none = store
        .code_receipt("smsc-b", "17", DeliveryStatus::Delivered, T0 + 6)
        .await;
    assert_eq!(none.expect("lookup"), None, "message ids are per SMSC");
    let got = store
        .code_receipt("smsc-a", "18", DeliveryStatus::Delivered, T0 + 7)
        .await;
    let got = got.expect("lookup").expect("found");
    assert_eq!((got.id, got.delivery), (c.id, DeliveryStatus::Delivered));
    let late = store
        .code_receipt("smsc-a", "17", DeliveryStatus::Failed, T0 + 8)
        .await;
    assert_eq!(
        late.expect("lookup").expect("found").delivery,
        DeliveryStatus::Delivered
    );
    store
        .set_code_delivery(c.id, DeliveryStatus::Failed, T0 + 9)
        .await
        .expect("set");
    assert!(matches!(
        store
            .set_code_delivery(424242, DeliveryStatus::Failed, T0)
            .await,
        Err(StoreError::NotFound { what: "code", .. })
    ));
    store.revoke_codes(&p.id).await.expect("revoke");
    assert!(
        store
            .code(c.id)
            .await
            .expect("read")
            .expect("exists")
            .revoked
    );
    assert!(
        !format!("{c:?}").contains("hmac"),
        "Debug leaves the HMAC out"
    );
}
