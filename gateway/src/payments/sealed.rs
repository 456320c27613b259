//! Codes for dedicated terminals (issue 8 part 3): when the terminal a code
//! goes to has a key ([`crate::customers::ProvisionedKey`]), the code, amount,
//! payee and expiry are sealed for that terminal ([`wire::sealed`]) and sent
//! as an 8-bit port-addressed SMS ([`crate::sms::sealed`]) instead of the
//! clear text. Neither the key nor the plaintext is ever logged.

use futures::future::BoxFuture;
use wire::sealed::{self, CodeMessage};

use super::{PaymentError, PaymentService, SentSms, SmsFailure};
use crate::domain::AuthCode;
use crate::sms;
use crate::store::Payment;

impl PaymentService {
    /// The sealed message for `msisdn` when it is a dedicated terminal of
    /// the payment's customer; `None` sends the code in clear.
    pub(super) async fn sealed_code(
        &self,
        p: &Payment,
        msisdn: &str,
        payee: &str,
        code: &AuthCode,
        expires_at_ms: i64,
    ) -> Result<Option<Vec<u8>>, PaymentError> {
        let Some(customer) = p.customer_id else {
            return Ok(None);
        };
        let key = self
            .inner
            .customers
            .terminal_key(customer, msisdn)
            .await
            .map_err(|e| PaymentError::Internal(e.to_string()))?;
        let Some(key) = key else {
            return Ok(None);
        };
        let recipient: wire::msisdn::Msisdn = msisdn
            .parse()
            .map_err(|e| PaymentError::Internal(format!("terminal number: {e}")))?;
        let message = CodeMessage {
            code: code.expose().to_owned(),
            amount: p.amount.to_string(),
            payee: payee.to_owned(),
            expires_at: expires_at_ms.div_euclid(1000),
        };
        let plain = zeroize::Zeroizing::new(
            message
                .encode()
                .map_err(|e| PaymentError::Internal(format!("sealed code: {e}")))?,
        );
        let sealed = sealed::seal(&key, &recipient, &plain)
            .map_err(|e| PaymentError::Internal(format!("sealed code: {e}")))?;
        Ok(Some(sealed))
    }
}

/// [`super::SmsSender::send_sealed`] for the SMPP gateway.
pub(super) fn send_sealed<'a>(
    gateway: &'a sms::SmsGateway,
    msisdn: &'a str,
    sealed: &'a [u8],
    reference: &'a str,
    valid_for: Option<std::time::Duration>,
) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
    Box::pin(async move {
        let number: wire::msisdn::Msisdn = msisdn
            .parse()
            .map_err(|e| SmsFailure::Rejected(format!("destination: {e}")))?;
        let mut parts = sms::sealed::sealed_parts(sealed).map_err(SmsFailure::Rejected)?;
        if let Some(period) = valid_for {
            sms::pdu::expire_after(&mut parts, period).map_err(SmsFailure::Rejected)?;
        }
        match gateway.send_parts(&number, &parts, reference).await {
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
