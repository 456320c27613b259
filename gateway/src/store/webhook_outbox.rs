//! The store as the webhook worker's [`WebhookOutbox`]: outbox rows become
//! [`OutboxItem`]s whose event id ("evt_" and the row id) stays the same
//! on every retry, so receivers can drop duplicates.

use futures::FutureExt;
use futures::future::BoxFuture;

use super::{Store, StoreError, WebhookJob};
use crate::webhooks::{OutboxError, OutboxItem, WebhookOutbox};

fn outbox_error(e: StoreError) -> OutboxError {
    OutboxError(Box::new(e))
}

/// The event id a webhook row is sent with.
pub fn event_id(outbox_id: i64) -> String {
    format!("evt_{outbox_id}")
}

impl From<WebhookJob> for OutboxItem {
    fn from(j: WebhookJob) -> OutboxItem {
        OutboxItem {
            id: j.id,
            event_id: event_id(j.id),
            url: j.url,
            body: j.body,
            secret: j.secret.into_bytes(),
            attempts: j.attempts,
        }
    }
}

impl WebhookOutbox for Store {
    fn due(&self, now: i64, limit: usize) -> BoxFuture<'_, Result<Vec<OutboxItem>, OutboxError>> {
        async move {
            let jobs = self.webhook_due(now, limit).await.map_err(outbox_error)?;
            Ok(jobs.into_iter().map(OutboxItem::from).collect())
        }
        .boxed()
    }

    fn delivered(&self, id: i64, at: i64) -> BoxFuture<'_, Result<(), OutboxError>> {
        async move { self.webhook_delivered(id, at).await.map_err(outbox_error) }.boxed()
    }

    fn retry(
        &self,
        id: i64,
        attempts: u32,
        next_at: i64,
    ) -> BoxFuture<'_, Result<(), OutboxError>> {
        async move {
            self.webhook_retry(id, attempts, next_at)
                .await
                .map_err(outbox_error)
        }
        .boxed()
    }

    fn give_up(&self, id: i64, at: i64) -> BoxFuture<'_, Result<(), OutboxError>> {
        async move { self.webhook_give_up(id, at).await.map_err(outbox_error) }.boxed()
    }
}
