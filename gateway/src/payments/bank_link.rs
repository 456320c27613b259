//! Registration from the bank: the bank side opens or cancels the SMS
//! payment method for one of its accounts, and the gateway confirms it to
//! the holder by SMS.
//!
//! [`PaymentService::apply_bank_instruction`] parses nothing (the HTTP
//! layer hands a checked [`BankInstruction`]), applies it in the store (see
//! `store::bank_link`: idempotent by the bank's reference, audited), and,
//! unless it was a replay, sends the confirmation to the phone the bank
//! named, in the holder's language when the gateway knows the holder. The
//! SMS going out is reported but does not undo the instruction: the bank
//! has already decided, and a lost confirmation is told to the bank, which
//! can send the instruction again under a new reference.

use super::{PaymentError, PaymentService, mask_account};
use crate::sms::Locale;
use crate::store::{BankInstruction, BankOutcome, SmsMethodAction, StoreError};

/// The result the bank gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankInstructionResult {
    pub outcome: BankOutcome,
    /// The confirmation SMS was accepted by an SMSC (false for a replay).
    pub confirmation_sent: bool,
}

/// The confirmation text; it names the account by its last four
/// characters only, in words rather than the pages' "••••" (a bullet is not
/// GSM 7-bit and would make the English text UCS-2, two messages long).
pub fn confirmation_text(locale: Locale, action: SmsMethodAction, account: &str) -> String {
    let tail = mask_account(account).trim_start_matches('•').to_owned();
    match (locale, action) {
        (Locale::En, SmsMethodAction::Open) => format!(
            "Your bank turned on payment by SMS code for your account ending {tail}. \
             Not you? Call your bank now."
        ),
        (Locale::En, SmsMethodAction::Cancel) => format!(
            "Your bank turned off payment by SMS code for your account ending {tail}. \
             It can no longer pay online this way."
        ),
        (Locale::ZhCn, SmsMethodAction::Open) => {
            format!(
                "您的银行已为尾号{tail}的账户开通短信验证码支付。如非本人操作，请立即联系银行。"
            )
        }
        (Locale::ZhCn, SmsMethodAction::Cancel) => {
            format!("您的银行已为尾号{tail}的账户关闭短信验证码支付，不能再以此方式在线支付。")
        }
    }
}

impl PaymentService {
    /// Applies the bank's instruction and confirms it to the holder.
    pub async fn apply_bank_instruction(
        &self,
        i: BankInstruction,
    ) -> Result<BankInstructionResult, PaymentError> {
        let store = &self.inner.store;
        let outcome = match store.apply_bank_instruction(i.clone(), self.now()).await {
            Ok(o) => o,
            // The bank's reference is its idempotency key.
            Err(StoreError::Duplicate(_)) => return Err(PaymentError::KeyReused),
            Err(e) => return Err(e.into()),
        };
        if outcome.replayed {
            return Ok(BankInstructionResult {
                outcome,
                confirmation_sent: false,
            });
        }
        // The holder's language when exactly one customer holds the account.
        let locale = match outcome.customers.as_slice() {
            [one] => store.customer(*one).await?.map(|c| c.locale),
            _ => None,
        }
        .unwrap_or_else(|| self.inner.settings.default_locale.clone());
        let locale = Locale::parse(&locale).unwrap_or(Locale::En);
        let text = confirmation_text(locale, i.action, &i.account);
        let reference = format!("bank:{}", i.reference);
        let sent = self
            .inner
            .sms
            .send(&i.msisdn, &text, &reference, None)
            .await;
        if let Err(e) = &sent {
            tracing::warn!(reference = %i.reference, error = %e, "bank instruction applied; confirmation SMS not sent");
        }
        Ok(BankInstructionResult {
            outcome,
            confirmation_sent: sent.is_ok(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_fit_one_sms_and_show_only_the_last_digits() {
        for locale in [Locale::En, Locale::ZhCn] {
            for action in [SmsMethodAction::Open, SmsMethodAction::Cancel] {
                let t = confirmation_text(locale, action, "GB33SWBK00000000000101");
                assert!(crate::sms::templates::is_one_segment(&t), "{t}");
                assert!(t.contains("0101") && !t.contains("SWBK"), "{t}");
            }
        }
    }
}
