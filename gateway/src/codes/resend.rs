//! When a shopper may ask for the code again.
//!
//! [`ResendSchedule`] knows the cooldowns (30/60/120 s by default: the first
//! resend 30 s after the first send, the second 60 s after the first resend,
//! ...; the last cooldown repeats if more resends are allowed than cooldowns
//! are listed) and the maximum number of resends per payment. Callers pass the
//! number of resends already made and either the last send's instant or the
//! time elapsed since it (handy when the send time comes from the store as
//! Unix milliseconds).

use std::time::Duration;

use tokio::time::Instant;

use super::CodePolicy;

/// Why a resend is refused now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResendDenied {
    /// All resends for this payment are used up.
    #[error("no more resends for this payment")]
    Exhausted,
    /// The cooldown is still running; this much of it is left.
    #[error("resend allowed in {} s", .0.as_secs_f64().ceil())]
    Cooldown(Duration),
}

/// Cooldowns and the resend budget of one payment's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResendSchedule {
    cooldowns: Vec<Duration>,
    max_resends: u32,
}

impl ResendSchedule {
    /// The schedule of a validated policy.
    pub fn new(policy: &CodePolicy) -> Self {
        Self {
            cooldowns: policy.resend_cooldowns().to_vec(),
            max_resends: policy.max_resends(),
        }
    }

    /// Resends allowed per payment.
    pub fn max_resends(&self) -> u32 {
        self.max_resends
    }

    /// The wait before the next resend after `resends_so_far` resends, or
    /// `None` when no resend is left.
    pub fn cooldown(&self, resends_so_far: u32) -> Option<Duration> {
        if resends_so_far >= self.max_resends {
            return None;
        }
        let i = usize::try_from(resends_so_far).unwrap_or(usize::MAX);
        self.cooldowns.get(i).or(self.cooldowns.last()).copied()
    }

    /// The earliest instant of the next resend, or `None` when none is left.
    pub fn next_allowed(&self, resends_so_far: u32, last_sent: Instant) -> Option<Instant> {
        let wait = self.cooldown(resends_so_far)?;
        // An absurd far-future instant cannot occur with validated cooldowns
        // (≤ 1 h); saturating to "never" would still be the safe answer.
        last_sent.checked_add(wait)
    }

    /// Whether a resend is allowed `since_last_send` after the last send.
    pub fn check(
        &self,
        resends_so_far: u32,
        since_last_send: Duration,
    ) -> Result<(), ResendDenied> {
        let wait = self
            .cooldown(resends_so_far)
            .ok_or(ResendDenied::Exhausted)?;
        match wait.checked_sub(since_last_send) {
            Some(left) if !left.is_zero() => Err(ResendDenied::Cooldown(left)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodePolicySettings;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn default_cooldowns_then_exhausted() {
        let s = ResendSchedule::new(&CodePolicy::default());
        assert_eq!(s.max_resends(), 3);
        assert_eq!(s.cooldown(0), Some(secs(30)));
        assert_eq!(s.cooldown(1), Some(secs(60)));
        assert_eq!(s.cooldown(2), Some(secs(120)));
        assert_eq!(s.cooldown(3), None);
        assert_eq!(s.cooldown(u32::MAX), None);
    }

    #[test]
    fn check_counts_down_the_cooldown() {
        let s = ResendSchedule::new(&CodePolicy::default());
        assert_eq!(s.check(0, secs(0)), Err(ResendDenied::Cooldown(secs(30))));
        assert_eq!(s.check(0, secs(29)), Err(ResendDenied::Cooldown(secs(1))));
        assert_eq!(s.check(0, secs(30)), Ok(()));
        assert_eq!(s.check(1, secs(45)), Err(ResendDenied::Cooldown(secs(15))));
        assert_eq!(s.check(1, secs(60)), Ok(()));
        assert_eq!(s.check(2, secs(119)), Err(ResendDenied::Cooldown(secs(1))));
        assert_eq!(s.check(2, secs(500)), Ok(()));
        assert_eq!(s.check(3, secs(10_000)), Err(ResendDenied::Exhausted));
        let msg = ResendDenied::Cooldown(Duration::from_millis(14_200)).to_string();
        assert_eq!(msg, "resend allowed in 15 s");
    }

    #[test]
    fn next_allowed_adds_the_cooldown_to_the_last_send() {
        let s = ResendSchedule::new(&CodePolicy::default());
        let t0 = Instant::now();
        assert_eq!(s.next_allowed(0, t0), Some(t0 + secs(30)));
        assert_eq!(s.next_allowed(2, t0), Some(t0 + secs(120)));
        assert_eq!(s.next_allowed(3, t0), None);
    }

    #[test]
    fn last_cooldown_repeats_and_zero_resends_means_none() {
        let settings = CodePolicySettings {
            max_resends: 4,
            resend_cooldowns_s: vec![10],
            ..Default::default()
        };
        let s = ResendSchedule::new(&CodePolicy::try_from(settings).unwrap());
        let waits: Vec<_> = (0..5).map(|n| s.cooldown(n)).collect();
        assert_eq!(
            waits,
            [
                Some(secs(10)),
                Some(secs(10)),
                Some(secs(10)),
                Some(secs(10)),
                None
            ]
        );
        let none = CodePolicySettings {
            max_resends: 0,
            resend_cooldowns_s: vec![],
            ..Default::default()
        };
        let s = ResendSchedule::new(&CodePolicy::try_from(none).unwrap());
        assert_eq!(s.check(0, secs(1000)), Err(ResendDenied::Exhausted));
    }
}
