//! The bank information processing system, behind the [`Bank`] trait.
//!
//! Once the shopper's code checks out, the payment flow asks the bank to move the money with
//! one [`Transfer`]: debit the customer's account, credit the merchant's. The answer is a
//! [`BankOutcome`] (approved with the bank's reference, or declined with a [`DeclineReason`])
//! or a [`BankError`] when the bank could not decide. Transfers are idempotent per payment id,
//! so after an error the caller may simply ask again with the same [`Transfer`]: money moves
//! at most once.
//!
//! [`SimBank`] is the in-process simulated bank used for development and tests: accounts
//! with balances in minor units in its own SQLite database (`bank.db`, see `ledger`), with a
//! configurable latency and failure rate ([`SimBankConfig`]).

mod ledger;
mod sim;

#[cfg(test)]
mod sim_tests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use futures::future::BoxFuture;

use crate::domain::{Money, PaymentId};

pub use sim::{SimBank, SimBankConfig};

/// A bank that can move money between accounts. Object safe (a boxed future instead of an
/// async fn) so the gateway holds an `Arc<dyn Bank>`.
pub trait Bank: Send + Sync {
    /// Debits `t.from_account` and credits `t.to_account` with `t.amount`, atomically.
    /// Asking again with the same payment id returns the first outcome without moving money.
    fn transfer(&self, t: Transfer) -> BoxFuture<'_, Result<BankOutcome, BankError>>;
}

/// One payment's money movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The idempotency key: one payment moves money at most once.
    pub payment_id: PaymentId,
    /// The customer's account (debited).
    pub from_account: String,
    /// The merchant's account (credited).
    pub to_account: String,
    /// Must be positive and in the currency of both accounts.
    pub amount: Money,
}

/// What the bank decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankOutcome {
    /// The money moved; `reference` is the bank's id for the transfer.
    Approved { reference: String },
    /// Nothing moved.
    Declined { reason: DeclineReason },
}

impl BankOutcome {
    pub fn is_approved(&self) -> bool {
        matches!(self, BankOutcome::Approved { .. })
    }
}

/// An account of the simulated bank, as listed by [`SimBank::accounts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub number: String,
    pub holder: String,
    /// The balance, in the account's currency.
    pub balance: Money,
    /// Most that may leave the account in any 24 hours; `None` for no limit.
    pub daily_limit_minor: Option<i64>,
    pub closed: bool,
}

/// Why a transfer was declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineReason {
    /// The debited account's balance is below the amount.
    InsufficientFunds,
    /// The amount would take the debited account over its limit for the last 24 hours.
    LimitExceeded,
    /// One of the accounts is closed.
    AccountClosed,
    /// One of the accounts does not exist.
    UnknownAccount,
    /// The amount's currency is not the currency of both accounts.
    CurrencyMismatch,
}

impl DeclineReason {
    /// The stable snake_case name used in storage, logs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::InsufficientFunds => "insufficient_funds",
            DeclineReason::LimitExceeded => "limit_exceeded",
            DeclineReason::AccountClosed => "account_closed",
            DeclineReason::UnknownAccount => "unknown_account",
            DeclineReason::CurrencyMismatch => "currency_mismatch",
        }
    }

    const ALL: [DeclineReason; 5] = [
        DeclineReason::InsufficientFunds,
        DeclineReason::LimitExceeded,
        DeclineReason::AccountClosed,
        DeclineReason::UnknownAccount,
        DeclineReason::CurrencyMismatch,
    ];
}

impl fmt::Display for DeclineReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeclineReason {
    type Err = BankError;
    fn from_str(s: &str) -> Result<DeclineReason, BankError> {
        DeclineReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| BankError::Internal(format!("unknown decline reason {s:?}")))
    }
}

/// The bank could not decide. Nothing moved; retrying with the same payment id is safe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    /// The bank did not answer (outage, timeout); try again later.
    #[error("bank unavailable")]
    Unavailable,
    /// A storage failure or a request the bank cannot process (e.g. a non-positive amount,
    /// or a payment id reused for a different transfer).
    #[error("bank internal error: {0}")]
    Internal(String),
}
