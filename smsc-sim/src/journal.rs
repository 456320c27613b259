//! Per-number message history: every hop a message takes through the switch
//! (accepted, HLR answer, sent over a cell, acknowledged or refused by the
//! terminal, retry planned, final state, receipt queued), with its time.
//!
//! The admin API serves it at `/api/numbers/{number}/history`. It is a
//! bounded in-memory ring: the messages and receipts themselves are durable
//! in the store, the hop-by-hop trace is a debugging aid and is not kept
//! across restarts. Each number keeps its last [`HOPS_PER_NUMBER`] hops and
//! at most [`MAX_NUMBERS`] numbers are tracked, the least recently used
//! being forgotten first. The switch records several hops for every message,
//! so the common details are kept as data ([`Detail`]) and only rendered as
//! text when the history is read.

mod detail;

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde::Serialize;

pub use detail::Detail;

pub const HOPS_PER_NUMBER: usize = 200;
pub const MAX_NUMBERS: usize = 20_000;

/// One step of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// Unix milliseconds.
    pub at: i64,
    pub message_id: String,
    /// Short machine-readable name: accepted, hlr, deliver, deliver-ack, ...
    pub event: &'static str,
    /// Human-readable detail.
    pub detail: Detail,
}

#[derive(Debug, Default)]
struct Entry {
    /// Tick of the last hop recorded, matched against `recency`.
    last_use: u64,
    hops: VecDeque<Hop>,
}

#[derive(Debug, Default)]
struct Inner {
    by_number: HashMap<String, Entry>,
    /// Numbers in order of last use, oldest at the front; may hold stale
    /// duplicates, skipped when evicting.
    recency: VecDeque<(String, u64)>,
    tick: u64,
}

#[derive(Debug)]
pub struct Journal {
    inner: Mutex<Inner>,
    clock: crate::clock::Clock,
}

impl Journal {
    pub fn new(clock: crate::clock::Clock) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            clock,
        }
    }

    /// Record a hop for `number` now.
    pub fn record(
        &self,
        number: &str,
        message_id: &str,
        event: &'static str,
        detail: impl Into<Detail>,
    ) {
        self.record_at(self.clock.now_ms(), number, message_id, event, detail);
    }

    /// Record a hop for `number` at Unix ms `at`, for callers that have read
    /// the clock already.
    pub fn record_at(
        &self,
        at: i64,
        number: &str,
        message_id: &str,
        event: &'static str,
        detail: impl Into<Detail>,
    ) {
        let hop = Hop {
            at,
            message_id: message_id.to_owned(),
            event,
            detail: detail.into(),
        };
        let number = number.trim_start_matches('+');
        let mut inner = self.inner.lock().expect("journal lock poisoned");
        inner.tick += 1;
        let tick = inner.tick;
        // Every message records several hops in a row for its number; those
        // look-ups must not allocate a fresh key each time.
        match inner.recency.back_mut() {
            Some((n, t)) if n == number => *t = tick,
            _ => inner.recency.push_back((number.to_owned(), tick)),
        }
        let entry = match inner.by_number.get_mut(number) {
            Some(entry) => entry,
            None => inner.by_number.entry(number.to_owned()).or_default(),
        };
        entry.last_use = tick;
        if entry.hops.len() == HOPS_PER_NUMBER {
            entry.hops.pop_front();
        }
        entry.hops.push_back(hop);
        inner.evict();
    }

    /// The hops recorded for `number`, oldest first.
    pub fn history(&self, number: &str) -> Vec<Hop> {
        let number = number.trim_start_matches('+');
        let inner = self.inner.lock().expect("journal lock poisoned");
        inner
            .by_number
            .get(number)
            .map(|e| e.hops.iter().cloned().collect())
            .unwrap_or_default()
    }
}

impl Inner {
    fn is_current(&self, number: &str, tick: u64) -> bool {
        self.by_number.get(number).map(|e| e.last_use) == Some(tick)
    }

    fn evict(&mut self) {
        while self.by_number.len() > MAX_NUMBERS {
            let Some((number, tick)) = self.recency.pop_front() else {
                return;
            };
            if self.is_current(&number, tick) {
                self.by_number.remove(&number);
            }
        }
        // Stale entries accumulate when the same numbers are reused; compact.
        if self.recency.len() > 4 * MAX_NUMBERS.max(self.by_number.len()) {
            let mut recency = std::mem::take(&mut self.recency);
            recency.retain(|(n, t)| self.is_current(n, *t));
            self.recency = recency;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hops_are_kept_per_number_in_order_and_bounded() {
        let j = Journal::new(crate::clock::Clock::new());
        j.record("+447700900101", "1", "accepted", String::new());
        j.record("447700900101", "1", "deliver", "cell-1".to_owned());
        j.record("447700900102", "2", "accepted", String::new());
        let h = j.history("447700900101");
        assert_eq!(
            h.iter().map(|h| h.event).collect::<Vec<_>>(),
            ["accepted", "deliver"]
        );
        assert_eq!(h[1].detail.to_string(), "cell-1");
        assert_eq!(j.history("+447700900102").len(), 1);
        for i in 0..HOPS_PER_NUMBER + 5 {
            j.record("1", &i.to_string(), "x", String::new());
        }
        let h = j.history("1");
        assert_eq!(h.len(), HOPS_PER_NUMBER);
        assert_eq!(h[0].message_id, "5");
    }

    #[test]
    fn least_recently_used_numbers_are_forgotten() {
        let j = Journal::new(crate::clock::Clock::new());
        for n in 0..MAX_NUMBERS + 10 {
            j.record(&n.to_string(), "m", "x", String::new());
            // Keep number 0 in use so it survives.
            j.record("0", "m", "x", String::new());
        }
        assert!(!j.history("0").is_empty());
        assert!(j.history("1").is_empty());
        assert!(!j.history(&(MAX_NUMBERS + 9).to_string()).is_empty());
    }
}
