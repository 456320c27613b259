//! Paying with a voucher, in one transaction: the payment must still be
//! open and not already settling another way; the voucher must be active,
//! in the payment's currency, with balance for the amount. Then the debit
//! (`balance_minor >= amount` in the UPDATE, a CHECK below zero), the
//! ledger row (one payment per payment id), and the payment taken over:
//! `code_sent` with method `voucher`, the float account as the account to
//! debit, any live SMS code revoked, a timeline event. After the commit
//! the payment counts as settling (the money left the voucher), so cancel
//! and expiry cannot overtake the bank step. A settlement the bank refused
//! gives the money back (`refund_voucher_payment`, once per payment).

use rusqlite::{OptionalExtension, params};

use super::super::listing::SETTLING;
use super::super::log::insert_event;
use super::{Voucher, insert_tx, load, not_found};
use crate::domain::{Money, PaymentId, PaymentState};
use crate::store::{Store, StoreError};

/// What [`Store::spend_voucher`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpendOutcome {
    /// Debited; the voucher after the debit.
    Spent(Box<Voucher>),
    /// The balance is below the amount; nothing changed.
    InsufficientBalance { balance: Money },
    /// The voucher is in another currency than the payment.
    CurrencyMismatch,
    /// Not active (locked, returned, ...).
    NotActive,
    /// The payment is final, or its money is already moving another way.
    PaymentClosed(PaymentState),
}

impl Store {
    /// Debits `number` by the payment's amount and hands the payment to
    /// the voucher settlement, atomically (see the module text).
    pub async fn spend_voucher(
        &self,
        number: &str,
        payment: &PaymentId,
        now: i64,
    ) -> Result<SpendOutcome, StoreError> {
        let (number, payment) = (number.to_owned(), payment.clone());
        self.write(move |tx| {
            let sql = format!(
                "SELECT state, amount_minor, currency, {SETTLING} FROM payments WHERE id = ?1"
            );
            let row = tx
                .prepare_cached(&sql)?
                .query_row([payment.as_str()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                    ))
                })
                .optional()?;
            let Some((state, amount, currency, settling)) = row else {
                return Err(StoreError::NotFound {
                    what: "payment",
                    id: payment.to_string(),
                });
            };
            let state: PaymentState = state
                .parse()
                .map_err(|e: crate::domain::DomainError| StoreError::Corrupt(e.to_string()))?;
            if state.is_final() || settling {
                return Ok(SpendOutcome::PaymentClosed(state));
            }
            let v = load(tx, &number)?.ok_or_else(|| not_found(&number))?;
            if v.status != super::VoucherStatus::Active {
                return Ok(SpendOutcome::NotActive);
            }
            if v.balance.currency.code() != currency {
                return Ok(SpendOutcome::CurrencyMismatch);
            }
            let debited = tx
                .prepare_cached(
                    "UPDATE vouchers SET balance_minor = balance_minor - ?2, updated_at = ?3 \
                     WHERE number = ?1 AND status = 'active' AND balance_minor >= ?2",
                )?
                .execute(params![number, amount, now])?;
            if debited != 1 {
                return Ok(SpendOutcome::InsufficientBalance { balance: v.balance });
            }
            let after = v.balance.minor - amount;
            insert_tx(
                tx,
                &number,
                "payment",
                amount,
                after,
                Some(&payment),
                None,
                now,
            )?;
            tx.prepare_cached("UPDATE codes SET revoked = 1 WHERE payment_id = ?1 AND used = 0")?
                .execute([payment.as_str()])?;
            tx.prepare_cached(
                "UPDATE payments SET state = 'code_sent', method = 'voucher', bank_account = ?2, \
                 updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![payment.as_str(), v.float_account, now])?;
            let detail = format!("voucher {number} debited, balance left {after} minor units");
            insert_event(tx, &payment, now, "voucher_debited", &detail)?;
            Ok(SpendOutcome::Spent(Box::new(
                load(tx, &number)?.ok_or_else(|| not_found(&number))?,
            )))
        })
        .await
    }

    /// Gives a payment's debit back to its voucher when the bank did not
    /// settle it; once per payment (None if there is nothing to give back).
    pub async fn refund_voucher_payment(
        &self,
        payment: &PaymentId,
        now: i64,
    ) -> Result<Option<Voucher>, StoreError> {
        let payment = payment.clone();
        self.write(move |tx| {
            let sql = "SELECT p.number, p.amount_minor FROM voucher_transactions p \
                       WHERE p.payment_id = ?1 AND p.kind = 'payment' AND NOT EXISTS \
                       (SELECT 1 FROM voucher_transactions r WHERE r.payment_id = ?1 \
                        AND r.kind = 'refund')";
            let found = tx
                .prepare_cached(sql)?
                .query_row([payment.as_str()], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?;
            let Some((number, amount)) = found else {
                return Ok(None);
            };
            // A voucher returned meanwhile takes the money back too; the
            // next end-of-day run returns it.
            tx.prepare_cached(
                "UPDATE vouchers SET balance_minor = balance_minor + ?2, updated_at = ?3, \
                 status = CASE status WHEN 'returned' THEN 'active' ELSE status END, \
                 return_key = CASE status WHEN 'returned' THEN NULL ELSE return_key END \
                 WHERE number = ?1",
            )?
            .execute(params![number, amount, now])?;
            let v = load(tx, &number)?.ok_or_else(|| not_found(&number))?;
            insert_tx(
                tx,
                &number,
                "refund",
                amount,
                v.balance.minor,
                Some(&payment),
                None,
                now,
            )?;
            Ok(Some(v))
        })
        .await
    }

    /// Payments debited from a voucher that ended without the bank's
    /// approval and were not refunded yet (after a restart, say).
    pub async fn voucher_refunds_due(&self) -> Result<Vec<PaymentId>, StoreError> {
        self.read(|conn| {
            let sql = "SELECT t.payment_id FROM voucher_transactions t \
                       JOIN payments p ON p.id = t.payment_id \
                       WHERE t.kind = 'payment' \
                         AND p.state IN ('declined', 'failed', 'cancelled', 'expired') \
                         AND NOT EXISTS (SELECT 1 FROM voucher_transactions r \
                             WHERE r.payment_id = t.payment_id AND r.kind = 'refund')";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for id in rows {
                out.push(
                    id?.parse().map_err(|e: crate::domain::DomainError| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                );
            }
            Ok(out)
        })
        .await
    }
}
