//! The SMS pumping watch: what the limits refused lately, for the admin
//! view beside the send counts the store keeps.
//!
//! Sends are durable (the store's send log, with the number and the client
//! address). Refusals are not written to the database: a flood of refused
//! requests must not turn into a flood of synchronous writes. They go to a
//! [`PumpingWatch`], a bounded in-memory log (the newest
//! [`MAX_REFUSALS`]), and [`PaymentService::pumping_report`] joins both for
//! a window: sends by prefix and by address, refusals by reason, prefix and
//! address.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::{PaymentError, PaymentService};
use crate::store::SendStats;

/// Refusals kept; older ones are dropped first.
pub const MAX_REFUSALS: usize = 10_000;
/// Rows per grouping in a report.
const TOP: usize = 20;

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// Checkout starts and resends from one address (`per_ip_starts_per_min`).
    IpStarts,
    /// Code checks from one address (`per_ip_checks_per_min`).
    IpChecks,
    /// Codes to one number (`per_number_10min`, `per_number_hour`).
    Number,
    /// Codes to one number prefix (`per_prefix_10min`).
    Prefix,
}

impl RefusalReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IpStarts => "ip_starts",
            Self::IpChecks => "ip_checks",
            Self::Number => "number",
            Self::Prefix => "prefix",
        }
    }
}

#[derive(Debug, Clone)]
struct Refusal {
    at_ms: i64,
    reason: RefusalReason,
    ip: String,
    /// Known once the destination is (number and prefix limits).
    prefix: Option<String>,
}

/// Refusals in a window, busiest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefusalSummary {
    pub total: u32,
    pub by_reason: Vec<(&'static str, u32)>,
    pub by_prefix: Vec<(String, u32)>,
    pub by_ip: Vec<(String, u32)>,
}

/// The bounded log of recent refusals.
#[derive(Debug, Default)]
pub struct PumpingWatch {
    recent: Mutex<VecDeque<Refusal>>,
}

fn top<K: Ord + Clone>(counts: HashMap<K, u32>) -> Vec<(K, u32)> {
    let mut v: Vec<(K, u32)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(TOP);
    v
}

impl PumpingWatch {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Refusal>> {
        // Each push and pop leaves the log consistent.
        self.recent.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn record(&self, at_ms: i64, reason: RefusalReason, ip: &str, prefix: Option<&str>) {
        let mut log = self.lock();
        if log.len() >= MAX_REFUSALS {
            log.pop_front();
        }
        log.push_back(Refusal {
            at_ms,
            reason,
            ip: ip.to_owned(),
            prefix: prefix.map(str::to_owned),
        });
    }

    /// Refusals at or after `since_ms`.
    pub fn summary(&self, since_ms: i64) -> RefusalSummary {
        let log = self.lock();
        let mut s = RefusalSummary::default();
        let (mut reasons, mut prefixes, mut ips) = (HashMap::new(), HashMap::new(), HashMap::new());
        for r in log.iter().filter(|r| r.at_ms >= since_ms) {
            s.total += 1;
            *reasons.entry(r.reason.as_str()).or_insert(0) += 1;
            if let Some(p) = &r.prefix {
                *prefixes.entry(p.clone()).or_insert(0) += 1;
            }
            *ips.entry(r.ip.clone()).or_insert(0) += 1;
        }
        s.by_reason = top(reasons);
        s.by_prefix = top(prefixes);
        s.by_ip = top(ips);
        s
    }
}

/// Code SMS sent and requests refused in the last `window`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PumpingReport {
    pub window: Duration,
    pub prefix_digits: u8,
    pub per_prefix_10min: u32,
    pub sent: SendStats,
    pub refused: RefusalSummary,
}

impl PaymentService {
    /// What the pumping limits saw in the last `window`.
    pub async fn pumping_report(&self, window: Duration) -> Result<PumpingReport, PaymentError> {
        let span = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        let since = self.now().saturating_sub(span);
        let policy = &self.inner.policy;
        let sent = self
            .inner
            .store
            .code_send_stats(since, policy.prefix_digits(), TOP)
            .await?;
        Ok(PumpingReport {
            window,
            prefix_digits: policy.prefix_digits(),
            per_prefix_10min: policy.per_prefix_10min(),
            sent,
            refused: self.inner.pumping.summary(since),
        })
    }

    /// Notes a refusal for the pumping view.
    pub(super) fn refused(&self, reason: RefusalReason, ip: &str, prefix: Option<&str>) {
        tracing::info!(
            limit = reason.as_str(),
            ip,
            prefix,
            "request refused by a send limit"
        );
        self.inner.pumping.record(self.now(), reason, ip, prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_the_window_and_the_log_is_bounded() {
        let w = PumpingWatch::default();
        w.record(10, RefusalReason::IpStarts, "198.51.100.1", None);
        for _ in 0..3 {
            w.record(20, RefusalReason::Prefix, "198.51.100.2", Some("44770090"));
        }
        let s = w.summary(15);
        assert_eq!(s.total, 3);
        assert_eq!(s.by_reason, vec![("prefix", 3)]);
        assert_eq!(s.by_prefix, vec![("44770090".to_owned(), 3)]);
        assert_eq!(s.by_ip, vec![("198.51.100.2".to_owned(), 3)]);
        assert_eq!(w.summary(0).total, 4);
        for i in 0..MAX_REFUSALS {
            w.record(30 + i as i64, RefusalReason::IpChecks, "x", None);
        }
        assert_eq!(w.summary(0).total as usize, MAX_REFUSALS);
        assert_eq!(w.summary(0).by_reason, vec![("ip_checks", 10_000)]);
    }
}
