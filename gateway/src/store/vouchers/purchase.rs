//! Buying a voucher, in the store: written `pending` under its bank key
//! before the bank is asked, then `active` with the whole amount and the
//! purchase in the ledger when the bank approved, or `refused`.

use rusqlite::params;

use super::{NewVoucher, Voucher, insert_tx, load, not_found};
use crate::store::{Store, StoreError};

impl Store {
    /// Writes a voucher in `pending` (balance 0). A number already taken is
    /// `Duplicate` (the caller draws another).
    pub async fn insert_voucher(&self, v: NewVoucher, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO vouchers (number, customer_id, source_account, float_account, \
                 currency, amount_minor, balance_minor, status, password_hash, backup_hash, \
                 msisdn, purchase_key, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 'pending', ?7, ?8, ?9, ?10, ?11, ?11)",
            )?
            .execute(params![
                v.number,
                v.customer_id.0,
                v.source_account,
                v.float_account,
                v.amount.currency.code(),
                v.amount.minor,
                v.password_hash,
                v.backup_hash,
                v.msisdn,
                v.purchase_key.as_str(),
                now
            ])?;
            Ok(())
        })
        .await
    }

    /// The bank approved the purchase: `pending` becomes `active` with the
    /// whole amount, and the ledger gets the purchase.
    pub async fn activate_voucher(
        &self,
        number: &str,
        reference: &str,
        now: i64,
    ) -> Result<Voucher, StoreError> {
        let (number, reference) = (number.to_owned(), reference.to_owned());
        self.write(move |tx| {
            let changed = tx
                .prepare_cached(
                    "UPDATE vouchers SET status = 'active', balance_minor = amount_minor, \
                     purchase_reference = ?2, updated_at = ?3 \
                     WHERE number = ?1 AND status = 'pending'",
                )?
                .execute(params![number, reference, now])?;
            let v = load(tx, &number)?.ok_or_else(|| not_found(&number))?;
            if changed == 1 {
                let (amount, balance) = (v.amount.minor, v.balance.minor);
                insert_tx(
                    tx,
                    &number,
                    "purchase",
                    amount,
                    balance,
                    None,
                    Some(&reference),
                    now,
                )?;
            }
            Ok(v)
        })
        .await
    }

    /// The bank declined the purchase (or could not be asked): nothing was
    /// bought.
    pub async fn refuse_voucher(
        &self,
        number: &str,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let (number, reason) = (number.to_owned(), reason.to_owned());
        self.write(move |tx| {
            tx.prepare_cached(
                "UPDATE vouchers SET status = 'refused', reason = ?2, updated_at = ?3 \
                 WHERE number = ?1 AND status = 'pending'",
            )?
            .execute(params![number, reason, now])?;
            Ok(())
        })
        .await
    }
}
