//! The end-of-day return: vouchers with money left that were bought at
//! least `keep_days` whole days before the run (0: all bought before it)
//! send the balance back to their source account, float account to
//! source, by a bank transfer whose key the store records before the money
//! moves (`Store::begin_voucher_return`), so a run cut short and run again
//! asks the bank with the same key and never returns twice. Payments the
//! bank refused after a restart get their voucher debit back first.
//! [`VoucherService::run_return_job`] runs it daily at `return_at`.

use std::time::Duration;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{VoucherError, VoucherService, texts};
use crate::bank::{BankError, BankOutcome, Transfer};
use crate::domain::{Money, PaymentId};

/// What one run did, per voucher.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReturnReport {
    pub returned: Vec<ReturnLine>,
    /// The bank declined (the balance is back on the voucher).
    pub declined: Vec<ReturnLine>,
    /// The bank could not be asked; the next run retries with the same key.
    pub pending: Vec<ReturnLine>,
    /// Payments whose voucher debit was given back.
    pub refunded_payments: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReturnLine {
    pub number: String,
    pub amount: String,
    pub account: String,
    /// The bank's reference, or why not.
    pub detail: String,
}

impl VoucherService {
    /// One return run at the current time.
    pub async fn return_unspent(&self) -> Result<ReturnReport, VoucherError> {
        let store = self.store();
        let mut report = ReturnReport::default();
        for id in store.voucher_refunds_due().await? {
            self.payments().settle_voucher(&id).await?;
            report.refunded_payments.push(id.to_string());
        }
        let cutoff = self.config().bought_before(self.now());
        for v in store.vouchers_due_for_return(cutoff).await? {
            let Some((v, minor)) = store
                .begin_voucher_return(&v.number, PaymentId::generate(), self.now())
                .await?
            else {
                continue;
            };
            let key = v
                .return_key
                .clone()
                .ok_or_else(|| VoucherError::Internal("returning without a key".into()))?;
            let amount = Money::new(minor, v.balance.currency);
            let mut line = ReturnLine {
                number: v.number.clone(),
                amount: amount.to_string(),
                account: v.source_account.clone(),
                detail: String::new(),
            };
            let transfer = Transfer {
                payment_id: key,
                from_account: v.float_account.clone(),
                to_account: v.source_account.clone(),
                amount,
            };
            match self.inner.bank.transfer(transfer).await {
                Ok(BankOutcome::Approved { reference }) => {
                    store
                        .finish_voucher_return(&v.number, &reference, self.now())
                        .await?;
                    tracing::info!(voucher = %v.number, amount = %amount, reference, "voucher balance returned");
                    let text = texts::returned(&v.number, &amount, &v.source_account);
                    self.notify(v.msisdn.as_deref(), &text, &v.number).await;
                    line.detail = reference;
                    report.returned.push(line);
                }
                Ok(BankOutcome::Declined { reason }) => {
                    store.abort_voucher_return(&v.number, self.now()).await?;
                    tracing::warn!(voucher = %v.number, %reason, "voucher return declined");
                    line.detail = reason.as_str().into();
                    report.declined.push(line);
                }
                Err(e) => {
                    let e: BankError = e;
                    tracing::warn!(voucher = %v.number, error = %e, "voucher return not decided");
                    line.detail = e.to_string();
                    report.pending.push(line);
                }
            }
        }
        Ok(report)
    }

    /// Runs [`Self::return_unspent`] every day at `[vouchers] return_at`
    /// (local time, `utc_offset`) until `cancel`.
    pub async fn run_return_job(self, cancel: CancellationToken) {
        loop {
            let now = self.now();
            let next = self.config().next_return_after(now);
            let wait = Duration::from_millis(u64::try_from(next - now).unwrap_or(0));
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(wait) => {}
            }
            match self.return_unspent().await {
                Ok(r) => tracing::info!(
                    returned = r.returned.len(),
                    declined = r.declined.len(),
                    pending = r.pending.len(),
                    "end-of-day voucher return"
                ),
                Err(e) => tracing::error!(error = %e, "end-of-day voucher return failed"),
            }
        }
    }
}
