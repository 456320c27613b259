//! Answering a reply from the phone. The reply is matched to one push: by
//! its reference among the pushes to the number it came from, or, without
//! a reference, to the only live push of that number. Then, in order: a
//! number that is nobody's registered terminal is refused; a push already
//! decided gets "already ..." (a duplicate reply); a payment that is final
//! or past its time gets "too late"; `NO` declines; `YES` checks the PIN
//! (lockout: the locking wrong PIN declines the payment) and a right PIN
//! marks the push confirmed, then settles through the bank like the code
//! flow. Every path returns the text of the answer SMS.

use super::reply::{self, Malformed, Reply};
use super::{PushService, texts};
use crate::customers::PinCheck;
use crate::domain::PaymentState;
use crate::payments::PaymentError;
use crate::store::{Payment, PushRecord, PushStatus};

/// The number as the terminals table keeps it: digits, no "+" or "00".
pub(super) fn normalise(from: &str) -> String {
    let digits: String = from.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("00") {
        Some(rest) if from.trim_start().starts_with("00") => rest.to_owned(),
        _ => digits,
    }
}

impl PushService {
    /// Handles one MO `text` from `from`; returns the answer to send back.
    pub async fn answer(&self, from: &str, text: &str) -> Result<String, PaymentError> {
        let msisdn = normalise(from);
        let reply = reply::parse(text);
        let reference = match &reply {
            Reply::Unknown => return Ok(texts::HELP.into()),
            Reply::Malformed(Malformed::MissingPin) => return Ok(texts::MISSING_PIN.into()),
            Reply::Malformed(Malformed::Garbled) => return Ok(texts::GARBLED.into()),
            Reply::Yes { reference, .. } | Reply::No { reference } => reference.clone(),
        };
        let store = &self.payments.inner.store;
        if !store.is_registered_terminal(&msisdn).await? {
            tracing::debug!(from = %msisdn, "reply from a number that is no registered terminal");
            return Ok(texts::NOT_REGISTERED.into());
        }
        let push = match reference {
            Some(r) => match store.push_by_reference(&msisdn, &r).await? {
                Some(push) => push,
                None => return Ok(texts::unknown_reference(&r)),
            },
            None => match self.only_live_push(&msisdn).await? {
                Ok(push) => push,
                Err(answer) => return Ok(answer),
            },
        };
        let r = push.reference.clone();
        let p = self
            .payments
            .expire_if_due(self.payments.payment(&push.payment_id).await?)
            .await?;
        match push.status {
            PushStatus::Confirmed => return Ok(texts::already(&r, "confirmed")),
            PushStatus::Declined => return Ok(texts::already(&r, "declined")),
            PushStatus::Refused | PushStatus::Failed | PushStatus::Expired => {
                return Ok(texts::too_late(&r, p.state.as_str()));
            }
            PushStatus::Pending => {}
        }
        if p.state.is_final() {
            // Closed here, lazily: the expirer and a merchant's cancel only
            // know the payment.
            let store = &self.payments.inner.store;
            store
                .answer_push(&p.id, PushStatus::Expired, self.payments.now())
                .await?;
            return Ok(texts::too_late(&r, p.state.as_str()));
        }
        match reply {
            Reply::No { .. } => self.decline(&p, &push).await,
            Reply::Yes { pin, .. } => self.confirm(&p, &push, &pin).await,
            Reply::Unknown | Reply::Malformed(_) => Ok(texts::GARBLED.into()),
        }
    }

    /// The one push to `msisdn` that can still be answered, or the answer
    /// explaining why there is none or too many.
    async fn only_live_push(
        &self,
        msisdn: &str,
    ) -> Result<Result<PushRecord, String>, PaymentError> {
        let now = self.payments.now();
        let mut live = Vec::new();
        for push in self.payments.inner.store.pending_pushes(msisdn).await? {
            let p = self.payments.payment(&push.payment_id).await?;
            if push.expires_at > now && !p.state.is_final() {
                live.push(push);
            }
        }
        Ok(match live.len() {
            0 => Err(texts::NOTHING_PENDING.into()),
            1 => Ok(live.remove(0)),
            _ => Err(texts::several_pending(
                &live.iter().map(|p| p.reference.clone()).collect::<Vec<_>>(),
            )),
        })
    }

    async fn merchant_name(&self, p: &Payment) -> String {
        match self.payments.inner.store.merchant(&p.merchant_id).await {
            Ok(Some(m)) => m.name,
            _ => String::new(),
        }
    }

    async fn decline(&self, p: &Payment, push: &PushRecord) -> Result<String, PaymentError> {
        let store = &self.payments.inner.store;
        if !store
            .answer_push(&p.id, PushStatus::Declined, self.payments.now())
            .await?
        {
            return Ok(texts::already(&push.reference, "answered"));
        }
        let detail = "declined by the customer on the phone";
        self.payments
            .finish(p, PaymentState::Declined, "push_declined", detail, None)
            .await?;
        let merchant = self.merchant_name(p).await;
        Ok(texts::declined(&merchant, &p.amount, &push.reference))
    }

    async fn confirm(
        &self,
        p: &Payment,
        push: &PushRecord,
        pin: &str,
    ) -> Result<String, PaymentError> {
        let payments = &self.payments;
        let store = &payments.inner.store;
        let r = &push.reference;
        let max = self.config.max_pin_failures;
        let check = payments
            .customers()
            .check_pin(push.customer_id, pin, max, payments.now())
            .await
            .map_err(|e| PaymentError::Internal(e.to_string()))?;
        match check {
            PinCheck::Right => {}
            PinCheck::Wrong { left } => {
                let detail = format!("wrong PIN, {left} attempt(s) left");
                store
                    .add_event(&p.id, payments.now(), "pin_rejected", &detail)
                    .await?;
                return Ok(texts::wrong_pin(r, left));
            }
            PinCheck::Locked => {
                if store
                    .answer_push(&p.id, PushStatus::Refused, payments.now())
                    .await?
                {
                    payments
                        .finish(p, PaymentState::Declined, "pin_locked", "pin_locked", None)
                        .await?;
                }
                return Ok(texts::pin_locked(r));
            }
            PinCheck::NotSet => return Ok(texts::no_pin(r)),
        }
        if !store
            .answer_push(&p.id, PushStatus::Confirmed, payments.now())
            .await?
        {
            return Ok(texts::already(r, "answered"));
        }
        store
            .add_event(
                &p.id,
                payments.now(),
                "pin_checked",
                "right PIN from the phone",
            )
            .await?;
        let after = payments.settle(p).await?;
        let merchant = self.merchant_name(p).await;
        Ok(match after.state {
            PaymentState::Succeeded => texts::paid(&merchant, &p.amount, r),
            _ => texts::bank_refused(r),
        })
    }
}
