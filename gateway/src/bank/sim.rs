//! [`SimBank`]: the in-process simulated bank.
//!
//! Accounts and transfers live in the bank's own ledger (`bank.db` in the data dir, or in
//! memory). Each transfer first waits the configured latency and then, with the configured
//! probability drawn from a seeded RNG, fails as [`BankError::Unavailable`] before touching
//! the ledger, so tests and demos can exercise slow and flaky banks reproducibly.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

use super::ledger::Ledger;
use super::{Account, Bank, BankError, BankOutcome, Transfer};
use crate::domain::Money;

/// The simulated bank's behaviour (the `[bank]` config section).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimBankConfig {
    /// Delay before each transfer is answered.
    pub latency_ms: u64,
    /// Probability (0..=1) that a transfer fails as unavailable without moving money.
    pub failure_rate: f64,
    /// Seed for the failure draws, so a run is reproducible.
    pub seed: u64,
}

impl Default for SimBankConfig {
    fn default() -> Self {
        SimBankConfig {
            latency_ms: 0,
            failure_rate: 0.0,
            seed: 0,
        }
    }
}

/// The simulated bank. Cheap to share behind an `Arc`; implements [`Bank`].
pub struct SimBank {
    ledger: Ledger,
    latency: Duration,
    failure_rate: f64,
    rng: Mutex<StdRng>,
}

impl SimBank {
    /// Opens (creating if needed) `dir/bank.db`. Blocking; call at startup.
    pub fn open_dir(dir: &Path, config: SimBankConfig) -> Result<SimBank, BankError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| BankError::Internal(format!("creating {}: {e}", dir.display())))?;
        SimBank::with_ledger(Ledger::open(&dir.join("bank.db"))?, config)
    }

    /// A bank whose accounts live in memory only.
    pub fn memory(config: SimBankConfig) -> Result<SimBank, BankError> {
        SimBank::with_ledger(Ledger::memory()?, config)
    }

    fn with_ledger(ledger: Ledger, config: SimBankConfig) -> Result<SimBank, BankError> {
        if !(0.0..=1.0).contains(&config.failure_rate) {
            return Err(BankError::Internal(format!(
                "bank failure_rate {} is not within 0..=1",
                config.failure_rate
            )));
        }
        Ok(SimBank {
            ledger,
            latency: Duration::from_millis(config.latency_ms),
            failure_rate: config.failure_rate,
            rng: Mutex::new(StdRng::seed_from_u64(config.seed)),
        })
    }

    /// Opens an account with an opening balance (whose currency is the account's) and an
    /// optional 24-hour debit limit in minor units. Returns false, changing nothing, if the
    /// number exists already (so importing fixtures twice is harmless).
    pub async fn open_account(
        &self,
        number: &str,
        holder: &str,
        opening: Money,
        daily_limit_minor: Option<i64>,
    ) -> Result<bool, BankError> {
        if opening.minor < 0 {
            return Err(BankError::Internal(
                "opening balance must not be negative".into(),
            ));
        }
        let account = Account {
            number: number.to_owned(),
            holder: holder.to_owned(),
            balance: opening,
            daily_limit_minor,
            closed: false,
        };
        self.ledger.open_account(account, now_ms()).await
    }

    /// Closes an account: transfers from or to it are declined from now on. False if unknown.
    pub async fn close_account(&self, number: &str) -> Result<bool, BankError> {
        self.ledger.close_account(number.to_owned()).await
    }

    /// The account's balance, or `None` if there is no such account.
    pub async fn balance(&self, number: &str) -> Result<Option<Money>, BankError> {
        let found = self.ledger.accounts(Some(number.to_owned())).await?;
        Ok(found.into_iter().next().map(|a| a.balance))
    }

    /// Every account, ordered by number.
    pub async fn accounts(&self) -> Result<Vec<Account>, BankError> {
        self.ledger.accounts(None).await
    }

    /// The transfer at an explicit time (Unix ms), for tests of the 24-hour window.
    #[cfg(test)]
    pub(super) async fn transfer_at(
        &self,
        t: Transfer,
        now: i64,
    ) -> Result<BankOutcome, BankError> {
        self.ledger.transfer(t, now).await
    }

    fn unavailable_now(&self) -> bool {
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        rng.random_bool(self.failure_rate)
    }
}

impl Bank for SimBank {
    fn transfer(&self, t: Transfer) -> BoxFuture<'_, Result<BankOutcome, BankError>> {
        Box::pin(async move {
            if !self.latency.is_zero() {
                tokio::time::sleep(self.latency).await;
            }
            if self.unavailable_now() {
                tracing::info!(payment = %t.payment_id, "simulated bank outage");
                return Err(BankError::Unavailable);
            }
            let outcome = self.ledger.transfer(t.clone(), now_ms()).await?;
            tracing::info!(payment = %t.payment_id, amount = %t.amount, ?outcome, "bank transfer");
            Ok(outcome)
        })
    }
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
