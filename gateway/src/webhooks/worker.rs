//! The webhook delivery worker: a spawned task that drains the outbox.
//!
//! Each pass asks the [`WebhookOutbox`] for items due now, POSTs them (a few at a time) with
//! `Content-Type: application/json`, the signature and the event id, and records delivered,
//! retry (after [`WebhookConfig::backoff`]) or give up. Between passes it waits for the poll
//! interval or a [`WebhookWorker::wake`] call, and it stops when its cancellation token fires.
//! Redirects are not followed: the signed body goes only to the URL the merchant registered.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use reqwest::header::CONTENT_TYPE;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, signature_header};
use super::{OutboxError, OutboxItem, WebhookOutbox};

/// How the worker polls, sends and backs off.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Wait between passes when nothing woke the worker.
    pub poll_interval: Duration,
    /// Items fetched per pass.
    pub batch: usize,
    /// Requests in flight at once within a pass.
    pub concurrency: usize,
    /// Whole-request timeout; a timeout counts as a failed attempt.
    pub request_timeout: Duration,
    /// Delay after the first failed attempt; doubles after each further one.
    pub backoff_base: Duration,
    /// Longest delay between attempts.
    pub backoff_cap: Duration,
    /// Attempts before the item is given up.
    pub max_attempts: u32,
    /// Trusted for https:// webhook URLs besides the system's root
    /// certificates (a merchant's private CA, a test CA).
    pub extra_roots: Vec<reqwest::Certificate>,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            poll_interval: Duration::from_secs(1),
            batch: 32,
            concurrency: 8,
            request_timeout: Duration::from_secs(10),
            backoff_base: Duration::from_secs(10),
            backoff_cap: Duration::from_secs(3600),
            max_attempts: 20,
            extra_roots: Vec::new(),
        }
    }
}

impl WebhookConfig {
    /// Delay before the next attempt once `attempts` (≥ 1) have failed:
    /// `backoff_base · 2^(attempts-1)`, at most `backoff_cap`.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.backoff_base
            .checked_mul(1u32 << doublings)
            .map_or(self.backoff_cap, |d| d.min(self.backoff_cap))
    }
}

/// Handle to the running delivery task.
pub struct WebhookWorker {
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl WebhookWorker {
    /// Starts the worker on the current Tokio runtime. Fails only if the HTTP client cannot
    /// be built.
    pub fn spawn(
        outbox: Arc<dyn WebhookOutbox>,
        config: WebhookConfig,
        cancel: CancellationToken,
    ) -> Result<WebhookWorker, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("switchboard-gateway/", env!("CARGO_PKG_VERSION")));
        for root in &config.extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        let client = builder.build()?;
        let wake = Arc::new(Notify::new());
        let delivery = Delivery {
            outbox,
            client,
            config,
        };
        let task = tokio::spawn(delivery.run(wake.clone(), cancel));
        Ok(WebhookWorker { wake, task })
    }

    /// Polls now instead of at the next interval (call after enqueueing a webhook).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until the task has stopped (after its cancellation token fired).
    pub async fn stopped(self) {
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "webhook worker task failed");
        }
    }
}

struct Delivery {
    outbox: Arc<dyn WebhookOutbox>,
    client: reqwest::Client,
    config: WebhookConfig,
}

impl Delivery {
    async fn run(self, wake: Arc<Notify>, cancel: CancellationToken) {
        tracing::info!("webhook worker started");
        loop {
            let full = tokio::select! {
                _ = cancel.cancelled() => break,
                pass = self.pass() => match pass {
                    Ok(n) => n >= self.config.batch,
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook outbox poll failed");
                        false
                    }
                },
            };
            if full {
                // More may be due right now; go again without waiting.
                continue;
            }
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
        tracing::info!("webhook worker stopped");
    }

    /// One poll: deliver every due item; returns how many were due.
    async fn pass(&self) -> Result<usize, OutboxError> {
        let items = self.outbox.due(now_ms(), self.config.batch).await?;
        let n = items.len();
        futures::stream::iter(items)
            .for_each_concurrent(self.config.concurrency.max(1), |item| self.deliver(item))
            .await;
        Ok(n)
    }

    async fn deliver(&self, item: OutboxItem) {
        let attempts = item.attempts.saturating_add(1);
        let ok = self.post(&item).await;
        let now = now_ms();
        let recorded = if ok {
            tracing::info!(id = item.id, event_id = %item.event_id, attempts, "webhook delivered");
            self.outbox.delivered(item.id, now).await
        } else if attempts >= self.config.max_attempts {
            tracing::warn!(id = item.id, event_id = %item.event_id, attempts, "webhook given up");
            self.outbox.give_up(item.id, now).await
        } else {
            let delay = self.config.backoff(attempts);
            let next_at = now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
            self.outbox.retry(item.id, attempts, next_at).await
        };
        if let Err(e) = recorded {
            // The item stays due and is sent again later; receivers dedupe on the event id.
            tracing::warn!(id = item.id, error = %e, "recording webhook result failed");
        }
    }

    /// Sends one attempt; true when the receiver answered 2xx.
    async fn post(&self, item: &OutboxItem) -> bool {
        let timestamp = now_ms().div_euclid(1000);
        let signature = signature_header(&item.secret, timestamp, item.body.as_bytes());
        let sent = self
            .client
            .post(&item.url)
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_ID_HEADER, &item.event_id)
            .body(item.body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => true,
            Ok(response) => {
                let status = response.status().as_u16();
                tracing::info!(id = item.id, url = %item.url, status, "webhook refused");
                false
            }
            Err(e) => {
                tracing::info!(id = item.id, url = %item.url, error = %e, "webhook not sent");
                false
            }
        }
    }
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
