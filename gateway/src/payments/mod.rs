//! The payment flow of DESIGN.md, end to end: the merchant creates a
//! payment ([`merchant`]); the shopper identifies with an online identity
//! and password ([`checkout`]); a dynamic authorization code bound to the
//! amount and payee goes to a registered terminal by SMS ([`code`]); the
//! shopper enters it and the bank moves the money ([`confirm`]). Every
//! change is a compare-and-set on the stored payment, written with its
//! timeline event and, for final states, its webhook in one transaction.
//! [`background`] expires payments, records delivery receipts and feeds the
//! webhook worker; [`pumping`] keeps what the send limits refused.
//!
//! [`PaymentService`] is cheap to clone; the HTTP layer and the CLI call it.
//! The SMS side is the [`SmsSender`] trait so the flow does not depend on
//! how messages leave (an SMPP pool in production, a fake in unit tests).

pub mod background;
mod bank_link;
mod carrier;
mod checkout;
mod clock;
mod code;
mod confirm;
mod early_receipts;
mod error;
mod merchant;
mod notify;
mod pumping;
pub mod push;
mod resend;
mod sealed;
mod seen_receipts;
mod voucher;
mod webhook_body;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

pub use bank_link::{BankInstructionResult, confirmation_text};
pub use carrier::{CarrierOutcome, CarrierPayError};
pub use checkout::{Identified, IdentifyRequest, mask_account};
pub use clock::Clock;
pub use confirm::Confirmed;
pub use error::PaymentError;
pub use merchant::{CreatePayment, PaymentView};
pub use pumping::{PumpingReport, PumpingWatch, RefusalReason, RefusalSummary};

use crate::bank::Bank;
use crate::codes::{CodeKey, CodePolicy, RateLimiter};
use crate::customers::CustomerService;
use crate::store::Store;

/// What an SMSC accepted.
#[derive(Debug, Clone)]
pub struct SentSms {
    pub smsc: String,
    pub message_ids: Vec<String>,
}

/// Why an SMS did not go out.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SmsFailure {
    /// No SMSC is reachable now: the shopper may retry.
    #[error("no SMS center is reachable: {0}")]
    Unavailable(String),
    /// The SMSC refused the message.
    #[error("the SMS center refused the message: {0}")]
    Rejected(String),
}

/// Sends one text to one number; `reference` names the payment in logs.
pub trait SmsSender: Send + Sync {
    fn send<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        valid_for: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>>;

    /// Sends a code sealed for a dedicated terminal (8-bit, port-addressed:
    /// `sms::sealed`). Senders that cannot send binary messages refuse.
    fn send_sealed<'a>(
        &'a self,
        msisdn: &'a str,
        sealed: &'a [u8],
        reference: &'a str,
        valid_for: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        let _ = (msisdn, sealed, reference, valid_for);
        Box::pin(async {
            Err(SmsFailure::Rejected(
                "this sender cannot send binary messages".into(),
            ))
        })
    }
}

/// What the operator says about a number's SIM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimSwapStatus {
    NotSwapped,
    Swapped {
        within_hours: u32,
    },
    /// The operator could not be asked.
    Unknown,
}

/// Asks the operator whether the SIM behind `msisdn` changed recently.
pub trait SimSwapCheck: Send + Sync {
    fn check<'a>(&'a self, msisdn: &'a str) -> BoxFuture<'a, SimSwapStatus>;
}

/// The knobs of the flow that are not the code policy.
#[derive(Debug, Clone)]
pub struct FlowSettings {
    /// How long a payment may wait for the shopper before it expires.
    pub payment_ttl: Duration,
    /// Locale of the SMS when the customer has none ("en", "zh-CN").
    pub default_locale: String,
    /// Decline instead of only reporting when the SIM changed recently.
    pub refuse_on_sim_swap: bool,
}

impl Default for FlowSettings {
    fn default() -> Self {
        Self {
            payment_ttl: Duration::from_secs(30 * 60),
            default_locale: "en".into(),
            refuse_on_sim_swap: false,
        }
    }
}

struct Inner {
    store: Store,
    customers: CustomerService,
    bank: Arc<dyn Bank>,
    sms: Arc<dyn SmsSender>,
    key: CodeKey,
    policy: CodePolicy,
    ip_starts: RateLimiter,
    ip_checks: RateLimiter,
    /// Refusals of the limits, for the pumping view.
    pumping: PumpingWatch,
    settings: FlowSettings,
    clock: Clock,
    /// Poked when a webhook was queued, so the worker sends it at once.
    webhook_wake: tokio::sync::Notify,
    sim_swap: std::sync::OnceLock<Arc<dyn SimSwapCheck>>,
}

#[derive(Clone)]
pub struct PaymentService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PaymentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PaymentService")
    }
}

impl PaymentService {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Store,
        customers: CustomerService,
        bank: Arc<dyn Bank>,
        sms: Arc<dyn SmsSender>,
        key: CodeKey,
        policy: CodePolicy,
        settings: FlowSettings,
        clock: Clock,
    ) -> PaymentService {
        let per_minute = |n: u32| {
            RateLimiter::per_minute(n).expect("the policy validated per-IP limits as >= 1")
        };
        PaymentService {
            inner: Arc::new(Inner {
                ip_starts: per_minute(policy.per_ip_starts_per_min()),
                ip_checks: per_minute(policy.per_ip_checks_per_min()),
                pumping: PumpingWatch::default(),
                store,
                customers,
                bank,
                sms,
                key,
                policy,
                settings,
                clock,
                webhook_wake: tokio::sync::Notify::new(),
                sim_swap: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Check numbers with the operator before sending codes (set once).
    pub fn with_sim_swap_check(self, check: Arc<dyn SimSwapCheck>) -> PaymentService {
        let _ = self.inner.sim_swap.set(check);
        self
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn policy(&self) -> &CodePolicy {
        &self.inner.policy
    }

    pub fn customers(&self) -> &CustomerService {
        &self.inner.customers
    }

    /// Resolves when a webhook was queued since the last call.
    pub async fn webhook_queued(&self) {
        self.inner.webhook_wake.notified().await
    }

    fn now(&self) -> i64 {
        self.inner.clock.now_ms()
    }
}
