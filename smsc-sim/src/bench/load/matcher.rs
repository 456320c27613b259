//! Receipts matched to submits across all binds of a phase.
//!
//! An SMSC may deliver a receipt on any receiver-capable bind of the
//! account, not the one that submitted, so the map from message_id to send
//! time is shared by the binds' readers. A receipt may also overtake its
//! submit_sm_resp; it then waits in `early` until the resp files the id.
//! The matcher also decides when the phase is complete (every submit
//! answered and, with receipts on, every accepted one receipted) and tells
//! all readers through a watch channel, since the last receipt may arrive
//! on a bind other than the one still waiting.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::bench::stats::Samples;

#[derive(Debug)]
pub struct Matcher {
    inner: Mutex<Inner>,
    total: u64,
    receipts_on: bool,
    done: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct Inner {
    pending: HashMap<String, Instant>,
    early: HashMap<String, Instant>,
    answered: u64,
    accepted: u64,
    receipts: u64,
    latency: Samples,
}

impl Matcher {
    pub fn new(total: u64, receipts_on: bool) -> Self {
        let inner = Inner {
            latency: Samples::with_capacity(if receipts_on { total as usize } else { 0 }),
            ..Inner::default()
        };
        Self {
            inner: Mutex::new(inner),
            total,
            receipts_on,
            done: watch::Sender::new(false),
        }
    }

    /// Resolves when the phase is complete.
    pub fn done(&self) -> watch::Receiver<bool> {
        self.done.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A reader that panicked has failed the phase anyway; the counts stay usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A submit_sm_resp (or nack) arrived; `accepted` carries the message id of an accepted one.
    pub fn answered(&self, accepted: Option<&str>, sent: Instant) {
        let mut g = self.lock();
        g.answered += 1;
        if let Some(id) = accepted {
            g.accepted += 1;
            if self.receipts_on {
                match g.early.remove(id) {
                    Some(at) => g.latency.record(at - sent),
                    None => {
                        g.pending.insert(id.to_owned(), sent);
                    }
                }
            }
        }
        self.check(&g);
    }

    /// A receipt naming `id` arrived at `at`.
    pub fn receipt(&self, id: String, at: Instant) {
        let mut g = self.lock();
        g.receipts += 1;
        match g.pending.remove(&id) {
            Some(sent) => g.latency.record(at - sent),
            None => {
                g.early.insert(id, at);
            }
        }
        self.check(&g);
    }

    fn check(&self, g: &Inner) {
        if g.answered >= self.total && (!self.receipts_on || g.receipts >= g.accepted) {
            self.done.send_replace(true);
        }
    }

    /// The receipt latencies gathered so far.
    pub fn take_latency(&self) -> Samples {
        std::mem::take(&mut self.lock().latency)
    }
}
