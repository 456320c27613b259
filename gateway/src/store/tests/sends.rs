//! Send windows: per number and per prefix, checked in the issuing
//! transaction with the wait until a slot frees; the pumping counts by
//! prefix and by address; checkout sessions replace each other.

use super::*;

fn send(p: &PaymentId, at: i64, msisdn: &str, ip: &str) -> NewCode {
    NewCode {
        payment_id: p.clone(),
        hmac: [1; 32],
        msisdn: msisdn.into(),
        issued_at: at,
        expires_at: at + 300_000,
        ip: Some(ip.into()),
    }
}

#[test]
fn prefixes_are_leading_digits() {
    assert_eq!(prefix_of("447700900101", 6), "447700");
    assert_eq!(prefix_of("4477", 6), "4477");
    assert_eq!(prefix_of("", 3), "");
}

#[tokio::test]
async fn a_full_prefix_window_refuses_other_numbers_in_it_until_a_slot_frees() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let limits = vec![
        SendWindow {
            scope: SendScope::Number,
            max: 2,
            per_ms: 600_000,
        },
        SendWindow {
            scope: SendScope::Prefix { digits: 8 },
            max: 3,
            per_ms: 600_000,
        },
    ];
    // Three numbers of one block, 1 s apart: all go.
    for (i, n) in ["447700900001", "447700900002", "447700900003"]
        .into_iter()
        .enumerate()
    {
        let at = T0 + i as i64 * 1000;
        let r = store
            .issue_code_limited(send(&p.id, at, n, "198.51.100.7"), limits.clone())
            .await
            .expect("store");
        assert!(r.is_ok(), "{n}: {r:?}");
    }
    // A fourth number in the block is refused; the wait is until the
    // first send leaves the 10-minute window.
    let r = store
        .issue_code_limited(
            send(&p.id, T0 + 5000, "447700900999", "198.51.100.8"),
            limits.clone(),
        )
        .await
        .expect("store");
    assert_eq!(
        r.expect_err("prefix full"),
        SendRefused {
            scope: SendScope::Prefix { digits: 8 },
            retry_after_ms: 600_000 - 5000,
        }
    );
    // Another block is not affected, and the refusal stored nothing.
    let r = store
        .issue_code_limited(
            send(&p.id, T0 + 6000, "447700910001", "198.51.100.8"),
            limits.clone(),
        )
        .await
        .expect("store");
    assert!(r.is_ok());
    assert_eq!(
        store
            .code_sends_since("447700900999", T0)
            .await
            .expect("count"),
        0
    );
    // Once the first send is 10 minutes old, the block has room again.
    let r = store
        .issue_code_limited(
            send(&p.id, T0 + 600_000, "447700900999", "198.51.100.8"),
            limits,
        )
        .await
        .expect("store");
    assert!(r.is_ok(), "{r:?}");

    let stats = store.code_send_stats(T0, 8, 10).await.expect("stats");
    assert_eq!(stats.total, 5);
    assert_eq!(
        stats.by_prefix,
        vec![("44770090".to_owned(), 4), ("44770091".to_owned(), 1)]
    );
    assert_eq!(
        stats.by_ip,
        vec![
            ("198.51.100.7".to_owned(), 3),
            ("198.51.100.8".to_owned(), 2)
        ]
    );
    // A later window sees only the last send.
    let later = store
        .code_send_stats(T0 + 600_000, 8, 10)
        .await
        .expect("stats");
    assert_eq!(later.total, 1);
}

#[tokio::test]
async fn a_full_number_window_names_the_number_scope() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let limits = vec![SendWindow {
        scope: SendScope::Number,
        max: 1,
        per_ms: 60_000,
    }];
    let first = store
        .issue_code_limited(send(&p.id, T0, "447700900101", "a"), limits.clone())
        .await
        .expect("store");
    assert!(first.is_ok());
    let again = store
        .issue_code_limited(send(&p.id, T0 + 10, "447700900101", "a"), limits)
        .await
        .expect("store")
        .expect_err("full");
    assert_eq!(again.scope, SendScope::Number);
    assert_eq!(again.retry_after_ms, 60_000 - 10);
}

#[tokio::test]
async fn a_new_checkout_session_replaces_the_old_one() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    assert_eq!(store.checkout_session(&p.id).await.expect("read"), None);
    store
        .bind_checkout_session(&p.id, [1; 32], T0)
        .await
        .expect("bind");
    store
        .bind_checkout_session(&p.id, [2; 32], T0 + 1)
        .await
        .expect("bind again");
    assert_eq!(
        store.checkout_session(&p.id).await.expect("read"),
        Some([2; 32])
    );
}
