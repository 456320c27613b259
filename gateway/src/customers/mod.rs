//! Customers: registration, login with lockout, backup-code unlock, admin
//! actions and the fixture import. [`CustomerService`] holds the store, the
//! argon2id [`Hasher`] and the lockout limits.
//!
//! Login: the identity is looked up, the password verified with argon2 on
//! the blocking pool (also for unknown identities, against a dummy hash, and
//! for locked ones, so the time taken does not tell them apart), then the
//! failure is counted or the counter reset, and a hash made under old
//! parameters is replaced. Every refusal is a [`LoginError`] whose text is
//! the same generic sentence; the variant is for logs and metrics only.
//! Lockout counts per customer, so a customer's several identities share
//! one limit.

mod backup;
mod hash_pool;
mod hashing;
mod import;
mod login;
mod pin;
mod register;
mod terminal_keys;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use backup::{BACKUP_ALPHABET, BACKUP_LEN, BackupCode, BadBackupCode};
pub use hashing::{HashError, Hasher};
pub use import::ImportReport;
pub use pin::{BadPin, PIN_DIGITS, PaymentPin, PinCheck};
pub use register::{CustomerDetails, CustomerSummary, Registration, mask_document};
pub use terminal_keys::{ProvisionedKey, dedicated_kind};

use crate::config::{Config, LockoutConfig, PasswordParams};
use crate::store::{Store, StoreError};

/// The one sentence every refused login or unlock shows.
pub const GENERIC_LOGIN_ERROR: &str = "identity or password is wrong";

/// Why a login or unlock was refused. `Display` is [`GENERIC_LOGIN_ERROR`]
/// for every refusal, whatever the reason; only `Internal` differs (the
/// store or hashing failed: nothing about the credentials is known).
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// No customer has this identity.
    #[error("{GENERIC_LOGIN_ERROR}")]
    Unknown,
    /// Wrong password or backup code; counted.
    #[error("{GENERIC_LOGIN_ERROR}")]
    Wrong,
    /// Locked by wrong passwords: the backup code unlocks.
    #[error("{GENERIC_LOGIN_ERROR}")]
    Locked,
    /// Locked by wrong backup codes, or disabled: an administrator unlocks.
    #[error("{GENERIC_LOGIN_ERROR}")]
    AdminLocked,
    #[error("the service is temporarily unavailable")]
    Internal(String),
}

impl LoginError {
    /// A short name for logs and metrics ("unknown", "wrong", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            LoginError::Unknown => "unknown",
            LoginError::Wrong => "wrong",
            LoginError::Locked => "locked",
            LoginError::AdminLocked => "admin_locked",
            LoginError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for LoginError {
    fn from(e: StoreError) -> LoginError {
        LoginError::Internal(e.to_string())
    }
}

impl From<HashError> for LoginError {
    fn from(e: HashError) -> LoginError {
        LoginError::Internal(e.to_string())
    }
}

/// Registration and administration failures; these may be specific.
#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error("invalid registration: {0}")]
    Invalid(String),
    #[error("customer {0} not found")]
    NotFound(crate::domain::CustomerId),
}

/// Customer operations over the store.
#[derive(Debug, Clone)]
pub struct CustomerService {
    store: Store,
    hasher: Hasher,
    lockout: LockoutConfig,
    /// Verified against when the identity is unknown, so that path costs
    /// one argon2 run like the others.
    dummy_hash: Arc<str>,
}

impl CustomerService {
    /// Hashes the dummy secret (on the blocking pool) and is ready.
    pub async fn new(
        store: Store,
        params: PasswordParams,
        lockout: LockoutConfig,
    ) -> Result<CustomerService, CustomerError> {
        let hasher = Hasher::new(params)?;
        let dummy = BackupCode::generate().canonical();
        let dummy_hash = hasher.hash(dummy).await?;
        Ok(CustomerService {
            store,
            hasher,
            lockout,
            dummy_hash: dummy_hash.into(),
        })
    }

    /// With `[passwords]` and `[lockout]` from the configuration.
    pub async fn from_config(
        store: Store,
        config: &Config,
    ) -> Result<CustomerService, CustomerError> {
        CustomerService::new(store, config.password_params(), config.lockout).await
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn hasher(&self) -> &Hasher {
        &self.hasher
    }
}
