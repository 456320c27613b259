//! The switch: takes accepted messages to a final state.
//!
//! One task owns every undelivered message. For each it waits until the
//! scheduled time, asks the [`Hlr`](crate::hlr::Hlr) how to reach the number,
//! and moves the message to DELIVERED, UNDELIVERABLE or EXPIRED, with the
//! fault engine able to change the outcome. `auto` numbers are acknowledged
//! by the switch itself; `handset` numbers get SMS-DELIVER TPDUs
//! ([`sms_deliver`]) over the cell their terminal attached through
//! ([`handset`]): absent or full terminals are retried on the configured
//! schedule and at once when the network learns they are back (an alert),
//! until the validity period ends. Final states and their receipts are
//! written to the store together and the receipt is then queued on the
//! submitting account's outbox. cancel_sm and replace_sm come here because
//! only this task knows whether a message is still undelivered.

mod handset;
pub mod sms_deliver;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, oneshot};
use tokio_util::time::DelayQueue;
use tokio_util::time::delay_queue::Key;
use wire::smpp::rusmpp::CommandStatus;

use crate::air::AirOutcome;
use crate::core::{Core, Stats};
use crate::hlr::{ERR_UNKNOWN_SUBSCRIBER, Route};
use crate::message::{Message, MessageState};
use crate::outbox::{Outgoing, OutgoingKind};
use crate::receipts;
use crate::store::{MessageUpdate, PendingReceipt};

/// Which messages a cancel_sm names: one id, or all of source→dest (and service_type).
#[derive(Debug, Clone)]
pub struct CancelTarget {
    pub account: String,
    pub message_id: Option<String>,
    pub source: String,
    pub dest: String,
    pub service_type: String,
}

#[derive(Debug, Clone)]
pub struct Replacement {
    pub account: String,
    pub message_id: String,
    pub source: String,
    pub payload: Vec<u8>,
    pub deliver_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub registered_delivery: u8,
}

type Answer = oneshot::Sender<Result<(), CommandStatus>>;

enum Cmd {
    Submit(Box<Message>),
    /// replace_if_present_flag = 1: replaces pending messages from the same
    /// account with the same source, destination and service_type.
    SubmitReplacing(Box<Message>),
    Cancel(CancelTarget, Answer),
    Replace(Replacement, Answer),
    /// The network learned that this number is reachable again.
    Alert(String),
    /// A delivery over the air ended.
    Outcome(String, AirOutcome),
}

#[derive(Debug, Clone)]
pub struct SwitchHandle {
    tx: mpsc::Sender<Cmd>,
}

/// Receiving end, handed to [`run`] once the core exists.
pub struct SwitchInbox(mpsc::Receiver<Cmd>);

impl std::fmt::Debug for SwitchInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SwitchInbox")
    }
}

pub fn channel() -> (SwitchHandle, SwitchInbox) {
    let (tx, rx) = mpsc::channel(4096);
    (SwitchHandle { tx }, SwitchInbox(rx))
}

impl SwitchHandle {
    pub async fn submit(&self, m: Message) {
        let _ = self.tx.send(Cmd::Submit(Box::new(m))).await;
    }

    pub async fn cancel(&self, target: CancelTarget) -> Result<(), CommandStatus> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Cancel(target, tx))
            .await
            .map_err(|_| CommandStatus::EsmeRsyserr)?;
        rx.await.unwrap_or(Err(CommandStatus::EsmeRsyserr))
    }

    pub async fn submit_replacing(&self, m: Message) {
        let _ = self.tx.send(Cmd::SubmitReplacing(Box::new(m))).await;
    }

    /// The handset `msisdn` attached or has memory again: retry now.
    pub async fn alert(&self, msisdn: String) {
        let _ = self.tx.send(Cmd::Alert(msisdn)).await;
    }

    async fn outcome(&self, id: String, outcome: AirOutcome) {
        let _ = self.tx.send(Cmd::Outcome(id, outcome)).await;
    }

    pub async fn replace(&self, change: Replacement) -> Result<(), CommandStatus> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Replace(change, tx))
            .await
            .map_err(|_| CommandStatus::EsmeRsyserr)?;
        rx.await.unwrap_or(Err(CommandStatus::EsmeRsyserr))
    }
}

enum Timer {
    Attempt(String),
    Complete(String),
}

/// An undelivered message and its timer. `key` is None while no timer is
/// set (a delivery over the air is in flight): a DelayQueue key is reused
/// once its entry fires, so a fired key must never be kept.
struct Pending {
    m: Message,
    key: Option<Key>,
    in_flight: bool,
}

struct Switch {
    core: Arc<Core>,
    pending: HashMap<String, Pending>,
    timers: DelayQueue<Timer>,
    /// Messages parked per absent or full number, retried on an alert.
    waiting: HashMap<String, Vec<String>>,
    /// Delivery pending flags per number: (account, ESME address) to send
    /// alert_notification to when the number becomes reachable.
    dpf: HashMap<String, Vec<(String, crate::message::Address)>>,
}

/// Run until every handle is dropped.
pub async fn run(core: Arc<Core>, SwitchInbox(mut rx): SwitchInbox) {
    let mut sw = Switch {
        core,
        pending: HashMap::new(),
        timers: DelayQueue::new(),
        waiting: HashMap::new(),
        dpf: HashMap::new(),
    };
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(Cmd::Submit(m)) => sw.schedule(*m),
                Some(Cmd::SubmitReplacing(m)) => {
                    sw.replace_present(&m);
                    sw.schedule(*m);
                }
                Some(Cmd::Cancel(t, answer)) => { let _ = answer.send(sw.cancel(t)); }
                Some(Cmd::Replace(r, answer)) => { let _ = answer.send(sw.replace(r).await); }
                Some(Cmd::Alert(msisdn)) => sw.alert(&msisdn),
                Some(Cmd::Outcome(id, outcome)) => sw.on_outcome(&id, outcome),
                None => return,
            },
            Some(expired) = sw.timers.next(), if !sw.timers.is_empty() => {
                let (Timer::Attempt(id) | Timer::Complete(id)) = expired.get_ref();
                if let Some(p) = sw.pending.get_mut(id) {
                    p.key = None;
                }
                match expired.into_inner() {
                    Timer::Attempt(id) => sw.attempt(&id),
                    Timer::Complete(id) => sw.complete(&id),
                }
            }
        }
    }
}

impl Switch {
    fn delay_until(&self, unix_ms: Option<i64>) -> Duration {
        let now = self.core.clock.now_ms();
        Duration::from_millis(unix_ms.map_or(0, |t| (t - now).max(0)) as u64)
    }

    fn schedule(&mut self, m: Message) {
        let delay = self.delay_until(m.deliver_at);
        if m.attempts == 0 {
            let detail = format!("from {} account {}", m.source.addr, m.account);
            self.core
                .journal
                .record(&m.dest.addr, &m.id, "accepted", detail);
        }
        let key = self.timers.insert(Timer::Attempt(m.id.clone()), delay);
        let id = m.id.clone();
        let pending = Pending {
            m,
            key: Some(key),
            in_flight: false,
        };
        if let Some(old) = self.pending.insert(id, pending) {
            self.clear_timer(old.key);
        }
    }

    fn clear_timer(&mut self, key: Option<Key>) {
        if let Some(k) = key {
            self.timers.try_remove(&k);
        }
    }

    /// Set `id`'s timer to `timer` after `delay`, replacing any other.
    fn set_timer(&mut self, id: &str, timer: Timer, delay: Duration) {
        let key = self.timers.insert(timer, delay);
        let old = match self.pending.get_mut(id) {
            Some(p) => p.key.replace(key),
            None => Some(key),
        };
        self.clear_timer(old);
    }

    fn attempt(&mut self, id: &str) {
        let Some(p) = self.pending.get_mut(id) else {
            return;
        };
        if p.in_flight {
            return;
        }
        let m = &mut p.m;
        if self.core.clock.now_ms() >= m.expires_at {
            let error = m.error_code;
            return self.finish(id, MessageState::Expired, error);
        }
        m.attempts += 1;
        if m.attempts == 1 && receipts::intermediate_due(m.registered_delivery) {
            let m = m.clone();
            self.emit_receipt(m, MessageState::Enroute, 0, None, None);
        }
        let Some(p) = self.pending.get(id) else {
            return;
        };
        let route = self.core.hlr.route(&p.m.dest.addr);
        match route {
            Route::Unknown => {
                self.hop(id, "hlr", "unknown subscriber".into());
                self.finish(id, MessageState::Undeliverable, ERR_UNKNOWN_SUBSCRIBER)
            }
            Route::Auto(delay) => {
                self.hop(id, "hlr", format!("auto, acknowledged after {delay:?}"));
                self.set_timer(id, Timer::Complete(id.to_owned()), delay);
            }
            Route::Handset(reach) => self.attempt_handset(id, reach),
        }
    }

    /// Record a hop of message `id` in the journal of its destination.
    fn hop(&self, id: &str, event: &'static str, detail: String) {
        if let Some(p) = self.pending.get(id) {
            self.core.journal.record(&p.m.dest.addr, id, event, detail);
        }
    }

    fn complete(&mut self, id: &str) {
        let Some(p) = self.pending.get(id) else {
            return;
        };
        if self.core.clock.now_ms() >= p.m.expires_at {
            return self.finish(id, MessageState::Expired, p.m.error_code);
        }
        self.finish(id, MessageState::Delivered, 0);
    }

    /// Move a message to a final state, apply receipt faults, persist and queue the receipt.
    fn finish(&mut self, id: &str, state: MessageState, error_code: u16) {
        let Some(Pending { mut m, key, .. }) = self.pending.remove(id) else {
            return;
        };
        self.clear_timer(key);
        self.unpark(&m.dest.addr, id);
        self.core.journal.record(
            &m.dest.addr,
            id,
            "final",
            format!("{} err:{error_code:03}", state.receipt_word()),
        );
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
        m.done_at = Some(self.core.clock.now_ms());
        let receipt = receipts::final_receipt_due(m.registered_delivery, state) && !fault.drop;
        let update = MessageUpdate {
            state,
            done_at: m.done_at,
            error_code,
            attempts: m.attempts,
            deliver_at: None,
        };
        let core = Arc::clone(&self.core);
        if receipt {
            self.emit_receipt(m, state, error_code, Some(update), fault.delay);
        } else {
            tokio::spawn(async move {
                if let Err(e) = core.store.update(&m.id, update).await {
                    tracing::error!(error = %e, "recording a final state failed");
                }
            });
        }
    }

    /// Persist and queue a receipt: a final one together with the final state
    /// in `update`, or an intermediate notification when `update` is None.
    fn emit_receipt(
        &self,
        m: Message,
        state: MessageState,
        error_code: u16,
        update: Option<MessageUpdate>,
        delay: Option<Duration>,
    ) {
        let core = Arc::clone(&self.core);
        let intermediate = update.is_none();
        tokio::spawn(async move {
            let now = core.clock.now_ms();
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
                account.outbox.push(Outgoing {
                    kind: OutgoingKind::Receipt(receipt_id),
                    pdu: Box::new(pdu),
                });
            }
        });
    }

    /// SMPP 3.4 §5.2.18: a pending message with the same source address,
    /// destination address and service_type is replaced by `new`. The old
    /// one ends DELETED (its receipt, if asked for, says so); one being sent
    /// over the air at this moment can no longer be replaced.
    fn replace_present(&mut self, new: &Message) {
        let old: Vec<String> = self
            .pending
            .values()
            .filter(|p| {
                let m = &p.m;
                !p.in_flight
                    && m.id != new.id
                    && m.account == new.account
                    && m.source.addr == new.source.addr
                    && m.dest.addr == new.dest.addr
                    && m.service_type == new.service_type
            })
            .map(|p| p.m.id.clone())
            .collect();
        for id in old {
            self.hop(&id, "replaced", format!("by {}", new.id));
            self.finish(&id, MessageState::Deleted, 0);
        }
    }

    fn cancel(&mut self, t: CancelTarget) -> Result<(), CommandStatus> {
        let ids: Vec<String> = match &t.message_id {
            Some(id) => match self.pending.get(id).map(|p| &p.m) {
                Some(m)
                    if m.account == t.account
                        && (t.source.is_empty() || t.source == m.source.addr) =>
                {
                    vec![id.clone()]
                }
                _ => return Err(CommandStatus::EsmeRcancelfail),
            },
            None => self
                .pending
                .values()
                .map(|p| &p.m)
                .filter(|m| {
                    m.account == t.account
                        && m.source.addr == t.source
                        && m.dest.addr == t.dest
                        && (t.service_type.is_empty() || t.service_type == m.service_type)
                })
                .map(|m| m.id.clone())
                .collect(),
        };
        if ids.is_empty() {
            return Err(CommandStatus::EsmeRcancelfail);
        }
        for id in ids {
            self.finish(&id, MessageState::Deleted, 0);
        }
        Ok(())
    }

    async fn replace(&mut self, r: Replacement) -> Result<(), CommandStatus> {
        let Some(m) = self
            .pending
            .get(&r.message_id)
            .filter(|p| !p.in_flight)
            .map(|p| &p.m)
        else {
            return Err(CommandStatus::EsmeRreplacefail);
        };
        if m.account != r.account || (!r.source.is_empty() && r.source != m.source.addr) {
            return Err(CommandStatus::EsmeRreplacefail);
        }
        let mut m = m.clone();
        m.payload = r.payload.clone();
        m.registered_delivery = r.registered_delivery;
        if let Some(t) = r.deliver_at {
            m.deliver_at = Some(t);
        }
        if let Some(t) = r.expires_at {
            m.expires_at = t;
        }
        let change = crate::store::Replacement {
            payload: r.payload,
            data_coding: None,
            deliver_at: r.deliver_at,
            expires_at: r.expires_at,
            registered_delivery: r.registered_delivery,
        };
        self.core.store.replace(&m.id, change).await.map_err(|e| {
            tracing::error!(error = %e, "replace_sm store update failed");
            CommandStatus::EsmeRreplacefail
        })?;
        self.schedule(m);
        Ok(())
    }
}
