//! Confirmation from the handset (issue 8 part 1): a merchant terminal
//! starts a payment naming the customer ([`start`]); the gateway pushes an
//! SMS from its service number to the customer's registered phone naming
//! merchant, amount and a short [`reference`]; the customer answers with
//! an MO reply, `YES <ref> <PIN>` or `NO <ref>` ([`reply`]), which the MO
//! dispatcher (`crate::mo`) hands to [`PushService::answer`] ([`answer`]).
//! The PIN is checked with lockout (`customers::pin`); a right one settles
//! through the same bank step as the SMS-code checkout, and the merchant
//! gets the usual webhook. Every reply gets an answer SMS ([`texts`]).
//!
//! While the push waits the payment is `code_sent` with method
//! `handset_confirm`; its `expires_at` is the push's, so the background
//! expirer ends it when nobody answered.

mod answer;
pub mod reference;
pub mod reply;
mod start;
pub mod texts;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;

pub use start::{Started, TerminalPayment};

use super::{PaymentService, SentSms, SmsFailure};
use crate::sms;

/// `[push]`: handset confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawPushConfig")]
pub struct PushConfig {
    /// The number pushes come from and replies go to (digits).
    pub service_number: String,
    /// How long a push waits for the reply, seconds.
    pub ttl_s: u64,
    /// Wrong PINs in a row before the PIN locks.
    pub max_pin_failures: u32,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            service_number: "7000".into(),
            ttl_s: 120,
            max_pin_failures: 3,
        }
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawPushConfig {
    service_number: String,
    ttl_s: u64,
    max_pin_failures: u32,
}

impl Default for RawPushConfig {
    fn default() -> Self {
        let d = PushConfig::default();
        RawPushConfig {
            service_number: d.service_number,
            ttl_s: d.ttl_s,
            max_pin_failures: d.max_pin_failures,
        }
    }
}

impl TryFrom<RawPushConfig> for PushConfig {
    type Error = String;
    fn try_from(r: RawPushConfig) -> Result<Self, String> {
        let n = &r.service_number;
        if !(3..=15).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("service_number {n:?}: 3 to 15 digits"));
        }
        if !(30..=3600).contains(&r.ttl_s) {
            return Err(format!("ttl_s {}: 30 to 3600", r.ttl_s));
        }
        if !(1..=10).contains(&r.max_pin_failures) {
            return Err(format!("max_pin_failures {}: 1 to 10", r.max_pin_failures));
        }
        Ok(PushConfig {
            service_number: r.service_number,
            ttl_s: r.ttl_s,
            max_pin_failures: r.max_pin_failures,
        })
    }
}

impl PushConfig {
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.ttl_s)
    }
}

/// Sends a text from a service number the handset can reply to.
pub trait ServiceSms: Send + Sync {
    fn send_from<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        sender: &'a str,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>>;

    /// As `send_from`, given up by the SMSC (an EXPIRED receipt) when not
    /// delivered within `valid_for`: a push must not reach a phone after it
    /// can no longer be answered. Default: no validity period.
    fn send_from_within<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        sender: &'a str,
        valid_for: Duration,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        let _ = valid_for;
        self.send_from(msisdn, text, reference, sender)
    }
}

fn failure(e: sms::SendError) -> SmsFailure {
    match e {
        sms::SendError::AllSmscsDown => SmsFailure::Unavailable("all SMSCs down".into()),
        e => SmsFailure::Rejected(e.to_string()),
    }
}

impl ServiceSms for sms::SmsGateway {
    fn send_from<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        sender: &'a str,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            let number: wire::msisdn::Msisdn = msisdn
                .parse()
                .map_err(|e| SmsFailure::Rejected(format!("destination: {e}")))?;
            match sms::SmsGateway::send_from(self, &number, text, reference, sender).await {
                Ok(s) => Ok(SentSms {
                    smsc: s.smsc,
                    message_ids: s.message_ids,
                }),
                Err(e) => Err(failure(e)),
            }
        })
    }

    fn send_from_within<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        sender: &'a str,
        valid_for: Duration,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            let number: wire::msisdn::Msisdn = msisdn
                .parse()
                .map_err(|e| SmsFailure::Rejected(format!("destination: {e}")))?;
            let invalid = |e: String| SmsFailure::Rejected(e);
            let mut parts = sms::pdu::encode(text, self.next_reference()).map_err(invalid)?;
            parts.source = Some(sms::pdu::numeric_source(sender).map_err(invalid)?);
            sms::pdu::expire_after(&mut parts, valid_for).map_err(invalid)?;
            match self.send_parts(&number, &parts, reference).await {
                Ok(s) => Ok(SentSms {
                    smsc: s.smsc,
                    message_ids: s.message_ids,
                }),
                Err(e) => Err(failure(e)),
            }
        })
    }
}

/// Handset confirmation over the payment flow; cheap to clone.
#[derive(Clone)]
pub struct PushService {
    payments: PaymentService,
    sms: Arc<dyn ServiceSms>,
    config: Arc<PushConfig>,
}

impl std::fmt::Debug for PushService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushService")
            .field("config", &self.config)
            .finish()
    }
}

impl PushService {
    pub fn new(payments: PaymentService, sms: Arc<dyn ServiceSms>, config: PushConfig) -> Self {
        PushService {
            payments,
            sms,
            config: Arc::new(config),
        }
    }

    pub fn config(&self) -> &PushConfig {
        &self.config
    }

    pub fn payments(&self) -> &PaymentService {
        &self.payments
    }
}

#[cfg(test)]
mod tests;
