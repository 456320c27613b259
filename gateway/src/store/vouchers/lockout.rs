//! The voucher's lockout counters and password: wrong passwords and wrong
//! backup passwords counted (and the lock applied) in one UPDATE each,
//! the unlocks, and a new password hash.

use rusqlite::params;

use super::{Voucher, load, not_found};
use crate::store::{Store, StoreError};

impl Store {
    /// Counts a wrong password (`backup` false) or backup password (true)
    /// in one UPDATE: the `max`-th wrong password locks an active voucher,
    /// the `max`-th wrong backup password leaves only an administrator.
    /// Returns the voucher after the change.
    pub async fn record_voucher_failure(
        &self,
        number: &str,
        backup: bool,
        max: u32,
        now: i64,
    ) -> Result<Voucher, StoreError> {
        let number = number.to_owned();
        self.write(move |tx| {
            let sql = if backup {
                "UPDATE vouchers SET backup_failures = backup_failures + 1, \
                 status = CASE WHEN backup_failures + 1 >= ?2 \
                   AND status IN ('active', 'locked') THEN 'admin_locked' ELSE status END, \
                 updated_at = ?3 WHERE number = ?1"
            } else {
                "UPDATE vouchers SET password_failures = password_failures + 1, \
                 status = CASE WHEN password_failures + 1 >= ?2 AND status = 'active' \
                   THEN 'locked' ELSE status END, \
                 updated_at = ?3 WHERE number = ?1"
            };
            tx.prepare_cached(sql)?
                .execute(params![number, i64::from(max), now])?;
            load(tx, &number)?.ok_or_else(|| not_found(&number))
        })
        .await
    }

    /// A right password: the wrong-password counter starts again.
    pub async fn record_voucher_success(&self, number: &str, now: i64) -> Result<(), StoreError> {
        let number = number.to_owned();
        self.write(move |tx| {
            tx.prepare_cached(
                "UPDATE vouchers SET password_failures = 0, updated_at = ?2 \
                 WHERE number = ?1 AND password_failures > 0",
            )?
            .execute(params![number, now])?;
            Ok(())
        })
        .await
    }

    /// A right backup password: a voucher locked by wrong passwords is
    /// active again with both counters reset. False if it was not `locked`.
    pub async fn unlock_voucher(&self, number: &str, now: i64) -> Result<bool, StoreError> {
        self.set_unlocked(number, "'locked'", now).await
    }

    /// An administrator's unlock, also of `admin_locked`.
    pub async fn admin_unlock_voucher(&self, number: &str, now: i64) -> Result<bool, StoreError> {
        self.set_unlocked(number, "'locked', 'admin_locked'", now)
            .await
    }

    async fn set_unlocked(
        &self,
        number: &str,
        from: &'static str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let number = number.to_owned();
        self.write(move |tx| {
            let sql = format!(
                "UPDATE vouchers SET status = 'active', password_failures = 0, \
                 backup_failures = 0, updated_at = ?2 WHERE number = ?1 AND status IN ({from})"
            );
            Ok(tx.prepare_cached(&sql)?.execute(params![number, now])? == 1)
        })
        .await
    }

    /// Replaces the payment password's hash (a password change).
    pub async fn set_voucher_password(
        &self,
        number: &str,
        hash: String,
        now: i64,
    ) -> Result<(), StoreError> {
        let number = number.to_owned();
        self.write(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE vouchers SET password_hash = ?2, password_failures = 0, \
                     updated_at = ?3 WHERE number = ?1",
                )?
                .execute(params![number, hash, now])?;
            if n == 1 {
                Ok(())
            } else {
                Err(not_found(&number))
            }
        })
        .await
    }
}
