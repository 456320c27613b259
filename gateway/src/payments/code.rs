//! Issuing an authorization code and sending it: per-number limits, a fresh
//! code (CSPRNG), its HMAC bound to payment, amount, currency and payee
//! stored (never the digits), the SMS from the customer's locale template,
//! and the SMSC's message ids recorded for receipts. Resends follow the
//! policy's cooldowns and count.

use std::time::Duration;

use futures::future::BoxFuture;

use super::{PaymentError, PaymentService, SentSms, SimSwapStatus, SmsFailure, SmsSender};
use crate::codes::{self, ResendDenied};
use crate::domain::PaymentState;
use crate::sms::{self, Locale};
use crate::store::{DeliveryStatus, NewCode, Payment, PaymentUpdate};

const TEN_MINUTES_MS: i64 = 10 * 60 * 1000;
const HOUR_MS: i64 = 60 * 60 * 1000;

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
}

impl PaymentService {
    /// Issue a new code for `p` (revoking any earlier one) and send it to
    /// `msisdn`. The payment ends in `code_sent`; if no SMSC took the SMS it
    /// stays `identified` and the shopper may retry.
    pub(super) async fn send_code(
        &self,
        p: &Payment,
        msisdn: &str,
    ) -> Result<Payment, PaymentError> {
        let inner = &self.inner;
        let policy = &inner.policy;
        let now = self.now();
        let store = &inner.store;
        if store.code_sends_since(msisdn, now - TEN_MINUTES_MS).await? >= policy.per_number_10min()
            || store.code_sends_since(msisdn, now - HOUR_MS).await? >= policy.per_number_hour()
        {
            store
                .add_event(&p.id, now, "code_refused", "per-number limit reached")
                .await?;
            return Err(PaymentError::PhoneLimit);
        }
        if let Some(refused) = self.sim_swap_refusal(p, msisdn, now).await? {
            return Err(refused);
        }
        let code = policy.generate();
        let hmac = codes::bind(&inner.key, &p.id, &p.amount, &p.merchant_id, &code);
        let ttl = i64::try_from(policy.ttl().as_millis()).unwrap_or(i64::MAX);
        let record = store
            .issue_code(NewCode {
                payment_id: p.id.clone(),
                hmac,
                msisdn: msisdn.to_owned(),
                issued_at: now,
                expires_at: now.saturating_add(ttl),
            })
            .await?;
        let merchant = store
            .merchant(&p.merchant_id)
            .await?
            .ok_or_else(|| PaymentError::Internal("payment of an unknown merchant".into()))?;
        let locale = self.locale_of(p).await?;
        let minutes = u32::try_from(policy.ttl().as_secs().div_ceil(60)).unwrap_or(u32::MAX);
        let text = sms::templates::code_sms(locale, &merchant.name, &code, &p.amount, minutes);
        drop(code);
        match inner
            .sms
            .send(msisdn, &text, p.id.as_str(), Some(policy.ttl()))
            .await
        {
            Ok(sent) => {
                let ids = sent.message_ids.join(",");
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

    /// Send a new code, to the same terminal or to another of the
    /// customer's (`terminal`: a terminal id), within the resend policy.
    pub async fn resend(
        &self,
        id: &crate::domain::PaymentId,
        terminal: Option<i64>,
    ) -> Result<Payment, PaymentError> {
        let p = self.payment(id).await?;
        let p = self.expire_if_due(p).await?;
        if !matches!(p.state, PaymentState::CodeSent | PaymentState::Identified) {
            return Err(PaymentError::WrongState(p.state));
        }
        let codes = self.inner.store.codes_for_payment(&p.id).await?;
        if let Some(last) = codes.last() {
            let resends = u32::try_from(codes.len() - 1).unwrap_or(u32::MAX);
            let since =
                Duration::from_millis(u64::try_from(self.now() - last.issued_at).unwrap_or(0));
            match self.inner.policy.resend_schedule().check(resends, since) {
                Ok(()) => {}
                Err(ResendDenied::Exhausted) => return Err(PaymentError::ResendLimit),
                Err(ResendDenied::Cooldown(wait)) => {
                    return Err(PaymentError::ResendTooSoon(wait.as_secs().max(1)));
                }
            }
        }
        let msisdn = self.pick_terminal(&p, terminal).await?;
        if p.msisdn.as_deref() != Some(msisdn.as_str()) {
            let u = PaymentUpdate {
                msisdn: Some(msisdn.clone()),
                ..PaymentUpdate::default()
            }
            .event("terminal_chosen", msisdn.clone());
            self.inner
                .store
                .update_payment(&p.id, u, self.now())
                .await?;
        }
        self.send_code(&p, &msisdn).await
    }

    /// The terminal to use: the one asked for (it must be the customer's),
    /// else the payment's current one, else the customer's first.
    pub(super) async fn pick_terminal(
        &self,
        p: &Payment,
        terminal: Option<i64>,
    ) -> Result<String, PaymentError> {
        let customer = p.customer_id.ok_or(PaymentError::WrongState(p.state))?;
        let terminals = self.inner.store.terminals(customer).await?;
        let chosen = match terminal {
            Some(t) => terminals.iter().find(|x| x.id == t),
            None => p
                .msisdn
                .as_deref()
                .and_then(|m| terminals.iter().find(|x| x.msisdn == m))
                .or_else(|| terminals.first()),
        };
        chosen
            .map(|t| t.msisdn.clone())
            .ok_or_else(|| PaymentError::Invalid("no such terminal for this customer".into()))
    }
}
