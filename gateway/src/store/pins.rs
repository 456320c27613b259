//! The customer's payment PIN (handset confirmation): its argon2id hash,
//! the wrong-PIN counter and the PIN lock, kept apart from the password's
//! so a locked PIN does not stop checkout with the password, nor the
//! reverse. Counting and locking happen in one UPDATE, as for passwords.

use rusqlite::{OptionalExtension, params};

use super::rows::count;
use super::{Store, StoreError};
use crate::domain::CustomerId;

/// A customer's PIN as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct PinRecord {
    /// PHC string; `None` when no PIN was ever set.
    pub hash: Option<String>,
    pub failures: u32,
    pub locked: bool,
}

impl std::fmt::Debug for PinRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinRecord")
            .field("set", &self.hash.is_some())
            .field("failures", &self.failures)
            .field("locked", &self.locked)
            .finish()
    }
}

/// The counter after a wrong PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinLockout {
    pub failures: u32,
    pub locked: bool,
}

fn not_found(id: CustomerId) -> StoreError {
    StoreError::NotFound {
        what: "customer",
        id: id.to_string(),
    }
}

impl Store {
    /// The customer's PIN; `None` for an unknown customer.
    pub async fn customer_pin(&self, id: CustomerId) -> Result<Option<PinRecord>, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT pin_hash, pin_failures, pin_locked FROM customers WHERE id = ?1";
            Ok(conn
                .prepare_cached(sql)?
                .query_row([id.0], |r| {
                    Ok(PinRecord {
                        hash: r.get(0)?,
                        failures: count(r, 1)?,
                        locked: r.get::<_, i64>(2)? != 0,
                    })
                })
                .optional()?)
        })
        .await
    }

    /// A new PIN hash: the counter starts again and the lock is lifted.
    pub async fn set_pin_hash(
        &self,
        id: CustomerId,
        hash: String,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET pin_hash = ?2, pin_failures = 0, pin_locked = 0,
                 updated_at = ?3 WHERE id = ?1";
            match tx.prepare_cached(sql)?.execute(params![id.0, hash, now])? {
                0 => Err(not_found(id)),
                _ => Ok(()),
            }
        })
        .await
    }

    /// Counts a wrong PIN; the `max`-th locks the PIN.
    pub async fn record_pin_failure(
        &self,
        id: CustomerId,
        max: u32,
        now: i64,
    ) -> Result<PinLockout, StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET pin_failures = pin_failures + 1, updated_at = ?2,
                 pin_locked = CASE WHEN pin_failures + 1 >= ?3 THEN 1 ELSE pin_locked END
                 WHERE id = ?1";
            if tx.prepare_cached(sql)?.execute(params![id.0, now, max])? == 0 {
                return Err(not_found(id));
            }
            let sql = "SELECT pin_failures, pin_locked FROM customers WHERE id = ?1";
            Ok(tx.prepare_cached(sql)?.query_row([id.0], |r| {
                Ok(PinLockout {
                    failures: count(r, 0)?,
                    locked: r.get::<_, i64>(1)? != 0,
                })
            })?)
        })
        .await
    }

    /// A right PIN: the counter starts again (a locked PIN stays locked).
    pub async fn record_pin_success(&self, id: CustomerId, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET pin_failures = 0, updated_at = ?2
                 WHERE id = ?1 AND pin_failures <> 0 AND pin_locked = 0";
            tx.prepare_cached(sql)?.execute(params![id.0, now])?;
            Ok(())
        })
        .await
    }

    /// Administrator unlock of the PIN: unlocked, counter cleared.
    pub async fn unlock_pin(&self, id: CustomerId, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE customers SET pin_failures = 0, pin_locked = 0, updated_at = ?2
                 WHERE id = ?1";
            match tx.prepare_cached(sql)?.execute(params![id.0, now])? {
                0 => Err(not_found(id)),
                _ => Ok(()),
            }
        })
        .await
    }
}
