//! Lockout counters and the customer fields that change after
//! registration (status, password and backup hashes, limits). Counting and
//! locking happen in one UPDATE, so concurrent wrong passwords cannot each
//! see "2 failures" and all slip past the limit.

use rusqlite::{Transaction, params};

use super::rows::{count, money_cols, parsed};
use super::{CustomerStatus, Lockout, Store, StoreError};
use crate::domain::{CustomerId, Money};

/// Runs an UPDATE on one customer; no row means no such customer.
fn touch(
    tx: &Transaction<'_>,
    sql: &str,
    id: CustomerId,
    p: &[&dyn rusqlite::ToSql],
) -> Result<(), StoreError> {
    let mut all: Vec<&dyn rusqlite::ToSql> = vec![&id.0];
    all.extend_from_slice(p);
    match tx.prepare_cached(sql)?.execute(all.as_slice())? {
        0 => Err(StoreError::NotFound {
            what: "customer",
            id: id.to_string(),
        }),
        _ => Ok(()),
    }
}

fn lockout(tx: &Transaction<'_>, id: CustomerId, column: &str) -> Result<Lockout, StoreError> {
    let sql = format!("SELECT {column}, status FROM customers WHERE id = ?1");
    Ok(tx.prepare_cached(&sql)?.query_row([id.0], |r| {
        Ok(Lockout {
            failures: count(r, 0)?,
            status: parsed(r, 1)?,
        })
    })?)
}

impl Store {
    /// Counts a wrong password; the `max`-th locks an active customer.
    pub async fn record_login_failure(
        &self,
        id: CustomerId,
        max: u32,
        now: i64,
    ) -> Result<Lockout, StoreError> {
        self.write(move |tx| {
            let sql =
                "UPDATE customers SET password_failures = password_failures + 1, updated_at = ?2,
                 status = CASE WHEN status = 'active' AND password_failures + 1 >= ?3
                               THEN 'locked' ELSE status END
                 WHERE id = ?1";
            touch(tx, sql, id, &[&now, &max])?;
            lockout(tx, id, "password_failures")
        })
        .await
    }

    /// A correct password: the failure count starts again.
    pub async fn record_login_success(&self, id: CustomerId, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET password_failures = 0, updated_at = ?2
                 WHERE id = ?1 AND password_failures <> 0";
            // No row changed is fine: the count was already zero.
            tx.prepare_cached(sql)?.execute(params![id.0, now])?;
            Ok(())
        })
        .await
    }

    /// Counts a wrong backup code; the `max`-th needs an administrator.
    pub async fn record_backup_failure(
        &self,
        id: CustomerId,
        max: u32,
        now: i64,
    ) -> Result<Lockout, StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET backup_failures = backup_failures + 1, updated_at = ?2,
                 status = CASE WHEN status IN ('active', 'locked') AND backup_failures + 1 >= ?3
                               THEN 'admin_locked' ELSE status END
                 WHERE id = ?1";
            touch(tx, sql, id, &[&now, &max])?;
            lockout(tx, id, "backup_failures")
        })
        .await
    }

    /// The right backup code: unlocks a customer locked by wrong passwords
    /// (not an admin-locked or disabled one). Returns whether it unlocked.
    pub async fn unlock_with_backup(&self, id: CustomerId, now: i64) -> Result<bool, StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET status = 'active', password_failures = 0,
                 backup_failures = 0, updated_at = ?2 WHERE id = ?1 AND status = 'locked'";
            Ok(tx.prepare_cached(sql)?.execute(params![id.0, now])? == 1)
        })
        .await
    }

    /// Administrator unlock: active again, both counters cleared.
    pub async fn unlock_customer(&self, id: CustomerId, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET status = 'active', password_failures = 0,
                 backup_failures = 0, updated_at = ?2 WHERE id = ?1";
            touch(tx, sql, id, &[&now])
        })
        .await
    }

    pub async fn set_customer_status(
        &self,
        id: CustomerId,
        status: CustomerStatus,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET status = ?2, updated_at = ?3 WHERE id = ?1";
            touch(tx, sql, id, &[&status.as_str(), &now])
        })
        .await
    }

    /// A new password hash (new password, or a rehash with new parameters).
    pub async fn set_password_hash(
        &self,
        id: CustomerId,
        hash: String,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET password_hash = ?2, updated_at = ?3 WHERE id = ?1";
            touch(tx, sql, id, &[&hash, &now])
        })
        .await
    }

    pub async fn set_backup_hash(
        &self,
        id: CustomerId,
        hash: String,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET backup_hash = ?2, updated_at = ?3 WHERE id = ?1";
            touch(tx, sql, id, &[&hash, &now])
        })
        .await
    }

    /// Per-payment and per-day limits (`None` = no limit).
    pub async fn set_limits(
        &self,
        id: CustomerId,
        per_payment: Option<Money>,
        per_day: Option<Money>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let (pm, pc) = money_cols(per_payment.as_ref());
            let (dm, dc) = money_cols(per_day.as_ref());
            let sql = "UPDATE customers SET limit_payment_minor = ?2, limit_payment_ccy = ?3,
                 limit_day_minor = ?4, limit_day_ccy = ?5, updated_at = ?6 WHERE id = ?1";
            touch(tx, sql, id, &[&pm, &pc, &dm, &dc, &now])
        })
        .await
    }
}
