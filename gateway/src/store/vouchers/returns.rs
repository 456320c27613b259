//! The end-of-day return in two steps, so a restart in the middle never
//! returns twice: [`Store::begin_voucher_return`] moves the unspent balance
//! out of the voucher and records the bank transfer's key in one
//! transaction (status `returning`) before any money moves; the caller
//! asks the bank with that key (the bank answers a repeated key with its
//! first outcome); then [`Store::finish_voucher_return`] records the
//! reference (status `returned`), or [`Store::abort_voucher_return`] puts
//! the balance back when the bank declined.

use rusqlite::{OptionalExtension, params};

use super::{COLUMNS, Voucher, insert_tx, load, not_found, voucher_row};
use crate::domain::PaymentId;
use crate::store::{Store, StoreError};

impl Store {
    /// Vouchers the return run handles at `now`: those with money left,
    /// not pending or returned, bought at or before `bought_before`, and
    /// every one already `returning` (a run cut short).
    pub async fn vouchers_due_for_return(
        &self,
        bought_before: i64,
    ) -> Result<Vec<Voucher>, StoreError> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM vouchers WHERE status = 'returning' \
                 OR (status IN ('active', 'locked', 'admin_locked') AND balance_minor > 0 \
                     AND created_at <= ?1) ORDER BY created_at, number"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([bought_before], voucher_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Step 1: takes the balance out and records `key`; returns the voucher
    /// with the key to use (an earlier run's key when already returning),
    /// or None when there is nothing to return.
    pub async fn begin_voucher_return(
        &self,
        number: &str,
        key: PaymentId,
        now: i64,
    ) -> Result<Option<(Voucher, i64)>, StoreError> {
        let number = number.to_owned();
        self.write(move |tx| {
            let v = load(tx, &number)?.ok_or_else(|| not_found(&number))?;
            if v.status == super::VoucherStatus::Returning {
                let minor: i64 = tx.query_row(
                    "SELECT return_minor FROM vouchers WHERE number = ?1",
                    [&number],
                    |r| r.get(0),
                )?;
                return Ok(Some((v, minor)));
            }
            let n = tx
                .prepare_cached(
                    "UPDATE vouchers SET status = 'returning', return_key = ?2, \
                     return_minor = balance_minor, balance_minor = 0, updated_at = ?3 \
                     WHERE number = ?1 AND balance_minor > 0 \
                       AND status IN ('active', 'locked', 'admin_locked')",
                )?
                .execute(params![number, key.as_str(), now])?;
            if n == 0 {
                return Ok(None);
            }
            let minor = v.balance.minor;
            let v = load(tx, &number)?.ok_or_else(|| not_found(&number))?;
            Ok(Some((v, minor)))
        })
        .await
    }

    /// Step 2, approved: `returned`, with the bank's reference and the
    /// ledger row.
    pub async fn finish_voucher_return(
        &self,
        number: &str,
        reference: &str,
        now: i64,
    ) -> Result<Voucher, StoreError> {
        let (number, reference) = (number.to_owned(), reference.to_owned());
        self.write(move |tx| {
            let minor: Option<i64> = tx
                .query_row(
                    "SELECT return_minor FROM vouchers WHERE number = ?1 AND status = 'returning'",
                    [&number],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let n = tx
                .prepare_cached(
                    "UPDATE vouchers SET status = 'returned', return_reference = ?2, \
                     updated_at = ?3 WHERE number = ?1 AND status = 'returning'",
                )?
                .execute(params![number, reference, now])?;
            if n == 1 {
                let minor = minor.unwrap_or(0);
                insert_tx(tx, &number, "return", minor, 0, None, Some(&reference), now)?;
            }
            load(tx, &number)?.ok_or_else(|| not_found(&number))
        })
        .await
    }

    /// Step 2, declined: the balance goes back on the voucher (active).
    pub async fn abort_voucher_return(&self, number: &str, now: i64) -> Result<(), StoreError> {
        let number = number.to_owned();
        self.write(move |tx| {
            tx.prepare_cached(
                "UPDATE vouchers SET status = 'active', balance_minor = return_minor, \
                 return_minor = NULL, return_key = NULL, updated_at = ?2 \
                 WHERE number = ?1 AND status = 'returning'",
            )?
            .execute(params![number, now])?;
            Ok(())
        })
        .await
    }
}
