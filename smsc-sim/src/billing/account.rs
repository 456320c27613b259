//! A subscriber's billing account: the plan (postpaid with a monthly credit
//! limit, or prepaid with a balance), the hashed billing PIN and its
//! lockout counter. What was spent this month is not stored here: it is the
//! sum of the month's charges ([`super::ledger`]), so a new month starts at
//! zero without a reset job.

use serde::{Deserialize, Serialize};

use super::pin::PinHash;
use crate::config::billing::{BillingAccountConfig, PlanKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Plan {
    /// Charges go on the monthly bill up to `credit_limit` per calendar month.
    Postpaid { credit_limit: i64 },
    /// Charges come off `balance` at authorization.
    Prepaid { balance: i64 },
}

/// The mutable part that survives a restart (see [`super::persist`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountState {
    pub failed_pins: u32,
    pub locked: bool,
    /// The prepaid balance; None for postpaid.
    pub balance: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct BillingAccount {
    /// Digits only, no '+'.
    pub msisdn: String,
    pub plan: Plan,
    pub currency: String,
    pub pin: PinHash,
    pub failed_pins: u32,
    pub locked: bool,
}

/// `+44 7700…` and `447700…` are one subscriber.
pub fn digits(msisdn: &str) -> &str {
    msisdn.trim().trim_start_matches('+')
}

impl BillingAccount {
    pub fn from_config(c: &BillingAccountConfig) -> Self {
        Self {
            msisdn: digits(&c.msisdn).to_owned(),
            plan: match c.plan {
                PlanKind::Postpaid => Plan::Postpaid {
                    credit_limit: c.credit_limit,
                },
                PlanKind::Prepaid => Plan::Prepaid { balance: c.balance },
            },
            currency: c.currency.to_ascii_uppercase(),
            pin: PinHash::new(&c.pin),
            failed_pins: 0,
            locked: false,
        }
    }

    pub fn state(&self) -> AccountState {
        AccountState {
            failed_pins: self.failed_pins,
            locked: self.locked,
            balance: match self.plan {
                Plan::Prepaid { balance } => Some(balance),
                Plan::Postpaid { .. } => None,
            },
        }
    }

    /// Takes back what a restart must not forget; the plan kind and limit
    /// stay as configured.
    pub fn restore(&mut self, s: AccountState) {
        self.failed_pins = s.failed_pins;
        self.locked = s.locked;
        if let (Plan::Prepaid { balance }, Some(saved)) = (&mut self.plan, s.balance) {
            *balance = saved;
        }
    }

    /// Checks `pin`, counting failures; `max` wrong ones in a row lock the
    /// account. Returns the attempts left after a wrong PIN.
    pub fn check_pin(&mut self, pin: &str, max: u32) -> Result<(), u32> {
        if self.pin.verify(pin) {
            self.failed_pins = 0;
            return Ok(());
        }
        self.failed_pins += 1;
        if self.failed_pins >= max {
            self.locked = true;
        }
        Err(max.saturating_sub(self.failed_pins))
    }
}
