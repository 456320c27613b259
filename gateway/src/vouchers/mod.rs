//! Prepaid vouchers (issue 8 part 4). A registered customer buys a voucher
//! with a transfer from a linked bank account into the gateway's float
//! account ([`buy`]); the gateway draws a voucher number ([`number`]) and a
//! random payment password plus a backup password ([`secret`]), keeps only
//! their argon2id hashes (the customers' hashing pool) and sends number,
//! password and amount by SMS to the buyer's registered phone. The voucher
//! pays checkouts: the balance is debited in the store's single-writer
//! transaction and the bank moves the money from the float account to the
//! merchant (`payments::voucher`). Balance query, password change and the
//! backup unlock are in [`access`]: wrong passwords are counted server-side
//! and lock the voucher. [`returns`] sends unspent balances back to the
//! source account at the end of the day, idempotently.
//!
//! [`VoucherService`] is cheap to clone; the HTTP layer (`http::vouchers`),
//! the background job and the CLI call it. Texts of the SMS are in
//! [`texts`]. Secrets never reach a log line.

pub mod access;
pub mod buy;
pub mod config;
pub mod number;
pub mod pay;
pub mod returns;
pub mod secret;
pub mod texts;

use std::sync::Arc;

use zeroize::Zeroizing;

pub use buy::{Bought, BuyRequest};
pub use config::VoucherConfig;
pub use number::VoucherNumber;
pub use pay::Paid;
pub use returns::ReturnReport;
pub use secret::VoucherPassword;

use crate::bank::Bank;
use crate::customers::Hasher;
use crate::domain::Money;
use crate::payments::{PaymentError, PaymentService, SmsSender};
use crate::store::{Store, StoreError};

/// The one sentence every refused voucher check shows: unknown voucher,
/// wrong password and locked voucher look alike.
pub const GENERIC_VOUCHER_ERROR: &str =
    "the voucher number or password is wrong, or the voucher is locked";

/// Why a voucher operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum VoucherError {
    /// The buyer's identity or password is wrong (never says which).
    #[error("the identity or password is wrong")]
    SignInFailed,
    /// Unknown voucher, wrong password or locked: one answer.
    #[error("{GENERIC_VOUCHER_ERROR}")]
    Refused,
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("the bank declined the transfer: {0}")]
    BankDeclined(String),
    #[error("the bank is unavailable; nothing was charged, please try again")]
    BankUnavailable,
    #[error("the voucher's balance ({balance}) does not cover the amount")]
    InsufficientBalance { balance: Money },
    #[error("the voucher is in another currency than the payment")]
    CurrencyMismatch,
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for VoucherError {
    fn from(e: StoreError) -> Self {
        VoucherError::Internal(e.to_string())
    }
}

impl From<crate::customers::HashError> for VoucherError {
    fn from(e: crate::customers::HashError) -> Self {
        VoucherError::Internal(e.to_string())
    }
}

struct Inner {
    payments: PaymentService,
    bank: Arc<dyn Bank>,
    sms: Arc<dyn SmsSender>,
    config: VoucherConfig,
    /// Verified against for unknown vouchers, so that path costs one
    /// argon2 run like the others.
    dummy_hash: String,
}

/// Vouchers over the payment service, the bank and the SMS sender.
#[derive(Clone)]
pub struct VoucherService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for VoucherService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoucherService")
    }
}

impl VoucherService {
    /// Hashes the dummy secret (on the hashing pool) and is ready.
    pub async fn new(
        payments: PaymentService,
        bank: Arc<dyn Bank>,
        sms: Arc<dyn SmsSender>,
        config: VoucherConfig,
    ) -> Result<VoucherService, VoucherError> {
        let dummy = VoucherPassword::generate();
        let dummy_hash = payments.customers().hasher().hash(dummy.secret()).await?;
        Ok(VoucherService {
            inner: Arc::new(Inner {
                payments,
                bank,
                sms,
                config,
                dummy_hash,
            }),
        })
    }

    pub fn config(&self) -> &VoucherConfig {
        &self.inner.config
    }

    pub fn store(&self) -> &Store {
        self.inner.payments.store()
    }

    pub fn payments(&self) -> &PaymentService {
        &self.inner.payments
    }

    fn hasher(&self) -> &Hasher {
        self.inner.payments.customers().hasher()
    }

    fn now(&self) -> i64 {
        self.inner.payments.clock().now_ms()
    }

    /// argon2 verification on the hashing pool.
    async fn verify(&self, phc: String, secret: Zeroizing<String>) -> Result<bool, VoucherError> {
        Ok(Hasher::verify(phc, secret).await?)
    }

    /// Best effort: the operation already happened; failures are logged
    /// without the text (it may hold a password).
    async fn notify(&self, msisdn: Option<&str>, text: &str, reference: &str) -> bool {
        let Some(msisdn) = msisdn else {
            return false;
        };
        match self.inner.sms.send(msisdn, text, reference, None).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(voucher = %reference, error = %e, "voucher SMS not sent");
                false
            }
        }
    }
}
