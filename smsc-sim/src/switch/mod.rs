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

mod finish;
mod handle;
mod handset;
mod ops;
pub mod sms_deliver;

use handle::Cmd;
pub use handle::{SwitchHandle, SwitchInbox, channel};

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio_util::time::DelayQueue;
use tokio_util::time::delay_queue::Key;

use crate::core::Core;
use crate::hlr::{ERR_UNKNOWN_SUBSCRIBER, Route};
use crate::journal::Detail;
use crate::message::{Message, MessageState};
use crate::receipts;

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
    /// Unix ms of the event being handled, read once per event: the clock
    /// was read several times per message and showed in profiles.
    now: i64,
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
        now: core.clock.now_ms(),
        core,
        pending: HashMap::new(),
        timers: DelayQueue::new(),
        waiting: HashMap::new(),
        dpf: HashMap::new(),
    };
    loop {
        let event = tokio::select! {
            cmd = rx.recv() => Event::Cmd(cmd),
            Some(expired) = sw.timers.next(), if !sw.timers.is_empty() => Event::Timer(expired.into_inner()),
        };
        sw.now = sw.core.clock.now_ms();
        match event {
            Event::Cmd(cmd) => match cmd {
                Some(Cmd::Submit(m)) => sw.schedule(*m),
                Some(Cmd::SubmitReplacing(m)) => {
                    sw.replace_present(&m);
                    sw.schedule(*m);
                }
                Some(Cmd::Cancel(t, answer)) => {
                    let _ = answer.send(sw.cancel(t));
                }
                Some(Cmd::Replace(r, answer)) => {
                    let _ = answer.send(sw.replace(r).await);
                }
                Some(Cmd::Alert(msisdn)) => sw.alert(&msisdn),
                Some(Cmd::Outcome(id, outcome)) => sw.on_outcome(&id, outcome),
                None => return,
            },
            Event::Timer(timer) => {
                let (Timer::Attempt(id) | Timer::Complete(id)) = &timer;
                if let Some(p) = sw.pending.get_mut(id) {
                    p.key = None;
                }
                match timer {
                    Timer::Attempt(id) => sw.attempt(&id),
                    Timer::Complete(id) => sw.complete(&id),
                }
            }
        }
    }
}

enum Event {
    Cmd(Option<Cmd>),
    Timer(Timer),
}

impl Switch {
    fn delay_until(&self, unix_ms: Option<i64>) -> Duration {
        Duration::from_millis(unix_ms.map_or(0, |t| (t - self.now).max(0)) as u64)
    }

    fn schedule(&mut self, m: Message) {
        let delay = self.delay_until(m.deliver_at);
        if m.attempts == 0 {
            let detail = Detail::Accepted {
                source: m.source.addr.clone(),
                account: m.account.clone(),
            };
            let journal = &self.core.journal;
            journal.record_at(self.now, &m.dest.addr, &m.id, "accepted", detail);
        }
        // A message due now is attempted at once rather than through a
        // zero-delay timer: that round trip cost a DelayQueue entry per message.
        let due_now = delay.is_zero();
        let key = (!due_now).then(|| self.timers.insert(Timer::Attempt(m.id.clone()), delay));
        let id = m.id.clone();
        let pending = Pending {
            m,
            key,
            in_flight: false,
        };
        if let Some(old) = self.pending.insert(id.clone(), pending) {
            self.clear_timer(old.key);
        }
        if due_now {
            self.attempt(&id);
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
        if self.now >= m.expires_at {
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
                self.hop(id, "hlr", "unknown subscriber");
                self.finish(id, MessageState::Undeliverable, ERR_UNKNOWN_SUBSCRIBER)
            }
            Route::Auto(delay) => {
                self.hop(id, "hlr", Detail::AutoAck(delay));
                if delay.is_zero() {
                    // No timer round trip when there is nothing to wait for.
                    self.complete(id);
                } else {
                    self.set_timer(id, Timer::Complete(id.to_owned()), delay);
                }
            }
            Route::Handset(reach) => self.attempt_handset(id, reach),
        }
    }

    /// Record a hop of message `id` in the journal of its destination.
    fn hop(&self, id: &str, event: &'static str, detail: impl Into<Detail>) {
        if let Some(p) = self.pending.get(id) {
            let journal = &self.core.journal;
            journal.record_at(self.now, &p.m.dest.addr, id, event, detail);
        }
    }

    fn complete(&mut self, id: &str) {
        let Some(p) = self.pending.get(id) else {
            return;
        };
        if self.now >= p.m.expires_at {
            return self.finish(id, MessageState::Expired, p.m.error_code);
        }
        self.finish(id, MessageState::Delivered, 0);
    }
}
