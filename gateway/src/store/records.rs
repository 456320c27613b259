//! Records for payments: the payment, its compare-and-set update, the
//! listing filter, idempotency keys and timeline events.

use serde::Serialize;

use super::jobs::NewWebhook;
use crate::domain::{CustomerId, MerchantId, Money, PaymentId, PaymentMethod, PaymentState};

/// Page size of [`PaymentFilter`] when none is given, and the largest.
pub const DEFAULT_LIST_LIMIT: usize = 50;
pub const MAX_LIST_LIMIT: usize = 500;

/// A payment as the merchant created it; starts in `created`.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub id: PaymentId,
    pub merchant_id: MerchantId,
    pub order_id: String,
    /// Must be positive (the database refuses 0 and negatives).
    pub amount: Money,
    pub description: String,
    pub return_url: Option<String>,
    pub customer_hint: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub merchant_id: MerchantId,
    pub order_id: String,
    pub amount: Money,
    pub description: String,
    pub return_url: Option<String>,
    pub customer_hint: Option<String>,
    pub state: PaymentState,
    /// Set when the shopper identified.
    pub customer_id: Option<CustomerId>,
    /// The terminal the code went to.
    pub msisdn: Option<String>,
    /// The customer's account to debit.
    pub bank_account: Option<String>,
    /// The bank's reference once it answered.
    pub bank_reference: Option<String>,
    /// Why the payment was declined or failed (for the merchant and logs).
    pub reason: Option<String>,
    /// How the payment is authorized (sms_code until a mode takes it).
    pub method: PaymentMethod,
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: i64,
}

/// An Idempotency-Key header and a hash of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub key: String,
    pub request_hash: String,
}

/// What [`super::Store::create_payment`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    Created(Payment),
    /// The key was seen with the same request: here is that payment.
    Replayed(Payment),
    /// The key was seen with a different request: nothing was created.
    KeyReused {
        payment_id: PaymentId,
    },
}

/// A timeline entry to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub event: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    pub at: i64,
    pub event: String,
    pub detail: String,
}

/// A compare-and-set change to a payment, applied in one transaction with
/// its timeline event and webhook. `None` fields are left as they are.
/// Refused with `StateConflict` when the payment is final or, if `expect`
/// is not empty, in a state not listed there.
#[derive(Debug, Clone, Default)]
pub struct PaymentUpdate {
    pub expect: Vec<PaymentState>,
    pub state: Option<PaymentState>,
    pub customer_id: Option<CustomerId>,
    pub msisdn: Option<String>,
    pub bank_account: Option<String>,
    pub bank_reference: Option<String>,
    pub reason: Option<String>,
    /// Recorded when a payment mode other than the SMS code takes it over.
    pub method: Option<PaymentMethod>,
    /// Refuse (`StateConflict`) while the payment's money may be moving (a
    /// used code, a confirmed push): cancel and expiry must not overtake a
    /// settlement the bank may already have carried out.
    pub unless_settling: bool,
    pub event: Option<NewEvent>,
    /// Queued in the same transaction: a final state is never durable
    /// without its webhook.
    pub webhook: Option<NewWebhook>,
}

impl PaymentUpdate {
    /// An update moving to `state`.
    pub fn to(state: PaymentState) -> PaymentUpdate {
        PaymentUpdate {
            state: Some(state),
            ..PaymentUpdate::default()
        }
    }

    /// Only apply when the payment is in one of `states`.
    pub fn expect(mut self, states: &[PaymentState]) -> PaymentUpdate {
        self.expect = states.to_vec();
        self
    }

    pub fn event(mut self, event: impl Into<String>, detail: impl Into<String>) -> PaymentUpdate {
        self.event = Some(NewEvent {
            event: event.into(),
            detail: detail.into(),
        });
        self
    }

    pub fn webhook(mut self, webhook: NewWebhook) -> PaymentUpdate {
        self.webhook = Some(webhook);
        self
    }
}

/// Filters for listing payments; empty fields match everything. Newest first.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    pub merchant_id: Option<MerchantId>,
    pub state: Option<PaymentState>,
    pub customer_id: Option<CustomerId>,
    pub order_id: Option<String>,
    /// created_at >= this.
    pub created_from: Option<i64>,
    /// created_at < this.
    pub created_to: Option<i64>,
    /// 0 means [`DEFAULT_LIST_LIMIT`]; capped at [`MAX_LIST_LIMIT`].
    pub limit: usize,
    pub offset: usize,
}
