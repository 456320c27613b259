//! Keys of dedicated terminals (issue 8 part 3): one 32-byte key per
//! terminal, with its key id (hex key check value) so admin views can name a
//! key without showing it. Keys are stored as given: the database file is
//! the gateway's secret store like the code key beside it (owner-only data
//! directory); nothing here logs or returns them except to the sealing path.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::CustomerId;

/// Octets of a terminal key.
pub const TERMINAL_KEY_LEN: usize = 32;

impl Store {
    /// Sets (or replaces) the key of terminal `terminal_id`.
    pub async fn set_terminal_key(
        &self,
        terminal_id: i64,
        key: [u8; TERMINAL_KEY_LEN],
        key_id: String,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO terminal_keys (terminal_id, key, key_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (terminal_id) DO UPDATE
                 SET key = excluded.key, key_id = excluded.key_id, created_at = excluded.created_at",
            )?
            .execute(params![terminal_id, key.as_slice(), key_id, now])?;
            Ok(())
        })
        .await
    }

    /// The key of `customer`'s terminal `msisdn`, if it has one.
    pub async fn terminal_key(
        &self,
        customer: CustomerId,
        msisdn: String,
    ) -> Result<Option<[u8; TERMINAL_KEY_LEN]>, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT k.key FROM terminal_keys k JOIN terminals t ON t.id = k.terminal_id
                       WHERE t.customer_id = ?1 AND t.msisdn = ?2 ORDER BY t.id LIMIT 1";
            let blob: Option<Vec<u8>> = conn
                .prepare_cached(sql)?
                .query_row(params![customer.0, msisdn], |r| r.get(0))
                .optional()?;
            Ok(blob.and_then(|b| b.try_into().ok()))
        })
        .await
    }

    /// (terminal id, key id) of every keyed terminal of `customer`.
    pub async fn terminal_key_ids(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT k.terminal_id, k.key_id FROM terminal_keys k
                       JOIN terminals t ON t.id = k.terminal_id WHERE t.customer_id = ?1 ORDER BY t.id";
            Ok(conn
                .prepare_cached(sql)?
                .query_map([customer.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?)
        })
        .await
    }
}
