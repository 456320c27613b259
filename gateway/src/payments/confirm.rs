//! The shopper enters the code: per-IP limits, the latest code must be
//! live (not used, revoked or expired), its HMAC must match this payment's
//! amount, currency and payee (constant-time), wrong entries are counted
//! and the last one revokes it. A right code is consumed once, then the
//! bank debits the customer and credits the merchant; the final state and
//! its webhook are written together, and the shopper gets a receipt SMS.

use tokio::time::Instant;

use super::{PaymentError, PaymentService};
use crate::bank::{BankError, BankOutcome, Transfer};
use crate::codes;
use crate::domain::{AuthCode, PaymentId, PaymentState};
use crate::sms::{self, Locale};
use crate::store::Payment;

/// The payment after the bank answered.
#[derive(Debug, Clone)]
pub struct Confirmed {
    pub payment: Payment,
}

impl PaymentService {
    pub async fn confirm(
        &self,
        id: &PaymentId,
        code: &str,
        ip: &str,
    ) -> Result<Confirmed, PaymentError> {
        let inner = &self.inner;
        if let Err(wait) = inner.ip_checks.check_and_record(ip, Instant::now()) {
            self.refused(super::RefusalReason::IpChecks, ip, None);
            return Err(PaymentError::RateLimited(wait.0.as_secs().max(1)));
        }
        let p = self.expire_if_due(self.payment(id).await?).await?;
        if p.state != PaymentState::CodeSent {
            return Err(PaymentError::WrongState(p.state));
        }
        let now = self.now();
        let Some(rec) = inner.store.latest_code(&p.id).await? else {
            return Err(PaymentError::WrongState(p.state));
        };
        if rec.used || rec.revoked {
            return Err(PaymentError::CodeRevoked);
        }
        if now >= rec.expires_at {
            inner
                .store
                .add_event(&p.id, now, "code_expired", "")
                .await?;
            return Err(PaymentError::CodeExpired);
        }
        let right = AuthCode::parse(code).is_ok_and(|c| {
            codes::verify(&inner.key, &p.id, &p.amount, &p.merchant_id, &c, &rec.hmac)
        });
        if !right {
            let max = inner.policy.max_attempts();
            let after = inner.store.record_code_attempt(rec.id, max).await?;
            let left = max.saturating_sub(after.attempts);
            let detail = format!("attempt {} of {max}", after.attempts);
            inner
                .store
                .add_event(&p.id, now, "code_rejected", &detail)
                .await?;
            return Err(if after.revoked {
                PaymentError::CodeRevoked
            } else {
                PaymentError::WrongCode {
                    attempts_left: left,
                }
            });
        }
        if !inner.store.consume_code(rec.id, now).await? {
            return Err(PaymentError::CodeRevoked);
        }
        inner
            .store
            .add_event(&p.id, now, "code_checked", "right code")
            .await?;
        let payment = self.settle(&p).await?;
        if payment.state == PaymentState::Succeeded {
            self.send_receipt(&payment).await;
        }
        Ok(Confirmed { payment })
    }

    /// Ask the bank to move the money and record the outcome.
    pub(super) async fn settle(&self, p: &Payment) -> Result<Payment, PaymentError> {
        let store = &self.inner.store;
        let merchant = store
            .merchant(&p.merchant_id)
            .await?
            .ok_or_else(|| PaymentError::Internal("payment of an unknown merchant".into()))?;
        let from = p
            .bank_account
            .clone()
            .ok_or_else(|| PaymentError::Internal("no account chosen".into()))?;
        let transfer = Transfer {
            payment_id: p.id.clone(),
            from_account: from,
            to_account: merchant.bank_account.clone(),
            amount: p.amount,
        };
        match self.inner.bank.transfer(transfer).await {
            Ok(BankOutcome::Approved { reference }) => {
                let detail = format!("bank approved, reference {reference}");
                self.finish(
                    p,
                    PaymentState::Succeeded,
                    "bank_approved",
                    &detail,
                    Some(reference),
                )
                .await
            }
            Ok(BankOutcome::Declined { reason }) => {
                self.finish(
                    p,
                    PaymentState::Declined,
                    "bank_declined",
                    reason.as_str(),
                    None,
                )
                .await
            }
            Err(BankError::Unavailable) => {
                self.finish(
                    p,
                    PaymentState::Failed,
                    "bank_unavailable",
                    "bank_unavailable",
                    None,
                )
                .await
            }
            Err(e) => {
                tracing::error!(payment = %p.id, error = %e, "bank error");
                self.finish(p, PaymentState::Failed, "bank_error", "bank_error", None)
                    .await
            }
        }
    }

    /// The shopper's SMS receipt; best effort (the payment is already final).
    async fn send_receipt(&self, p: &Payment) {
        let Some(msisdn) = p.msisdn.clone() else {
            return;
        };
        let store = &self.inner.store;
        let (Ok(Some(merchant)), locale) = (
            store.merchant(&p.merchant_id).await,
            self.locale_of(p).await.unwrap_or(Locale::En),
        ) else {
            return;
        };
        let text = sms::templates::receipt_sms(locale, &merchant.name, &p.amount, p.id.as_str());
        let outcome = match self
            .inner
            .sms
            .send(&msisdn, &text, p.id.as_str(), None)
            .await
        {
            Ok(sent) => format!("message_id {}", sent.message_ids.join(",")),
            Err(e) => format!("not sent: {e}"),
        };
        let _ = store
            .add_event(&p.id, self.now(), "receipt_sms", &outcome)
            .await;
    }
}
