//! Paying on the phone bill (issue 8 §2): the shopper names their operator,
//! number and billing PIN; the operator decides. An approval is captured at
//! once and the payment succeeds with method `carrier` (the operator, not
//! the bank, settles with the merchant); a refusal the shopper cannot fix
//! here (over the credit limit, prepaid balance too low, line barred,
//! billing locked) declines the payment; a wrong PIN or a number the
//! operator does not bill leaves it open to try again. The final state,
//! method and webhook are one compare-and-set, the operator's charge is
//! kept in `carrier_charges`, and each step is on the payment's timeline.
//! The operator's idempotency on the reference (the payment id) makes a
//! double submit one charge.

use tokio::time::Instant;

use super::{PaymentError, PaymentService, webhook_body};
use crate::carrier::{CarrierClient, CarrierError, Charge, Decision, DeclineReason};
use crate::domain::{PaymentId, PaymentMethod, PaymentState};
use crate::store::{CarrierCharge, Payment, PaymentUpdate};

/// How the operator's answer left the payment.
#[derive(Debug, Clone)]
pub enum CarrierOutcome {
    /// Charged to the bill; the payment succeeded.
    Paid(Payment),
    /// The operator declined for a reason the shopper cannot fix now; the
    /// payment is declined.
    Declined(Payment, DeclineReason),
    /// Wrong PIN or unknown number: the payment stays open.
    TryAgain {
        reason: DeclineReason,
        attempts_left: Option<u32>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CarrierPayError {
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error("no operator named {0:?} is offered")]
    UnknownCarrier(String),
    /// Not reachable or failing; nothing was charged that stays charged.
    #[error("the operator could not be reached; please try again")]
    Unavailable,
    /// The operator refused the request (e.g. a currency it does not bill).
    #[error("the operator cannot take this payment: {0}")]
    Refused(String),
}

impl PaymentService {
    /// Charges payment `id` to `msisdn`'s bill at `carrier`.
    pub async fn pay_by_carrier(
        &self,
        id: &PaymentId,
        carrier: &CarrierClient,
        msisdn: &str,
        pin: &str,
        ip: &str,
    ) -> Result<CarrierOutcome, CarrierPayError> {
        if let Err(wait) = self.inner.ip_checks.check_and_record(ip, Instant::now()) {
            self.refused(super::RefusalReason::IpChecks, ip, None);
            return Err(PaymentError::RateLimited(wait.0.as_secs().max(1)).into());
        }
        let msisdn: String = msisdn.chars().filter(|c| !c.is_whitespace()).collect();
        let msisdn = msisdn.trim_start_matches('+');
        if !(6..=15).contains(&msisdn.len()) || !msisdn.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                PaymentError::Invalid("the phone number must be 6 to 15 digits".into()).into(),
            );
        }
        if pin.is_empty() || pin.len() > 16 {
            return Err(
                PaymentError::Invalid("the billing PIN must be 1 to 16 characters".into()).into(),
            );
        }
        let p = self.expire_if_due(self.payment(id).await?).await?;
        if !matches!(p.state, PaymentState::Created | PaymentState::Identified) {
            return Err(PaymentError::WrongState(p.state).into());
        }
        let store = &self.inner.store;
        let merchant = store
            .merchant(&p.merchant_id)
            .await
            .map_err(PaymentError::from)?
            .ok_or_else(|| PaymentError::Internal("payment of an unknown merchant".into()))?;
        let decision = carrier
            .authorize(
                msisdn,
                pin,
                p.amount.minor,
                p.amount.currency.code(),
                &merchant.name,
                p.id.as_str(),
            )
            .await;
        let charge = match decision {
            Err(e) => return Err(self.carrier_failed(&p, carrier, e).await),
            Ok(Decision::Declined {
                reason,
                attempts_left,
            }) => {
                let detail = format!("{} declined: {}", carrier.name(), reason.as_str());
                let retry = matches!(
                    reason,
                    DeclineReason::WrongPin | DeclineReason::UnknownSubscriber
                );
                if retry {
                    self.event(&p.id, "carrier_declined", &detail).await;
                    return Ok(CarrierOutcome::TryAgain {
                        reason,
                        attempts_left,
                    });
                }
                let after = self
                    .finish_carrier(&p, PaymentState::Declined, "carrier_declined", &detail)
                    .await?;
                return Ok(CarrierOutcome::Declined(after, reason));
            }
            Ok(Decision::Approved(charge)) => charge,
        };
        let detail = format!("{} authorized charge {}", carrier.name(), charge.charge_id);
        self.event(&p.id, "carrier_authorized", &detail).await;
        self.record_charge(&p, carrier, msisdn, &charge).await?;
        let captured = match carrier.capture(&charge.charge_id).await {
            Ok(c) => c,
            Err(e) => {
                // Release the hold so the retry starts clean (best effort).
                if let Ok(c) = carrier.void(&charge.charge_id).await {
                    let _ = self.record_charge(&p, carrier, msisdn, &c).await;
                }
                return Err(self.carrier_failed(&p, carrier, e).await);
            }
        };
        self.record_charge(&p, carrier, msisdn, &captured).await?;
        let detail = format!("{} captured charge {}", carrier.name(), captured.charge_id);
        match self
            .finish_carrier(&p, PaymentState::Succeeded, "carrier_captured", &detail)
            .await
        {
            Ok(after) => Ok(CarrierOutcome::Paid(after)),
            Err(e) => {
                // A double submit: the other request captured the same
                // charge (the operator keys it on the payment id) and
                // finished first. That is this payment paid, not a reason
                // to refund it.
                if let Ok(now) = self.payment(&p.id).await
                    && now.state == PaymentState::Succeeded
                    && now.method == PaymentMethod::Carrier
                {
                    return Ok(CarrierOutcome::Paid(now));
                }
                // The payment ended another way meanwhile: give the money back.
                if let Ok(c) = carrier.refund(&captured.charge_id, None).await {
                    let _ = self.record_charge(&p, carrier, msisdn, &c).await;
                    self.event(&p.id, "carrier_refunded", "payment ended meanwhile")
                        .await;
                }
                Err(e.into())
            }
        }
    }

    /// Refunds a carrier payment at its operator (all that is left when
    /// `amount` is None); returns the charge as recorded after.
    pub async fn refund_carrier(
        &self,
        id: &PaymentId,
        carrier: &CarrierClient,
        amount: Option<i64>,
    ) -> Result<CarrierCharge, CarrierPayError> {
        let p = self.payment(id).await?;
        let Some(rec) = self
            .inner
            .store
            .carrier_charge(id)
            .await
            .map_err(PaymentError::from)?
        else {
            return Err(
                PaymentError::Invalid("the payment was not paid on a phone bill".into()).into(),
            );
        };
        let c = carrier
            .refund(&rec.charge_id, amount)
            .await
            .map_err(|e| match e {
                CarrierError::Unavailable(..) => CarrierPayError::Unavailable,
                CarrierError::Refused { message, .. } => CarrierPayError::Refused(message),
            })?;
        let msisdn = rec.msisdn.clone();
        self.record_charge(&p, carrier, &msisdn, &c).await?;
        let detail = format!(
            "{} refunded {} of charge {}",
            carrier.name(),
            c.refunded,
            c.charge_id
        );
        self.event(&p.id, "carrier_refunded", &detail).await;
        Ok(self
            .inner
            .store
            .carrier_charge(id)
            .await
            .map_err(PaymentError::from)?
            .unwrap_or(rec))
    }

    async fn carrier_failed(
        &self,
        p: &Payment,
        carrier: &CarrierClient,
        e: CarrierError,
    ) -> CarrierPayError {
        tracing::warn!(payment = %p.id, error = %e, "carrier billing call failed");
        match e {
            CarrierError::Unavailable(..) => {
                let detail = format!("{} unavailable", carrier.name());
                self.event(&p.id, "carrier_unavailable", &detail).await;
                CarrierPayError::Unavailable
            }
            CarrierError::Refused { message, .. } => {
                self.event(&p.id, "carrier_refused", &message).await;
                CarrierPayError::Refused(message)
            }
        }
    }

    async fn record_charge(
        &self,
        p: &Payment,
        carrier: &CarrierClient,
        msisdn: &str,
        c: &Charge,
    ) -> Result<(), PaymentError> {
        let now = self.now();
        self.inner
            .store
            .save_carrier_charge(CarrierCharge {
                payment_id: p.id.as_str().to_owned(),
                carrier: carrier.name().to_owned(),
                charge_id: c.charge_id.clone(),
                msisdn: msisdn.to_owned(),
                amount_minor: c.amount,
                currency: c.currency.clone(),
                state: c.state.clone(),
                refunded_minor: c.refunded,
                created_at: now,
                updated_at: now,
            })
            .await?;
        Ok(())
    }

    /// A timeline event; best effort (the operator's answer already stands).
    async fn event(&self, id: &PaymentId, event: &str, detail: &str) {
        if let Err(e) = self
            .inner
            .store
            .add_event(id, self.now(), event, detail)
            .await
        {
            tracing::warn!(payment = %id, error = %e, "timeline event not written");
        }
    }

    /// The final state with method `carrier`, its event and webhook, in one
    /// compare-and-set from an open state.
    async fn finish_carrier(
        &self,
        p: &Payment,
        state: PaymentState,
        event: &str,
        detail: &str,
    ) -> Result<Payment, PaymentError> {
        let now = self.now();
        let mut u = PaymentUpdate::to(state)
            .expect(&[PaymentState::Created, PaymentState::Identified])
            .event(event, detail);
        u.method = Some(PaymentMethod::Carrier);
        if state != PaymentState::Succeeded {
            u.reason = Some(detail.to_owned());
        }
        if let Some(merchant) = self.inner.store.merchant(&p.merchant_id).await?
            && let Some(url) = merchant.webhook_url
        {
            let mut after = p.clone();
            after.state = state;
            after.method = PaymentMethod::Carrier;
            u.webhook = Some(webhook_body::new_webhook(&after, url, now));
        }
        let p = self.inner.store.update_payment(&p.id, u, now).await?;
        self.inner.webhook_wake.notify_waiters();
        Ok(p)
    }
}
