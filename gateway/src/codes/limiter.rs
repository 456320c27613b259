//! Sliding-window rate limits keyed by a string (a phone number, a client IP).
//!
//! A [`RateLimiter`] holds one or more [`Limit`]s (at most `max` events per
//! `per`) and, per key, the instants of the recent accepted events (a sliding
//! log). [`RateLimiter::check_and_record`] accepts an event when every window
//! still has room, recording it, or refuses it with the [`RetryAfter`] when the
//! fullest window frees a slot; refused events are not recorded, so hammering
//! does not extend a block. Memory is bounded: per key by the largest limit,
//! and in keys by pruning those with no event inside the longest window and,
//! past `max_keys`, evicting the least recently active ones. Time is passed in
//! (tokio's clock), so tests use explicit instants or a paused runtime.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::CodePolicy;

/// At most `max` events per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub per: Duration,
}

/// The event is refused; retry after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("rate limited; retry after {} s", .0.as_secs_f64().ceil())]
pub struct RetryAfter(pub Duration);

/// A limit with `max` 0 or a zero window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a rate limit needs at least one window, each with max ≥ 1 and a non-zero period")]
pub struct InvalidLimit;

/// Keys kept before the least recently active ones are evicted.
pub const DEFAULT_MAX_KEYS: usize = 100_000;
/// Calls between sweeps of keys whose events all left the longest window.
const SWEEP_EVERY: u32 = 1024;

#[derive(Debug)]
struct State {
    events: HashMap<String, VecDeque<Instant>>,
    calls_since_sweep: u32,
}

/// Sliding-window limiter shared by the request handlers (`&self`, locked
/// briefly inside; never held across an await).
#[derive(Debug)]
pub struct RateLimiter {
    limits: Vec<Limit>,
    longest: Duration,
    max_keys: usize,
    state: Mutex<State>,
}

impl RateLimiter {
    /// A limiter enforcing every one of `limits`.
    pub fn new(limits: &[Limit]) -> Result<Self, InvalidLimit> {
        if limits.is_empty() || limits.iter().any(|l| l.max == 0 || l.per.is_zero()) {
            return Err(InvalidLimit);
        }
        let longest = limits.iter().map(|l| l.per).max().unwrap_or_default();
        let state = State {
            events: HashMap::new(),
            calls_since_sweep: 0,
        };
        Ok(Self {
            limits: limits.to_vec(),
            longest,
            max_keys: DEFAULT_MAX_KEYS,
            state: state.into(),
        })
    }

    /// Codes sent per number: the policy's per-10-minutes and per-hour limits.
    pub fn per_number(policy: &CodePolicy) -> Self {
        Self::new(&[
            Limit {
                max: policy.per_number_10min(),
                per: Duration::from_secs(600),
            },
            Limit {
                max: policy.per_number_hour(),
                per: Duration::from_secs(3600),
            },
        ])
        .expect("the policy validated both limits as ≥ 1")
    }

    /// At most `max` events per key per minute (the per-IP limits).
    pub fn per_minute(max: u32) -> Result<Self, InvalidLimit> {
        Self::new(&[Limit {
            max,
            per: Duration::from_secs(60),
        }])
    }

    /// Bound the number of keys tracked (at least 1).
    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys.max(1);
        self
    }

    /// Keys currently tracked.
    pub fn tracked_keys(&self) -> usize {
        self.lock().events.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere
        // while holding the lock leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Accept and record an event for `key` at `now`, or say when to retry.
    pub fn check_and_record(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        let mut state = self.lock();
        state.calls_since_sweep += 1;
        if state.calls_since_sweep >= SWEEP_EVERY {
            self.sweep(&mut state, now);
        }
        if let Some(log) = state.events.get_mut(key) {
            while log
                .front()
                .is_some_and(|&t| now.saturating_duration_since(t) >= self.longest)
            {
                log.pop_front();
            }
            if let Some(wait) = self.wait(log, now) {
                return Err(RetryAfter(wait));
            }
            log.push_back(now);
            return Ok(());
        }
        if state.events.len() >= self.max_keys {
            self.sweep(&mut state, now);
            self.evict(&mut state);
        }
        state.events.insert(key.to_owned(), VecDeque::from([now]));
        Ok(())
    }

    /// The longest wait any full window imposes, or `None` when all have room.
    fn wait(&self, log: &VecDeque<Instant>, now: Instant) -> Option<Duration> {
        let mut wait = None;
        for limit in &self.limits {
            // The log is in time order, so the events inside this window are a suffix.
            let first = log.partition_point(|&t| now.saturating_duration_since(t) >= limit.per);
            let inside = log.len() - first;
            let max = usize::try_from(limit.max).unwrap_or(usize::MAX);
            if inside >= max {
                // A slot frees when the event that makes the window full
                // (counting from the newest) slides out.
                let age = now.saturating_duration_since(log[first + inside - max]);
                let w = limit.per.saturating_sub(age);
                wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
            }
        }
        wait
    }

    fn sweep(&self, state: &mut State, now: Instant) {
        state.calls_since_sweep = 0;
        let longest = self.longest;
        state.events.retain(|_, log| {
            log.back()
                .is_some_and(|&t| now.saturating_duration_since(t) < longest)
        });
    }

    /// Drop the least recently active keys down to three quarters of the cap,
    /// so eviction work is amortised over many new keys.
    fn evict(&self, state: &mut State) {
        if state.events.len() < self.max_keys {
            return;
        }
        let keep = self.max_keys - self.max_keys / 4;
        let keep = keep.min(self.max_keys - 1);
        let mut by_age: Vec<(Instant, String)> = state
            .events
            .iter()
            .filter_map(|(k, log)| Some((*log.back()?, k.clone())))
            .collect();
        by_age.sort_unstable();
        let drop = by_age.len().saturating_sub(keep);
        for (_, key) in by_age.into_iter().take(drop) {
            state.events.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests;
