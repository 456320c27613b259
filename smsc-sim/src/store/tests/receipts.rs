//! The receipts outbox and `finish`, run on both backends.

use super::{both_backends, delivered, messages, receipt};
use crate::message::MessageState;
use crate::store::{Store, StoreError};

both_backends!(
    receipts_wait_per_account_in_order_until_acked,
    finish_commits_state_and_receipt_together,
    refused_finish_queues_no_receipt,
);

async fn receipts_wait_per_account_in_order_until_acked(store: Store) {
    let mut ids = Vec::new();
    for (account, msg) in [
        ("gateway", "m1"),
        ("tester", "m2"),
        ("gateway", "m3"),
        ("gateway", "m4"),
    ] {
        let mut r = receipt(account, msg, MessageState::Delivered);
        r.receipt_id = 999; // ignored: the store assigns ids
        ids.push(store.enqueue_receipt(r).await.expect("enqueue"));
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");

    let waiting = store
        .pending_receipts("gateway", 10)
        .await
        .expect("pending");
    let seen: Vec<_> = waiting
        .iter()
        .map(|r| (r.receipt_id, r.message_id.as_str()))
        .collect();
    assert_eq!(seen, [(ids[0], "m1"), (ids[2], "m3"), (ids[3], "m4")]);
    let mut expected = receipt("gateway", "m1", MessageState::Delivered);
    expected.receipt_id = ids[0];
    assert_eq!(waiting[0], expected);
    assert_eq!(
        store
            .pending_receipts("gateway", 2)
            .await
            .expect("pending")
            .len(),
        2
    );
    assert!(
        store
            .pending_receipts("nobody", 10)
            .await
            .expect("pending")
            .is_empty()
    );

    store.ack_receipt(ids[2]).await.expect("ack");
    store.ack_receipt(ids[3]).await.expect("ack");
    assert!(
        matches!(store.ack_receipt(ids[3]).await, Err(StoreError::ReceiptNotFound(id)) if id == ids[3])
    );
    let left: Vec<_> = store
        .pending_receipts("gateway", 10)
        .await
        .expect("pending")
        .iter()
        .map(|r| r.receipt_id)
        .collect();
    assert_eq!(left, [ids[0]]);
    let next = store
        .enqueue_receipt(receipt("gateway", "m5", MessageState::Expired))
        .await
        .expect("enqueue");
    assert!(next > ids[3], "an acked id is not handed out again");
}

async fn finish_commits_state_and_receipt_together(store: Store) {
    store.insert(messages("x", 2, "1")).await.expect("insert");
    let mut r = receipt("gateway", "x-0", MessageState::Delivered);
    r.intermediate = true;
    let id = store
        .finish("x-0", delivered(42), Some(r.clone()))
        .await
        .expect("finish");
    let id = id.expect("a receipt was queued");
    assert_eq!(
        store.get("x-0").await.expect("get").expect("present").state,
        MessageState::Delivered
    );
    r.receipt_id = id;
    assert_eq!(
        store
            .pending_receipts("gateway", 10)
            .await
            .expect("pending"),
        [r]
    );
    assert_eq!(
        store
            .finish("x-1", delivered(43), None)
            .await
            .expect("finish"),
        None
    );
    assert_eq!(
        store
            .pending_receipts("gateway", 10)
            .await
            .expect("pending")
            .len(),
        1
    );
}

async fn refused_finish_queues_no_receipt(store: Store) {
    store.insert(messages("c", 1, "1")).await.expect("insert");
    store.cancel("c-0", 1).await.expect("cancel");
    let r = receipt("gateway", "c-0", MessageState::Delivered);
    assert!(matches!(
        store.finish("c-0", delivered(2), Some(r.clone())).await,
        Err(StoreError::Final { .. })
    ));
    assert!(matches!(
        store.finish("nope", delivered(2), Some(r)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .pending_receipts("gateway", 10)
            .await
            .expect("pending")
            .is_empty()
    );
    assert_eq!(
        store.get("c-0").await.expect("get").expect("present").state,
        MessageState::Deleted
    );
}
