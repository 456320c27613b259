//! Final states: apply receipt faults, count, persist the final state
//! together with its receipt, and queue the receipt on the submitting
//! account's outbox (after a fault's delay). Intermediate notifications
//! (ENROUTE) take the same path without a state change.

use std::sync::Arc;

use futures::FutureExt;
use std::time::Duration;

use super::{Pending, Switch};
use crate::core::Stats;
use crate::journal::Detail;
use crate::message::{Message, MessageState};
use crate::outbox::{Outgoing, OutgoingKind};
use crate::receipts;
use crate::store::{MessageUpdate, PendingReceipt};

impl Switch {
    /// Move a message to a final state, apply receipt faults, persist and queue the receipt.
    pub(super) fn finish(&mut self, id: &str, state: MessageState, error_code: u16) {
        let Some(Pending { mut m, key, .. }) = self.pending.remove(id) else {
            return;
        };
        self.clear_timer(key);
        self.unpark(&m.dest.addr, id);
        let detail = Detail::Final(state, error_code);
        let journal = &self.core.journal;
        journal.record_at(self.now, &m.dest.addr, id, "final", detail);
        let fault = self.core.faults.on_receipt(&m.account, &m.dest.addr);
        let (state, error_code) = match fault.override_state {
            Some((s, e)) if m.state != MessageState::Deleted && state != MessageState::Deleted => {
                (s, e)
            }
            _ => (state, error_code),
        };
        let counter = if state == MessageState::Delivered {
            &self.core.stats.delivered
        } else {
            &self.core.stats.failed
        };
        Stats::inc(counter);
        m.state = state;
        m.error_code = error_code;
        m.done_at = Some(self.now);
        let receipt = receipts::final_receipt_due(m.registered_delivery, state) && !fault.drop;
        let update = MessageUpdate {
            state,
            done_at: m.done_at,
            error_code,
            attempts: m.attempts,
            deliver_at: None,
        };
        if receipt {
            self.emit_receipt(m, state, error_code, Some(update), fault.delay);
        } else {
            let core = Arc::clone(&self.core);
            tokio::spawn(async move {
                if let Err(e) = core.store.update(&m.id, update).await {
                    tracing::error!(error = %e, "recording a final state failed");
                }
            });
        }
    }

    /// Persist and queue a receipt: a final one together with the final state
    /// in `update`, or an intermediate notification when `update` is None.
    pub(super) fn emit_receipt(
        &self,
        m: Message,
        state: MessageState,
        error_code: u16,
        update: Option<MessageUpdate>,
        delay: Option<Duration>,
    ) {
        let core = Arc::clone(&self.core);
        let intermediate = update.is_none();
        let now = self.now;
        let work = Box::pin(async move {
            let pending = PendingReceipt {
                receipt_id: 0,
                account: m.account.clone(),
                message_id: m.id.clone(),
                state,
                error_code,
                intermediate,
                created_at: now,
            };
            let stored = match update {
                Some(u) => core.store.finish(&m.id, u, Some(pending)).await,
                None => core.store.enqueue_receipt(pending).await.map(Some),
            };
            let receipt_id = match stored {
                Ok(Some(id)) => id,
                Ok(None) => return,
                Err(e) => {
                    tracing::error!(error = %e, "storing a receipt failed");
                    return;
                }
            };
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            let pdu = receipts::receipt_pdu(
                &m,
                state,
                error_code,
                m.done_at.unwrap_or(now),
                intermediate,
            );
            if let Some(account) = core.accounts.get(&m.account) {
                Stats::inc(&core.stats.receipts_sent);
                account
                    .outbox
                    .push(Outgoing::new(OutgoingKind::Receipt(receipt_id), pdu));
            }
        });
        // The memory store answers at once, so the receipt is usually queued
        // by this first poll; a task is spawned only for what must wait (a
        // group commit, a fault's delay). Spawning one per message showed in
        // profiles. A later poll by the task registers the task's waker.
        let mut work = work;
        if (&mut work).now_or_never().is_none() {
            tokio::spawn(work);
        }
    }
}
