//! Paying a checkout with a voucher: the payment must be open, the voucher
//! number and password right (counted like every check), then the store
//! debits the voucher and hands the payment over in one transaction (no
//! double spend), the bank moves the money from the float account to the
//! merchant, and the holder gets an SMS with the balance left. Refunds of
//! payments the bank did not approve are in `payments::voucher`.

use super::{VoucherError, VoucherService, texts};
use crate::domain::{PaymentId, PaymentState};
use crate::store::{Payment, SpendOutcome};

/// A voucher payment's outcome.
#[derive(Debug, Clone)]
pub struct Paid {
    pub payment: Payment,
    /// The voucher's balance after the payment (refunded if it failed).
    pub balance: crate::domain::Money,
    pub number: String,
}

impl VoucherService {
    pub async fn pay(
        &self,
        payment: &PaymentId,
        number: &str,
        password: &str,
    ) -> Result<Paid, VoucherError> {
        let payments = self.payments();
        let p = payments.open_for_voucher(payment).await?;
        let v = self.check_password(number, password).await?;
        let spent = self
            .store()
            .spend_voucher(&v.number, &p.id, self.now())
            .await?;
        match spent {
            SpendOutcome::Spent(_) => {}
            SpendOutcome::InsufficientBalance { balance } => {
                return Err(VoucherError::InsufficientBalance { balance });
            }
            SpendOutcome::CurrencyMismatch => return Err(VoucherError::CurrencyMismatch),
            SpendOutcome::NotActive => return Err(VoucherError::Refused),
            SpendOutcome::PaymentClosed(state) => {
                return Err(crate::payments::PaymentError::WrongState(state).into());
            }
        }
        let after = payments.settle_voucher(&p.id).await?;
        let v = self.store().voucher(&v.number).await?.unwrap_or(v);
        tracing::info!(payment = %p.id, voucher = %v.number, state = %after.state, "voucher payment");
        if after.state == PaymentState::Succeeded {
            let merchant = self
                .store()
                .merchant(&after.merchant_id)
                .await?
                .map(|m| m.name)
                .unwrap_or_default();
            let text = texts::paid(&v.number, &after.amount, &merchant, &v.balance);
            self.notify(v.msisdn.as_deref(), &text, &v.number).await;
        }
        Ok(Paid {
            payment: after,
            balance: v.balance,
            number: v.number,
        })
    }
}
