//! The flow's background work: expire payments whose time is up, record
//! the SMSCs' delivery receipts on the code and the payment's timeline, and
//! hand the store's webhook outbox to the [`crate::webhooks`] worker.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::PaymentService;
use crate::domain::PaymentState;
use crate::sms::DeliveryReport;
use crate::store::{DeliveryStatus, Store};
use crate::webhooks::WebhookOutbox;

/// Receipts remembered for recognising repeats (about 100 bytes each).
const RECENT_RECEIPTS: usize = 100_000;

impl PaymentService {
    /// Finish what a stop cut short: payments whose code was used but whose
    /// outcome was never written go to the bank again. The bank keys
    /// transfers by payment id, so money that already moved is reported,
    /// not moved twice. Run once at start, before the first request.
    pub async fn resume_settlements(&self) -> Result<usize, super::PaymentError> {
        let batch = self.inner.store.payments_settling(10_000).await?;
        for p in &batch {
            self.inner
                .store
                .add_event(&p.id, self.now(), "settlement_resumed", "after a restart")
                .await?;
            let after = self.settle(p).await?;
            tracing::info!(payment = %p.id, state = after.state.as_str(), "settlement resumed");
        }
        Ok(batch.len())
    }

    /// Expire due payments every `every` until cancelled.
    pub async fn run_expiry(self, every: Duration, cancel: CancellationToken) {
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
            let due = match self.inner.store.payments_to_expire(self.now(), 100).await {
                Ok(d) => d,
                Err(e) => {
                    tracing::error!(error = %e, "listing payments to expire failed");
                    continue;
                }
            };
            for p in due {
                let detail = "the shopper did not finish in time";
                if let Err(e) = self
                    .finish(&p, PaymentState::Expired, "expired", detail, None)
                    .await
                {
                    tracing::debug!(payment = %p.id, error = %e, "not expired");
                }
            }
        }
    }

    /// Record each delivery receipt on its code and payment; a receipt the
    /// SMSC sends again (same id and stat, after a crash) is recorded once,
    /// and one that comes before its message id is stored is held and tried
    /// again ([`super::early_receipts`]).
    pub async fn run_receipts(self, mut reports: mpsc::Receiver<DeliveryReport>) {
        use super::early_receipts::{CAPACITY, EarlyReceipts, HOLD, RETRY_EVERY};
        let mut seen = super::seen_receipts::SeenReceipts::new(RECENT_RECEIPTS);
        let mut early = EarlyReceipts::new(CAPACITY, HOLD);
        let mut tick = tokio::time::interval(RETRY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                r = reports.recv() => {
                    let Some(r) = r else { return };
                    if !seen.first_time(&r.smsc, &r.message_id, &r.stat) {
                        tracing::debug!(id = r.message_id, stat = r.stat, "repeated receipt ignored");
                        continue;
                    }
                    if let Some(r) = self.record_receipt(r).await
                        && let Some(out) = early.hold(r, tokio::time::Instant::now())
                    {
                        tracing::debug!(id = out.message_id, "receipt for no known code dropped");
                    }
                }
                _ = tick.tick(), if !early.is_empty() => {
                    let (again, expired) = early.take(tokio::time::Instant::now());
                    if expired > 0 {
                        tracing::debug!(expired, "receipts for no known code dropped");
                    }
                    for (until, r) in again {
                        if let Some(r) = self.record_receipt(r).await {
                            early.hold_again(until, r);
                        }
                    }
                }
            }
        }
    }

    /// Writes `r` on its code and the payment's timeline; gives it back
    /// when no code has its message id (yet).
    async fn record_receipt(&self, r: DeliveryReport) -> Option<DeliveryReport> {
        let status = match r.stat.as_str() {
            "DELIVRD" => DeliveryStatus::Delivered,
            "ENROUTE" | "ACCEPTD" | "SCHEDUL" => DeliveryStatus::Sent,
            _ => DeliveryStatus::Failed,
        };
        let store = &self.inner.store;
        match store
            .code_receipt(&r.smsc, &r.message_id, status, r.at)
            .await
        {
            Ok(Some(code)) => {
                let detail = format!(
                    "{} for message_id {} (err {})",
                    r.stat,
                    r.message_id,
                    r.err.as_deref().unwrap_or("-")
                );
                let _ = store
                    .add_event(&code.payment_id, r.at, "receipt", &detail)
                    .await;
                None
            }
            Ok(None) => Some(r),
            Err(e) => {
                tracing::error!(error = %e, "recording a receipt failed");
                None
            }
        }
    }
}

/// The store's outbox for the webhook worker (the store implements it).
pub fn outbox(store: &Store) -> Arc<dyn WebhookOutbox> {
    Arc::new(store.clone())
}
