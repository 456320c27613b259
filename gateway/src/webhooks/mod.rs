//! Merchant webhooks: signed notifications of final payment states, delivered from a durable
//! outbox.
//!
//! The payment flow writes a webhook into the store's outbox in the same transaction that
//! makes the payment final. [`WebhookWorker`] polls the outbox through the small
//! [`WebhookOutbox`] trait (which the store implements), POSTs each due [`OutboxItem`] with a
//! [`signature`] header and the event id, and records the result: a 2xx marks it delivered,
//! anything else schedules a retry with exponential backoff ([`WebhookConfig::backoff`])
//! until the attempts run out and it is given up. Because the outbox lives in SQLite, pending deliveries survive
//! a restart; delivery is at least once, so receivers dedupe on `Switchboard-Event-Id`.

pub mod signature;
mod worker;

#[cfg(test)]
mod worker_tests;

use std::fmt;

use futures::future::BoxFuture;

pub use signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, sign, signature_header, verify};
pub use worker::{WebhookConfig, WebhookWorker};

/// One webhook waiting in the outbox.
#[derive(Clone)]
pub struct OutboxItem {
    /// The outbox row's id, passed back to [`WebhookOutbox`] to record the result.
    pub id: i64,
    /// Sent as `Switchboard-Event-Id`; the same on every retry of this item.
    pub event_id: String,
    pub url: String,
    /// The JSON body, sent byte for byte as signed.
    pub body: String,
    /// The merchant's webhook secret (HMAC key). Never logged: `Debug` redacts it.
    pub secret: Vec<u8>,
    /// Delivery attempts made so far.
    pub attempts: u32,
}

impl fmt::Debug for OutboxItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboxItem")
            .field("id", &self.id)
            .field("event_id", &self.event_id)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .field("secret", &"<redacted>")
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// The outbox's storage failed; the worker logs it and tries again on the next poll.
#[derive(Debug, thiserror::Error)]
#[error("webhook outbox: {0}")]
pub struct OutboxError(pub Box<dyn std::error::Error + Send + Sync>);

/// Where the worker finds due webhooks and records what happened. Times are Unix ms.
/// Object safe (boxed futures) so the worker holds an `Arc<dyn WebhookOutbox>`.
pub trait WebhookOutbox: Send + Sync {
    /// Up to `limit` undelivered, not given up items whose next attempt is at or before `now`,
    /// oldest first.
    fn due(&self, now: i64, limit: usize) -> BoxFuture<'_, Result<Vec<OutboxItem>, OutboxError>>;
    /// The receiver answered 2xx at `at`.
    fn delivered(&self, id: i64, at: i64) -> BoxFuture<'_, Result<(), OutboxError>>;
    /// The attempt failed; `attempts` is the new total, try again at `next_at`.
    fn retry(&self, id: i64, attempts: u32, next_at: i64)
    -> BoxFuture<'_, Result<(), OutboxError>>;
    /// The last allowed attempt failed at `at`; never try again.
    fn give_up(&self, id: i64, at: i64) -> BoxFuture<'_, Result<(), OutboxError>>;
}
