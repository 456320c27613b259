//! Issuing an authorization code and sending it: a fresh code (CSPRNG),
//! its HMAC bound to payment, amount, currency and payee stored (never the
//! digits) if the per-number and per-prefix send windows have room (a
//! refusal is noted for the pumping view), the SMS from the customer's
//! locale template, and the SMSC's message ids recorded for receipts.
//! Resends are in [`super::resend`].

use futures::future::BoxFuture;

use super::{
    PaymentError, PaymentService, RefusalReason, SentSms, SimSwapStatus, SmsFailure, SmsSender,
};
use crate::codes;
use crate::domain::PaymentState;
use crate::sms::{self, Locale};
use crate::store::{self, DeliveryStatus, NewCode, Payment, PaymentUpdate, SendRefused, SendScope};

impl SmsSender for sms::SmsGateway {
    fn send<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        valid_for: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            let number: wire::msisdn::Msisdn = msisdn
                .parse()
                .map_err(|e| SmsFailure::Rejected(format!("destination: {e}")))?;
            match self.send_within(&number, text, reference, valid_for).await {
                Ok(s) => Ok(SentSms {
                    smsc: s.smsc,
                    message_ids: s.message_ids,
                }),
                Err(sms::SendError::AllSmscsDown) => {
                    Err(SmsFailure::Unavailable("all SMSCs down".into()))
                }
                Err(e) => Err(SmsFailure::Rejected(e.to_string())),
            }
        })
    }

    fn send_sealed<'a>(
        &'a self,
        msisdn: &'a str,
        sealed: &'a [u8],
        reference: &'a str,
        valid_for: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        super::sealed::send_sealed(self, msisdn, sealed, reference, valid_for)
    }
}

impl PaymentService {
    /// Issue a new code for `p` (revoking any earlier one) and send it to
    /// `msisdn`. The payment ends in `code_sent`; if no SMSC took the SMS it
    /// stays `identified` and the shopper may retry.
    pub(super) async fn send_code(
        &self,
        p: &Payment,
        msisdn: &str,
        ip: &str,
    ) -> Result<Payment, PaymentError> {
        let inner = &self.inner;
        let policy = &inner.policy;
        let now = self.now();
        let store = &inner.store;
        // Refuse early, before the operator is asked about the SIM: a
        // flood of starts must not become a flood of paid lookups.
        if let Some(refused) = store
            .send_refusal(msisdn, now, policy.send_windows())
            .await?
        {
            return Err(self.send_refused(p, msisdn, ip, refused).await?);
        }
        if let Some(refused) = self.sim_swap_refusal(p, msisdn, now).await? {
            return Err(refused);
        }
        let code = policy.generate();
        let hmac = codes::bind(&inner.key, &p.id, &p.amount, &p.merchant_id, &code);
        let ttl = i64::try_from(policy.ttl().as_millis()).unwrap_or(i64::MAX);
        let new = NewCode {
            payment_id: p.id.clone(),
            hmac,
            msisdn: msisdn.to_owned(),
            issued_at: now,
            expires_at: now.saturating_add(ttl),
            ip: Some(ip.to_owned()),
        };
        // The windows are checked in the transaction that logs the send,
        // so concurrent checkouts cannot all slip into the last slot.
        let record = match store.issue_code_limited(new, policy.send_windows()).await? {
            Ok(record) => record,
            Err(refused) => return Err(self.send_refused(p, msisdn, ip, refused).await?),
        };
        let merchant = store
            .merchant(&p.merchant_id)
            .await?
            .ok_or_else(|| PaymentError::Internal("payment of an unknown merchant".into()))?;
        let locale = self.locale_of(p).await?;
        let minutes = u32::try_from(policy.ttl().as_secs().div_ceil(60)).unwrap_or(u32::MAX);
        let sealed = self
            .sealed_code(p, msisdn, &merchant.name, &code, now.saturating_add(ttl))
            .await?;
        let text = sms::templates::code_sms(locale, &merchant.name, &code, &p.amount, minutes);
        drop(code);
        let (reference, valid_for) = (p.id.as_str(), Some(policy.ttl()));
        let sending = match &sealed {
            Some(bytes) => inner.sms.send_sealed(msisdn, bytes, reference, valid_for),
            None => inner.sms.send(msisdn, &text, reference, valid_for),
        };
        match sending.await {
            Ok(sent) => {
                let ids = sent.message_ids.join(",");
                let msisdn = match sealed {
                    Some(_) => format!("{msisdn} (sealed for its key)"),
                    None => msisdn.to_owned(),
                };
                store
                    .code_sent(record.id, &sent.smsc, sent.message_ids, self.now())
                    .await?;
                let u = PaymentUpdate::to(PaymentState::CodeSent)
                    .expect(&[PaymentState::Identified, PaymentState::CodeSent])
                    .event(
                        "code_sent",
                        format!("to {msisdn} via {}, message_id {ids}", sent.smsc),
                    );
                Ok(store.update_payment(&p.id, u, self.now()).await?)
            }
            Err(e) => {
                tracing::warn!(payment = %p.id, error = %e, "code SMS not sent");
                store
                    .set_code_delivery(record.id, DeliveryStatus::Failed, self.now())
                    .await?;
                store.revoke_codes(&p.id).await?;
                store
                    .add_event(&p.id, self.now(), "code_not_sent", &e.to_string())
                    .await?;
                Err(PaymentError::SmsUnavailable)
            }
        }
    }

    /// A send a window refused: noted for the pumping view and in the
    /// timeline, answered with the wait.
    async fn send_refused(
        &self,
        p: &Payment,
        msisdn: &str,
        ip: &str,
        refused: SendRefused,
    ) -> Result<PaymentError, PaymentError> {
        let prefix = store::prefix_of(msisdn, self.inner.policy.prefix_digits());
        let wait = u64::try_from((refused.retry_after_ms + 999) / 1000).unwrap_or(1);
        let (reason, detail, err) = match refused.scope {
            SendScope::Number => (
                RefusalReason::Number,
                "per-number limit reached".to_owned(),
                PaymentError::PhoneLimit(wait),
            ),
            SendScope::Prefix { .. } => (
                RefusalReason::Prefix,
                format!("per-prefix limit reached for {prefix}"),
                PaymentError::PrefixLimit(wait),
            ),
        };
        self.refused(reason, ip, Some(prefix));
        self.inner
            .store
            .add_event(&p.id, self.now(), "code_refused", &detail)
            .await?;
        Ok(err)
    }

    /// Ask the operator about the SIM of `msisdn`; record a recent swap in
    /// the timeline, and decline when configured to.
    async fn sim_swap_refusal(
        &self,
        p: &Payment,
        msisdn: &str,
        now: i64,
    ) -> Result<Option<PaymentError>, PaymentError> {
        let Some(check) = self.inner.sim_swap.get() else {
            return Ok(None);
        };
        let store = &self.inner.store;
        match check.check(msisdn).await {
            SimSwapStatus::NotSwapped => Ok(None),
            SimSwapStatus::Unknown => {
                store
                    .add_event(
                        &p.id,
                        now,
                        "sim_swap_unknown",
                        "the operator could not be asked",
                    )
                    .await?;
                Ok(None)
            }
            SimSwapStatus::Swapped { within_hours } => {
                let detail = format!("the SIM of {msisdn} changed within {within_hours} h");
                store.add_event(&p.id, now, "sim_swap", &detail).await?;
                if !self.inner.settings.refuse_on_sim_swap {
                    return Ok(None);
                }
                self.finish(p, PaymentState::Declined, "declined", "sim_swap", None)
                    .await?;
                Ok(Some(PaymentError::WrongState(PaymentState::Declined)))
            }
        }
    }

    pub(super) async fn locale_of(&self, p: &Payment) -> Result<Locale, PaymentError> {
        let from_customer = match p.customer_id {
            Some(id) => self.inner.store.customer(id).await?.map(|c| c.locale),
            None => None,
        };
        let name = from_customer.unwrap_or_else(|| self.inner.settings.default_locale.clone());
        Ok(Locale::parse(&name).unwrap_or(Locale::En))
    }
}
