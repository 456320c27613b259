//! The authorization-code policy: how long a code is, how long it lives, how
//! often it may be tried, resent and sent to one number.
//!
//! [`CodePolicySettings`] is the raw, deserializable form (seconds as plain
//! integers, the shape of the `[codes]` config section); [`CodePolicy`] is the
//! validated value the rest of the gateway trusts. `CodePolicy` deserializes
//! through the settings, so a config file holding an out-of-range value fails
//! to load with a message naming the field.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::CODE_DIGITS;

/// A policy value outside its allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("codes.{field} = {value} is out of range (allowed: {allowed})")]
pub struct PolicyError {
    pub field: &'static str,
    pub value: String,
    pub allowed: &'static str,
}

/// The raw policy as written in configuration; validate with
/// `CodePolicy::try_from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CodePolicySettings {
    pub digits: u8,
    pub ttl_s: u64,
    pub max_attempts: u32,
    pub max_resends: u32,
    pub resend_cooldowns_s: Vec<u64>,
    pub per_number_10min: u32,
    pub per_number_hour: u32,
    pub per_ip_starts_per_min: u32,
    pub per_ip_checks_per_min: u32,
    pub prefix_digits: u8,
    pub per_prefix_10min: u32,
    /// Send the code to a number the shopper types at checkout that is not
    /// one of their registered terminals. Off: with a stolen password, the
    /// code could then go to the thief's own phone, and the second channel
    /// would protect nothing.
    pub allow_unregistered_terminal: bool,
}

impl Default for CodePolicySettings {
    /// The default profile.
    fn default() -> Self {
        Self {
            digits: 6,
            ttl_s: 300,
            max_attempts: 3,
            max_resends: 3,
            resend_cooldowns_s: vec![30, 60, 120],
            per_number_10min: 5,
            per_number_hour: 10,
            per_ip_starts_per_min: 20,
            per_ip_checks_per_min: 30,
            prefix_digits: 8,
            per_prefix_10min: 1000,
            allow_unregistered_terminal: false,
        }
    }
}

/// A validated authorization-code policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "CodePolicySettings")]
pub struct CodePolicy {
    digits: u8,
    ttl: Duration,
    max_attempts: u32,
    max_resends: u32,
    resend_cooldowns: Vec<Duration>,
    per_number_10min: u32,
    per_number_hour: u32,
    per_ip_starts_per_min: u32,
    per_ip_checks_per_min: u32,
    prefix_digits: u8,
    per_prefix_10min: u32,
    allow_unregistered_terminal: bool,
}

impl Default for CodePolicy {
    fn default() -> Self {
        Self::try_from(CodePolicySettings::default()).expect("the default settings are in range")
    }
}

fn check<T: PartialOrd + ToString>(
    field: &'static str,
    value: T,
    lo: T,
    hi: T,
    allowed: &'static str,
) -> Result<(), PolicyError> {
    if value < lo || value > hi {
        return Err(PolicyError {
            field,
            value: value.to_string(),
            allowed,
        });
    }
    Ok(())
}

impl TryFrom<CodePolicySettings> for CodePolicy {
    type Error = PolicyError;

    fn try_from(s: CodePolicySettings) -> Result<Self, PolicyError> {
        check(
            "digits",
            s.digits,
            *CODE_DIGITS.start(),
            *CODE_DIGITS.end(),
            "4..=10",
        )?;
        check("ttl_s", s.ttl_s, 60, 600, "60..=600")?;
        check("max_attempts", s.max_attempts, 1, 10, "1..=10")?;
        check("max_resends", s.max_resends, 0, 10, "0..=10")?;
        if s.max_resends > 0 && s.resend_cooldowns_s.is_empty() {
            return Err(PolicyError {
                field: "resend_cooldowns_s",
                value: "[]".into(),
                allowed: "at least one cooldown when resends are allowed",
            });
        }
        for &c in &s.resend_cooldowns_s {
            check("resend_cooldowns_s", c, 1, 3600, "each 1..=3600")?;
        }
        check("per_number_10min", s.per_number_10min, 1, 1000, "1..=1000")?;
        check("per_number_hour", s.per_number_hour, 1, 10_000, "1..=10000")?;
        check(
            "per_ip_starts_per_min",
            s.per_ip_starts_per_min,
            1,
            10_000,
            "1..=10000",
        )?;
        check(
            "per_ip_checks_per_min",
            s.per_ip_checks_per_min,
            1,
            10_000,
            "1..=10000",
        )?;
        check("prefix_digits", s.prefix_digits, 4, 15, "4..=15")?;
        check(
            "per_prefix_10min",
            s.per_prefix_10min,
            1,
            100_000,
            "1..=100000",
        )?;
        Ok(Self {
            digits: s.digits,
            ttl: Duration::from_secs(s.ttl_s),
            max_attempts: s.max_attempts,
            max_resends: s.max_resends,
            resend_cooldowns: s
                .resend_cooldowns_s
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            per_number_10min: s.per_number_10min,
            per_number_hour: s.per_number_hour,
            per_ip_starts_per_min: s.per_ip_starts_per_min,
            per_ip_checks_per_min: s.per_ip_checks_per_min,
            prefix_digits: s.prefix_digits,
            per_prefix_10min: s.per_prefix_10min,
            allow_unregistered_terminal: s.allow_unregistered_terminal,
        })
    }
}

impl CodePolicy {
    /// Number of digits of a code (4..=10).
    pub fn digits(&self) -> u8 {
        self.digits
    }
    /// How long a code is valid after it was issued (60..=600 s).
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
    /// Wrong entries that revoke a code.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
    /// Resends allowed per payment (after the first send).
    pub fn max_resends(&self) -> u32 {
        self.max_resends
    }
    /// Cooldown before the 1st, 2nd, ... resend; the last one repeats.
    pub fn resend_cooldowns(&self) -> &[Duration] {
        &self.resend_cooldowns
    }
    /// Codes sent to one number per 10 minutes.
    pub fn per_number_10min(&self) -> u32 {
        self.per_number_10min
    }
    /// Codes sent to one number per hour.
    pub fn per_number_hour(&self) -> u32 {
        self.per_number_hour
    }
    /// Checkout starts (identify) and code resends per client IP per minute.
    pub fn per_ip_starts_per_min(&self) -> u32 {
        self.per_ip_starts_per_min
    }
    /// Code checks per client IP per minute.
    pub fn per_ip_checks_per_min(&self) -> u32 {
        self.per_ip_checks_per_min
    }
    /// Leading digits of an MSISDN that make its prefix (4..=15): the
    /// number block a pumping run walks through.
    pub fn prefix_digits(&self) -> u8 {
        self.prefix_digits
    }
    /// Codes sent to all numbers of one prefix per 10 minutes.
    pub fn per_prefix_10min(&self) -> u32 {
        self.per_prefix_10min
    }
    /// Whether the shopper may name a number that is not registered.
    pub fn allow_unregistered_terminal(&self) -> bool {
        self.allow_unregistered_terminal
    }
    /// The windows every code send is checked against, in the issuing
    /// transaction: per number (10 minutes, hour) and per prefix.
    pub fn send_windows(&self) -> Vec<crate::store::SendWindow> {
        use crate::store::{SendScope, SendWindow};
        let window = |scope, max, minutes: i64| SendWindow {
            scope,
            max,
            per_ms: minutes * 60_000,
        };
        vec![
            window(SendScope::Number, self.per_number_10min, 10),
            window(SendScope::Number, self.per_number_hour, 60),
            window(
                SendScope::Prefix {
                    digits: self.prefix_digits,
                },
                self.per_prefix_10min,
                10,
            ),
        ]
    }
}

#[cfg(test)]
mod tests;
