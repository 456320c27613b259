//! The merchant's side: create (with Idempotency-Key), get, cancel, list.
//! Requests are checked here and turned into domain values once; the
//! payment is then only ever changed by compare-and-set updates.

use serde::{Deserialize, Serialize};

use super::{PaymentError, PaymentService, webhook_body};
use crate::domain::{Currency, MerchantId, Money, PaymentId, PaymentState};
use crate::store::{
    CreateOutcome, IdempotencyKey, NewPayment, Payment, PaymentFilter, PaymentUpdate,
};

/// The merchant API's create request (amount as a decimal string).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePayment {
    pub order_id: String,
    pub amount: String,
    pub currency: String,
    #[serde(default)]
    pub description: String,
    pub return_url: Option<String>,
    /// A phone number or identity the merchant knows for the shopper.
    pub customer_hint: Option<String>,
}

/// A payment as the merchant API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentView {
    pub id: String,
    pub order_id: String,
    pub state: &'static str,
    /// How it was (or is being) paid: sms_code, handset_confirm, carrier, voucher.
    pub method: &'static str,
    pub amount: String,
    pub currency: String,
    pub description: String,
    pub return_url: Option<String>,
    pub reason: Option<String>,
    pub bank_reference: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: i64,
}

impl From<&Payment> for PaymentView {
    fn from(p: &Payment) -> Self {
        PaymentView {
            id: p.id.as_str().to_owned(),
            order_id: p.order_id.clone(),
            state: p.state.as_str(),
            method: p.method.as_str(),
            amount: p.amount.to_decimal_string(),
            currency: p.amount.currency.code().to_owned(),
            description: p.description.clone(),
            return_url: p.return_url.clone(),
            reason: p.reason.clone(),
            bank_reference: p.bank_reference.clone(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            expires_at: p.expires_at,
        }
    }
}

fn check(req: &CreatePayment) -> Result<Money, PaymentError> {
    let bad = |m: String| Err(PaymentError::Invalid(m));
    if req.order_id.is_empty() || req.order_id.len() > 64 {
        return bad("order_id must be 1 to 64 characters".into());
    }
    if req.description.chars().count() > 255 {
        return bad("description must be at most 255 characters".into());
    }
    if let Some(url) = &req.return_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return bad("return_url must be an http or https URL".into());
    }
    let currency = Currency::parse(&req.currency)
        .map_err(|e| PaymentError::Invalid(format!("currency: {e}")))?;
    let amount = Money::parse_decimal(&req.amount, currency)
        .map_err(|e| PaymentError::Invalid(format!("amount: {e}")))?;
    if amount.minor <= 0 {
        return bad("amount must be positive".into());
    }
    Ok(amount)
}

/// A stable hash of the request, to tell a replay from a reused key.
fn request_hash(req: &CreatePayment) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(req).unwrap_or_default();
    Sha256::digest(json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PaymentService {
    /// Create a payment; with `idempotency_key`, a repeat returns the first.
    pub async fn create(
        &self,
        merchant: &MerchantId,
        req: CreatePayment,
        idempotency_key: Option<String>,
    ) -> Result<(Payment, bool), PaymentError> {
        let amount = check(&req)?;
        let now = self.now();
        let ttl = i64::try_from(self.inner.settings.payment_ttl.as_millis()).unwrap_or(i64::MAX);
        let key = idempotency_key.map(|key| IdempotencyKey {
            key,
            request_hash: request_hash(&req),
        });
        let new = NewPayment {
            id: PaymentId::generate(),
            merchant_id: merchant.clone(),
            order_id: req.order_id,
            amount,
            description: req.description,
            return_url: req.return_url,
            customer_hint: req.customer_hint,
            expires_at: now.saturating_add(ttl),
        };
        match self.inner.store.create_payment(new, key, now).await? {
            CreateOutcome::Created(p) => {
                // The order id is the merchant's free text; the binary's log
                // format escapes it (`crate::logging`).
                tracing::info!(
                    payment = %p.id,
                    merchant = %p.merchant_id,
                    order_id = %p.order_id,
                    amount = %p.amount,
                    "payment created"
                );
                Ok((p, true))
            }
            CreateOutcome::Replayed(p) => Ok((p, false)),
            CreateOutcome::KeyReused { .. } => Err(PaymentError::KeyReused),
        }
    }

    /// The payment, if it belongs to `merchant` (None: the merchant may
    /// not learn that another merchant's id exists).
    pub async fn get_for(
        &self,
        merchant: &MerchantId,
        id: &PaymentId,
    ) -> Result<Payment, PaymentError> {
        match self.inner.store.payment(id).await? {
            Some(p) if &p.merchant_id == merchant => Ok(p),
            _ => Err(PaymentError::NotFound),
        }
    }

    pub async fn payment(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        self.inner
            .store
            .payment(id)
            .await?
            .ok_or(PaymentError::NotFound)
    }

    pub async fn cancel(
        &self,
        merchant: &MerchantId,
        id: &PaymentId,
    ) -> Result<Payment, PaymentError> {
        let p = self.get_for(merchant, id).await?;
        self.finish(
            &p,
            PaymentState::Cancelled,
            "cancelled",
            "by the merchant",
            None,
        )
        .await
    }

    /// The shopper gives up on the checkout page: cancelled, unless the
    /// money may already be moving (then `WrongState`).
    pub async fn cancel_by_shopper(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        let p = self.expire_if_due(self.payment(id).await?).await?;
        self.finish(
            &p,
            PaymentState::Cancelled,
            "cancelled",
            "by the shopper",
            None,
        )
        .await
    }

    pub async fn list(&self, filter: PaymentFilter) -> Result<Vec<Payment>, PaymentError> {
        Ok(self.inner.store.list_payments(filter).await?)
    }

    /// Move `p` to a final state with its event and webhook in one write.
    pub(super) async fn finish(
        &self,
        p: &Payment,
        state: PaymentState,
        event: &str,
        detail: &str,
        bank_reference: Option<String>,
    ) -> Result<Payment, PaymentError> {
        let now = self.now();
        let mut u = PaymentUpdate::to(state)
            .expect(&[
                PaymentState::Created,
                PaymentState::Identified,
                PaymentState::CodeSent,
            ])
            .event(event, detail);
        if !matches!(state, PaymentState::Succeeded) {
            u.reason = Some(detail.to_owned());
        }
        // Only a settlement's own outcome may end a payment whose money
        // may be moving.
        u.unless_settling = matches!(state, PaymentState::Cancelled | PaymentState::Expired);
        u.bank_reference = bank_reference;
        if let Some(merchant) = self.inner.store.merchant(&p.merchant_id).await?
            && let Some(url) = merchant.webhook_url
        {
            let mut after = p.clone();
            after.state = state;
            u.webhook = Some(webhook_body::new_webhook(&after, url, now));
        }
        let p = self.inner.store.update_payment(&p.id, u, now).await?;
        self.inner.webhook_wake.notify_waiters();
        Ok(p)
    }
}
