//! A merchant terminal starts a payment the customer confirms from the
//! phone: the customer is resolved from the online identity the terminal
//! gives (phone number, alias or account), must have a registered phone
//! and a payment PIN that is not locked; the payment is created like any
//! other (so Idempotency-Key works the same: a replay pushes nothing
//! again), moved to `code_sent` with method `handset_confirm`, its push
//! recorded, and the push SMS sent from the service number.

use serde::{Deserialize, Serialize};

use super::{PushService, reference, texts};
use crate::domain::{MerchantId, OnlineIdentity, PaymentMethod, PaymentState};
use crate::payments::{CreatePayment, PaymentError};
use crate::store::{
    CustomerStatus, NewPush, Payment, PaymentUpdate, PushRecord, PushStatus, StoreError,
    TerminalKind,
};

/// The merchant API's `POST /v1/terminal-payments` body.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TerminalPayment {
    /// The customer's online identity, as at checkout.
    pub customer: String,
    pub amount: String,
    pub currency: String,
    #[serde(default)]
    pub description: String,
    /// The merchant's point-of-sale terminal (shown in the timeline).
    pub terminal_id: String,
    /// The merchant's reference; default "<terminal_id>-<time>".
    #[serde(default)]
    pub order_id: Option<String>,
}

/// A started terminal payment and its push.
#[derive(Debug, Clone)]
pub struct Started {
    pub payment: Payment,
    pub push: Option<PushRecord>,
    /// False when an Idempotency-Key replayed an earlier start.
    pub created: bool,
}

/// One refusal for every reason the customer cannot be pushed to, so the
/// terminal cannot probe which identities exist.
const CANNOT_PUSH: &str =
    "the customer cannot confirm from a handset (unknown, no registered phone or no usable PIN)";

/// Draws of a reference before giving up (the per-number space is ~1M).
const REFERENCE_TRIES: usize = 8;

fn check_terminal_id(id: &str) -> Result<(), PaymentError> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(PaymentError::Invalid(
            "terminal_id must be 1 to 32 visible ASCII characters".into(),
        ));
    }
    Ok(())
}

impl PushService {
    /// Starts a terminal payment (see the module docs).
    pub async fn start(
        &self,
        merchant: &MerchantId,
        req: TerminalPayment,
        idempotency_key: Option<String>,
    ) -> Result<Started, PaymentError> {
        check_terminal_id(&req.terminal_id)?;
        let payments = &self.payments;
        let store = &payments.inner.store;
        let refuse = || PaymentError::Invalid(CANNOT_PUSH.into());
        let identity = OnlineIdentity::parse(&req.customer).map_err(|_| refuse())?;
        let customer = store
            .customer_by_identity(&identity)
            .await?
            .filter(|c| matches!(c.status, CustomerStatus::Active | CustomerStatus::Locked))
            .ok_or_else(refuse)?;
        let pin = store.customer_pin(customer.id).await?.ok_or_else(refuse)?;
        if pin.hash.is_none() || pin.locked {
            return Err(refuse());
        }
        let phone = store
            .terminals(customer.id)
            .await?
            .into_iter()
            .find(|t| matches!(t.kind, TerminalKind::Phone | TerminalKind::Pda))
            .ok_or_else(refuse)?;
        let account = store
            .customer_accounts(customer.id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(refuse)?;
        let now = payments.now();
        let order_id = req
            .order_id
            .clone()
            .unwrap_or_else(|| format!("{}-{now}", req.terminal_id));
        let create = CreatePayment {
            order_id,
            amount: req.amount.clone(),
            currency: req.currency.clone(),
            description: req.description.clone(),
            return_url: None,
            customer_hint: Some(req.customer.clone()),
        };
        let (p, created) = payments.create(merchant, create, idempotency_key).await?;
        if !created {
            let push = store.push_of(&p.id).await?;
            return Ok(Started {
                payment: p,
                push,
                created,
            });
        }
        if let Some(reason) = payments.limit_refusal(&customer, &p).await? {
            let p = payments
                .finish(&p, PaymentState::Declined, "declined", reason, None)
                .await?;
            return Ok(Started {
                payment: p,
                push: None,
                created,
            });
        }
        let mut u = PaymentUpdate::to(PaymentState::CodeSent)
            .expect(&[PaymentState::Created])
            .event(
                "push_created",
                format!("terminal {}, customer {}", req.terminal_id, customer.id),
            );
        u.customer_id = Some(customer.id);
        u.msisdn = Some(phone.msisdn.clone());
        u.bank_account = Some(account);
        u.method = Some(PaymentMethod::HandsetConfirm);
        let p = store.update_payment(&p.id, u, payments.now()).await?;
        let ttl = i64::try_from(self.config.ttl().as_millis()).unwrap_or(i64::MAX);
        let push = self
            .record_push(&p, &phone.msisdn, customer.id, ttl)
            .await?;
        let merchant_name = store
            .merchant(&p.merchant_id)
            .await?
            .map(|m| m.name)
            .unwrap_or_default();
        let text = texts::push(
            &merchant_name,
            &p.amount,
            &p.description,
            &push.reference,
            self.config.ttl_s,
        );
        let sent = self
            .sms
            .send_from_within(
                &phone.msisdn,
                &text,
                p.id.as_str(),
                &self.config.service_number,
                self.config.ttl(),
            )
            .await;
        let p = match sent {
            Ok(s) => {
                let detail = format!(
                    "reference {}, message_id {}",
                    push.reference,
                    s.message_ids.join(",")
                );
                store
                    .add_event(&p.id, payments.now(), "push_sent", &detail)
                    .await?;
                payments.payment(&p.id).await?
            }
            Err(e) => {
                store
                    .answer_push(&p.id, PushStatus::Failed, payments.now())
                    .await?;
                let detail = format!("push SMS not sent: {e}");
                payments
                    .finish(&p, PaymentState::Failed, "push_failed", &detail, None)
                    .await?
            }
        };
        let push = store.push_of(&p.id).await?;
        Ok(Started {
            payment: p,
            push,
            created,
        })
    }

    /// Records the push under a fresh reference (drawn again on a clash).
    async fn record_push(
        &self,
        p: &Payment,
        msisdn: &str,
        customer: crate::domain::CustomerId,
        ttl_ms: i64,
    ) -> Result<PushRecord, PaymentError> {
        let store = &self.payments.inner.store;
        for _ in 0..REFERENCE_TRIES {
            let now = self.payments.now();
            let new = NewPush {
                payment_id: p.id.clone(),
                reference: reference::generate(),
                msisdn: msisdn.to_owned(),
                customer_id: customer,
                expires_at: now.saturating_add(ttl_ms),
            };
            match store.create_push(new, now).await {
                Ok(push) => return Ok(push),
                Err(StoreError::Duplicate(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(PaymentError::Internal("no free push reference".into()))
    }
}
