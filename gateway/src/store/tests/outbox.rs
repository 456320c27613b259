//! The webhook outbox: due order, retry, delivery, give-up, the
//! merchant's current secret, and the `WebhookOutbox` adapter.

use super::*;
use crate::webhooks::WebhookOutbox;

async fn queue(store: &Store, p: &Payment, next_at: i64) -> i64 {
    let w = NewWebhook {
        merchant_id: p.merchant_id.clone(),
        payment_id: p.id.clone(),
        url: format!("http://127.0.0.1:9/{next_at}"),
        body: format!("{{\"at\":{next_at}}}"),
        next_at,
    };
    store.enqueue_webhook(w, T0).await.expect("enqueue")
}

#[tokio::test]
async fn due_is_ordered_by_time_then_queue_order() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let late = queue(&store, &p, T0 + 50).await;
    let a = queue(&store, &p, T0 + 10).await;
    let b = queue(&store, &p, T0 + 10).await;
    let future = queue(&store, &p, T0 + 1000).await;
    let due: Vec<i64> = store
        .webhook_due(T0 + 100, 10)
        .await
        .expect("due")
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(due, [a, b, late]);
    assert!(!due.contains(&future));
    let first = store.webhook_due(T0 + 100, 1).await.expect("due");
    assert_eq!(first.len(), 1);
    assert_eq!(
        (first[0].id, first[0].secret.as_str()),
        (a, "secret-of-mer_shop")
    );
    assert_eq!(first[0].attempts, 0);

    store.webhook_retry(a, 1, T0 + 500).await.expect("retry");
    store
        .webhook_delivered(b, T0 + 101)
        .await
        .expect("delivered");
    store
        .webhook_give_up(late, T0 + 102)
        .await
        .expect("give up");
    let due: Vec<i64> = store
        .webhook_due(T0 + 100, 10)
        .await
        .expect("due")
        .iter()
        .map(|j| j.id)
        .collect();
    assert!(due.is_empty(), "{due:?}");
    let due = store.webhook_due(T0 + 1000, 10).await.expect("due");
    assert_eq!(
        due.iter().map(|j| (j.id, j.attempts)).collect::<Vec<_>>(),
        [(a, 1), (future, 0)]
    );

    let err = store
        .webhook_delivered(b, T0)
        .await
        .expect_err("already delivered");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let records = store.webhooks_for_payment(&p.id).await.expect("records");
    let status: Vec<_> = records.iter().map(|r| (r.id, r.status)).collect();
    assert_eq!(
        status,
        [
            (late, WebhookStatus::Failed),
            (a, WebhookStatus::Pending),
            (b, WebhookStatus::Delivered),
            (future, WebhookStatus::Pending)
        ]
    );
    assert_eq!(records[2].delivered_at, Some(T0 + 101));

    // Delivery and giving up are on the payment's timeline, once each.
    let timeline = store.timeline(&p.id).await.expect("timeline");
    let notes: Vec<_> = timeline
        .iter()
        .filter(|e| e.event.starts_with("notif"))
        .map(|e| (e.event.as_str(), e.detail.as_str()))
        .collect();
    let delivered = format!(
        "webhook {b} to http://127.0.0.1:9/{} after 1 attempt",
        T0 + 10
    );
    let failed = format!(
        "webhook {late} to http://127.0.0.1:9/{} after 1 attempt",
        T0 + 50
    );
    assert_eq!(
        notes,
        [
            ("notified", delivered.as_str()),
            ("notify_failed", failed.as_str())
        ]
    );
    assert_eq!(
        timeline
            .iter()
            .find(|e| e.event == "notified")
            .map(|e| e.at),
        Some(T0 + 101)
    );
}

#[tokio::test]
async fn secret_rotation_applies_to_queued_webhooks() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    queue(&store, &p, T0).await;
    store
        .set_merchant_webhook(&m, None, "rotated".into(), T0)
        .await
        .expect("rotate");
    let due = store.webhook_due(T0, 10).await.expect("due");
    assert_eq!(due[0].secret, "rotated");
    assert!(!format!("{:?}", due[0]).contains("rotated"));
}

#[tokio::test]
async fn the_store_is_a_webhook_outbox() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    let id = queue(&store, &p, T0).await;
    let outbox: &dyn WebhookOutbox = &store;
    let items = outbox.due(T0, 10).await.expect("due");
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].id, items[0].event_id.as_str()),
        (id, event_id(id).as_str())
    );
    assert_eq!(items[0].secret, b"secret-of-mer_shop");
    outbox.retry(id, 1, T0 + 10).await.expect("retry");
    assert!(outbox.due(T0 + 9, 10).await.expect("due").is_empty());
    let again = outbox.due(T0 + 10, 10).await.expect("due");
    assert_eq!(
        again[0].event_id, items[0].event_id,
        "same event id on retry"
    );
    outbox.delivered(id, T0 + 11).await.expect("delivered");
    assert!(
        outbox.give_up(id, T0 + 12).await.is_err(),
        "a delivered webhook cannot be given up"
    );
}

#[tokio::test]
async fn timeline_and_audit_keep_order() {
    let (store, _, m) = seeded().await;
    let p = create(&store, new_payment(&m, 100), T0).await;
    store
        .add_event(&p.id, T0 + 1, "code_sent", "message 17")
        .await
        .expect("event");
    store
        .add_event(&p.id, T0 + 1, "receipt", "DELIVRD")
        .await
        .expect("event");
    let names: Vec<_> = store
        .timeline(&p.id)
        .await
        .expect("timeline")
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(names, ["created", "code_sent", "receipt"]);
    store
        .audit(T0, "admin", "customers unlock", "1")
        .await
        .expect("audit");
    store
        .audit(T0 + 1, "cli", "merchants revoke", "mer_shop")
        .await
        .expect("audit");
    let log = store.audit_log(10).await.expect("log");
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["merchants revoke", "customers unlock"]
    );
}
