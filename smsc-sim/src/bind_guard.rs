//! Brute-force protection for SMPP binds: a [`BindGuard`] counts refused
//! binds per (peer IP, system_id) in a one-minute window. Once a pair has
//! `max_failures` in the window, its binds are refused with ESME_RBINDFAIL
//! without looking at the password until the window ends, so an attacker
//! cannot try passwords at line rate; other accounts from the same address
//! and the same account from other addresses are not affected (keying on
//! one of them alone would let anyone lock an account out, or lock out every
//! ESME behind one NAT). A successful bind clears its pair. The table is
//! bounded: when full, windows that have ended are swept, and if none has,
//! the new pair is not tracked (the flood is already being refused).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The counting window.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Pairs tracked at once.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug)]
pub struct BindGuard {
    max_failures: u32,
    pairs: Mutex<HashMap<(IpAddr, String), Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl BindGuard {
    /// `max_failures` per pair and minute; 0 turns the guard off.
    pub fn new(max_failures: u32) -> Self {
        BindGuard {
            max_failures,
            pairs: Mutex::new(HashMap::new()),
        }
    }

    /// True when binds of `system_id` from `ip` are refused for now.
    pub fn is_blocked(&self, ip: IpAddr, system_id: &str, now: Instant) -> bool {
        if self.max_failures == 0 {
            return false;
        }
        let pairs = self.pairs.lock().unwrap_or_else(|p| p.into_inner());
        pairs
            .get(&(ip, system_id.to_owned()))
            .is_some_and(|w| now < w.started + WINDOW && w.failures >= self.max_failures)
    }

    /// Counts a refused bind; true when this one reached the limit (the
    /// caller logs that once).
    pub fn failed(&self, ip: IpAddr, system_id: &str, now: Instant) -> bool {
        if self.max_failures == 0 {
            return false;
        }
        let mut pairs = self.pairs.lock().unwrap_or_else(|p| p.into_inner());
        if pairs.len() >= MAX_TRACKED {
            pairs.retain(|_, w| now < w.started + WINDOW);
        }
        let key = (ip, system_id.to_owned());
        if pairs.len() >= MAX_TRACKED && !pairs.contains_key(&key) {
            return false;
        }
        let w = pairs.entry(key).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now >= w.started + WINDOW {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
        w.failures == self.max_failures
    }

    /// A bind of the pair succeeded: its count starts again.
    pub fn succeeded(&self, ip: IpAddr, system_id: &str) {
        if self.max_failures == 0 {
            return;
        }
        let mut pairs = self.pairs.lock().unwrap_or_else(|p| p.into_inner());
        pairs.remove(&(ip, system_id.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn blocks_a_pair_after_the_limit_until_the_window_ends() {
        let guard = BindGuard::new(3);
        let t0 = Instant::now();
        assert!(!guard.failed(A, "esme", t0));
        assert!(!guard.failed(A, "esme", t0));
        assert!(!guard.is_blocked(A, "esme", t0));
        assert!(guard.failed(A, "esme", t0), "the third reaches the limit");
        assert!(guard.is_blocked(A, "esme", t0));
        assert!(!guard.is_blocked(B, "esme", t0), "another address");
        assert!(!guard.is_blocked(A, "other", t0), "another account");
        let later = t0 + WINDOW;
        assert!(!guard.is_blocked(A, "esme", later), "the window ended");
        assert!(
            !guard.failed(A, "esme", later),
            "a fresh window counts from 1"
        );
    }

    #[test]
    fn success_clears_and_zero_is_off() {
        let guard = BindGuard::new(2);
        let t0 = Instant::now();
        guard.failed(A, "esme", t0);
        guard.succeeded(A, "esme");
        guard.failed(A, "esme", t0);
        assert!(!guard.is_blocked(A, "esme", t0));
        let off = BindGuard::new(0);
        for _ in 0..100 {
            off.failed(A, "esme", t0);
        }
        assert!(!off.is_blocked(A, "esme", t0));
    }

    #[test]
    fn the_table_stays_bounded() {
        let guard = BindGuard::new(1);
        let t0 = Instant::now();
        for i in 0..(MAX_TRACKED + 50) {
            guard.failed(A, &format!("id{i}"), t0);
        }
        assert!(guard.pairs.lock().unwrap().len() <= MAX_TRACKED);
        // After the window, old pairs are swept for new ones.
        assert!(guard.failed(B, "new", t0 + WINDOW));
        assert!(guard.is_blocked(B, "new", t0 + WINDOW));
    }
}
