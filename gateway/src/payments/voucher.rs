//! The payment side of paying with a prepaid voucher (`crate::vouchers`):
//! whether a payment is still open for a voucher, and the settlement once
//! the store has debited the voucher and handed the payment over (state
//! `code_sent`, method `voucher`, the float account as the account to
//! debit): the same bank step as every mode, float account to merchant,
//! with the final state and its webhook written together. When the bank
//! does not approve, the voucher gets its money back.

use super::{PaymentError, PaymentService};
use crate::domain::{PaymentId, PaymentState};
use crate::store::Payment;

impl PaymentService {
    /// The payment if a voucher may still pay it (not final, not expired).
    pub async fn open_for_voucher(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        let p = self.expire_if_due(self.payment(id).await?).await?;
        if p.state.is_final() {
            return Err(PaymentError::WrongState(p.state));
        }
        Ok(p)
    }

    /// Settles a payment the voucher was debited for; gives the debit back
    /// to the voucher unless the bank approved.
    pub async fn settle_voucher(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        let p = self.payment(id).await?;
        let after = if p.state == PaymentState::CodeSent {
            self.settle(&p).await?
        } else {
            p
        };
        if after.state.is_final() && after.state != PaymentState::Succeeded {
            let refunded = self
                .inner
                .store
                .refund_voucher_payment(id, self.now())
                .await?;
            if let Some(v) = refunded {
                let detail = format!("voucher {} refunded", v.number);
                self.inner
                    .store
                    .add_event(id, self.now(), "voucher_refunded", &detail)
                    .await?;
            }
        }
        Ok(after)
    }
}
