//! Receipts that arrive before their message id is known. An SMSC may
//! deliver a message and send its receipt in the instant between its
//! submit_sm_resp and the gateway writing that message id on the code
//! (the receipt comes on the link's reader while the sender is still
//! storing), so a receipt for an id the store does not know yet is held
//! in [`EarlyReceipts`] and tried again on each tick until it matches or
//! its hold time is over. Dropping it at once would leave the payment's
//! delivery at "sent" for ever.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use crate::sms::DeliveryReport;

/// How long an unmatched receipt is kept for another try.
pub const HOLD: Duration = Duration::from_secs(30);
/// How often held receipts are tried again.
pub const RETRY_EVERY: Duration = Duration::from_millis(200);
/// Receipts held at once; the oldest goes first when full (a flood of
/// receipts for another system's messages must not grow memory).
pub const CAPACITY: usize = 10_000;

#[derive(Debug)]
pub struct EarlyReceipts {
    capacity: usize,
    hold: Duration,
    held: VecDeque<(Instant, DeliveryReport)>,
}

impl EarlyReceipts {
    pub fn new(capacity: usize, hold: Duration) -> Self {
        EarlyReceipts {
            capacity: capacity.max(1),
            hold,
            held: VecDeque::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Keeps `report` for another try; returns the receipt pushed out
    /// when full.
    pub fn hold(&mut self, report: DeliveryReport, now: Instant) -> Option<DeliveryReport> {
        let out = if self.held.len() == self.capacity {
            self.held.pop_front().map(|(_, r)| r)
        } else {
            None
        };
        self.held.push_back((now + self.hold, report));
        out
    }

    /// The receipts to try again now, oldest first, and how many ran out
    /// of time and were dropped. Those tried and still unknown go back
    /// through [`EarlyReceipts::hold_again`].
    pub fn take(&mut self, now: Instant) -> (Vec<(Instant, DeliveryReport)>, usize) {
        let (live, expired): (Vec<_>, Vec<_>) =
            self.held.drain(..).partition(|(until, _)| *until > now);
        (live, expired.len())
    }

    /// Puts back a receipt taken by [`EarlyReceipts::take`] that is still
    /// unknown, keeping its original deadline.
    pub fn hold_again(&mut self, until: Instant, report: DeliveryReport) {
        if self.held.len() < self.capacity {
            self.held.push_back((until, report));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: &str) -> DeliveryReport {
        DeliveryReport {
            smsc: "sim".into(),
            message_id: id.into(),
            stat: "DELIVRD".into(),
            err: None,
            at: 0,
        }
    }

    #[test]
    fn held_receipts_come_back_until_their_time_is_over() {
        let t0 = Instant::now();
        let mut early = EarlyReceipts::new(10, Duration::from_secs(30));
        assert!(early.hold(report("7"), t0).is_none());
        let (again, expired) = early.take(t0 + Duration::from_secs(1));
        assert_eq!((again.len(), expired), (1, 0));
        assert!(early.is_empty());
        let (until, r) = again.into_iter().next().expect("held");
        assert_eq!(r.message_id, "7");
        early.hold_again(until, r);
        let (again, expired) = early.take(t0 + Duration::from_secs(30));
        assert_eq!((again.len(), expired), (0, 1), "dropped at the deadline");
        assert!(early.is_empty());
    }

    #[test]
    fn a_full_hold_lets_the_oldest_go() {
        let t0 = Instant::now();
        let mut early = EarlyReceipts::new(2, Duration::from_secs(30));
        early.hold(report("1"), t0);
        early.hold(report("2"), t0);
        let out = early
            .hold(report("3"), t0)
            .expect("the oldest is pushed out");
        assert_eq!(out.message_id, "1");
        let (again, _) = early.take(t0);
        let ids: Vec<_> = again.iter().map(|(_, r)| r.message_id.as_str()).collect();
        assert_eq!(ids, ["2", "3"]);
    }
}
