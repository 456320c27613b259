//! Carrier billing: smsc-sim as the operator that charges purchases to its
//! subscribers' phone bills (issue 8 §2).
//!
//! [`Billing`] holds the [`ledger::Ledger`] (accounts from `[billing]`,
//! charges, partner references) behind one lock, the partners' tokens, and
//! a clock. A partner (the payment gateway) calls [`Billing::authorize`]
//! with the subscriber's number and billing PIN; the operator checks PIN
//! (lockout after `max_pin_attempts`), HLR barring, and the postpaid
//! credit limit for the calendar month or the prepaid balance, and answers
//! a [`Decision`]. Approved charges are then captured, voided or refunded
//! ([`charge::Charge`] is the state machine). The HTTP layer
//! (`crate::http::billing`) sends the subscriber the confirmation SMS
//! ([`notify`]) and serves the monthly [`Statement`].
//!
//! Durability: with `store.data_dir`, every change is written to
//! `billing.sqlite` there before the answer ([`persist`]); with a memory
//! store the books live as long as the process.

pub mod account;
pub mod charge;
pub mod ledger;
pub mod month;
pub mod notify;
pub mod persist;
pub mod pin;
mod statement;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

pub use charge::{Charge, ChargeState};
pub use month::Month;
pub use statement::{AccountView, Statement};

use crate::config::billing::BillingConfig;
use account::BillingAccount;
use ledger::Ledger;
use persist::Persist;

/// Unix milliseconds now; tests pass their own.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What the caller did wrong, or what failed here.
#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("{0}")]
    Invalid(String),
    #[error("no such charge {0}")]
    NoSuchCharge(String),
    #[error("{0}")]
    Conflict(String),
    #[error("billing store: {0}")]
    Store(#[from] rusqlite::Error),
}

/// `POST /billing/v1/authorize`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeRequest {
    pub msisdn: String,
    pub pin: String,
    /// Minor units of `currency`.
    pub amount: i64,
    pub currency: String,
    pub merchant: String,
    /// The partner's own id for the purchase; a repeat answers with the
    /// first charge.
    pub reference: String,
}

impl std::fmt::Debug for AuthorizeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizeRequest")
            .field("msisdn", &self.msisdn)
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .field("merchant", &self.merchant)
            .field("reference", &self.reference)
            .finish_non_exhaustive()
    }
}

impl AuthorizeRequest {
    fn check(&self) -> Result<(), BillingError> {
        let bad = |m: &str| Err(BillingError::Invalid(m.to_owned()));
        let d = account::digits(&self.msisdn);
        if d.is_empty() || d.len() > 20 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return bad("msisdn must be 1 to 20 digits, optionally after '+'");
        }
        if self.pin.is_empty() || self.pin.len() > 16 {
            return bad("pin must be 1 to 16 characters");
        }
        if self.amount <= 0 || self.amount > 100_000_000 {
            return bad("amount must be 1..=100000000 minor units");
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            return bad("currency must be an ISO 4217 code");
        }
        if self.merchant.trim().is_empty() || self.merchant.chars().count() > 64 {
            return bad("merchant must be 1 to 64 characters");
        }
        if self.reference.is_empty() || self.reference.len() > 64 {
            return bad("reference must be 1 to 64 characters");
        }
        Ok(())
    }
}

/// Why the operator said no, as the partner shows it to the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DeclineReason {
    UnknownSubscriber,
    WrongPin { attempts_left: u32 },
    Locked,
    OverCreditLimit,
    InsufficientBalance,
    Barred,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `replayed`: the reference was seen before; this is that charge.
    Approved {
        charge: Charge,
        replayed: bool,
    },
    Declined(DeclineReason),
}

pub struct Billing {
    ledger: Mutex<Ledger>,
    partners: Vec<(String, String)>,
    pub sender: String,
    pub operator: String,
    max_pins: u32,
    persist: Option<Persist>,
    now: Now,
}

impl std::fmt::Debug for Billing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Billing")
            .field("partners", &self.partners.len())
            .finish_non_exhaustive()
    }
}

impl Billing {
    /// The books from `config`, with the state saved in `data_dir` (if any)
    /// laid over them.
    pub fn open(config: &BillingConfig, data_dir: Option<&Path>, now: Now) -> anyhow::Result<Self> {
        let mut ledger = Ledger::default();
        for a in &config.accounts {
            let account = BillingAccount::from_config(a);
            ledger.accounts.insert(account.msisdn.clone(), account);
        }
        let persist = match data_dir {
            Some(dir) => Some(Persist::open(&dir.join("billing.sqlite"), &mut ledger)?),
            None => None,
        };
        Ok(Self {
            ledger: Mutex::new(ledger),
            partners: config
                .partners
                .iter()
                .map(|p| (p.id.clone(), p.token.clone()))
                .collect(),
            sender: config.sender.clone(),
            operator: config.operator.clone(),
            max_pins: config.max_pin_attempts,
            persist,
            now,
        })
    }

    /// The partner presenting `token`, compared in constant time.
    pub fn partner(&self, token: &str) -> Option<&str> {
        self.partners
            .iter()
            .find(|(_, t)| bool::from(t.as_bytes().ct_eq(token.as_bytes())))
            .map(|(id, _)| id.as_str())
    }

    pub fn now(&self) -> i64 {
        (self.now)()
    }

    fn lock(&self) -> MutexGuard<'_, Ledger> {
        // Every operation leaves the ledger consistent before it can panic.
        self.ledger
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the ledger and saves the touched account and charge.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut Ledger, i64) -> Result<T, BillingError>,
        touched: impl Fn(&T, &Ledger) -> (Option<String>, Option<String>),
        msisdn: Option<&str>,
    ) -> Result<T, BillingError> {
        let mut ledger = self.lock();
        let out = f(&mut ledger, self.now())?;
        if let Some(p) = &self.persist {
            let (account, charge) = touched(&out, &ledger);
            let account = account.or_else(|| msisdn.map(|m| account::digits(m).to_owned()));
            p.save(&ledger, account.as_deref(), charge.as_deref())?;
        }
        Ok(out)
    }

    pub fn authorize(
        &self,
        partner: &str,
        req: &AuthorizeRequest,
        barred: bool,
    ) -> Result<Decision, BillingError> {
        self.change(
            |l, now| l.authorize(partner, req, barred, self.max_pins, now),
            |d, _| match d {
                Decision::Approved { charge, .. } => (None, Some(charge.id.clone())),
                Decision::Declined(_) => (None, None),
            },
            Some(&req.msisdn),
        )
    }

    pub fn capture(&self, partner: &str, id: &str) -> Result<Charge, BillingError> {
        self.change(|l, now| l.capture(partner, id, now), saved, None)
    }

    pub fn void(&self, partner: &str, id: &str) -> Result<Charge, BillingError> {
        self.change(|l, now| l.void(partner, id, now), saved, None)
    }

    pub fn refund(
        &self,
        partner: &str,
        id: &str,
        amount: Option<i64>,
    ) -> Result<Charge, BillingError> {
        self.change(|l, now| l.refund(partner, id, amount, now), saved, None)
    }

    /// Clears a PIN lockout (the operator's customer care).
    pub fn unlock(&self, msisdn: &str) -> Result<bool, BillingError> {
        self.change(
            |l, _| {
                Ok(l.accounts
                    .get_mut(account::digits(msisdn))
                    .map(|a| {
                        a.locked = false;
                        a.failed_pins = 0;
                    })
                    .is_some())
            },
            |_, _| (None, None),
            Some(msisdn),
        )
    }

    /// `msisdn`'s bill for `month`; None for an unknown subscriber.
    pub fn statement(&self, msisdn: &str, month: Month) -> Option<Statement> {
        Statement::of(&self.lock(), account::digits(msisdn), month)
    }

    /// Every account with this month's figures.
    pub fn accounts(&self) -> Vec<AccountView> {
        let month = Month::of(self.now());
        let ledger = self.lock();
        ledger
            .accounts
            .values()
            .map(|a| AccountView::of(&ledger, a, month))
            .collect()
    }
}

fn saved(c: &Charge, _: &Ledger) -> (Option<String>, Option<String>) {
    (Some(c.msisdn.clone()), Some(c.id.clone()))
}

#[cfg(test)]
mod tests;
