//! Keys of dedicated terminals (issue 8 part 3): one 32-byte key per
//! terminal, with its key id (hex key check value) so admin views can name a
//! key without showing it. Keys are stored wrapped under the data
//! directory's `terminal-kek` ([`super::key_wrap`]); nothing here logs or
//! returns them except to the sealing path.

use rusqlite::{Connection, OptionalExtension, params};

use super::{KeyWrap, Store, StoreError};
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
        let wrapped = self.db.wrap.wrap(terminal_id, &key);
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO terminal_keys (terminal_id, key, key_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (terminal_id) DO UPDATE
                 SET key = excluded.key, key_id = excluded.key_id, created_at = excluded.created_at",
            )?
            .execute(params![terminal_id, wrapped, key_id, now])?;
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
        let stored = self
            .read(move |conn| {
                let sql = "SELECT k.terminal_id, k.key FROM terminal_keys k
                           JOIN terminals t ON t.id = k.terminal_id
                           WHERE t.customer_id = ?1 AND t.msisdn = ?2 ORDER BY t.id LIMIT 1";
                let row: Option<(i64, Vec<u8>)> = conn
                    .prepare_cached(sql)?
                    .query_row(params![customer.0, msisdn], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                Ok(row)
            })
            .await?;
        match stored {
            Some((terminal_id, blob)) => Ok(Some(self.db.wrap.unwrap(terminal_id, &blob)?)),
            None => Ok(None),
        }
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

/// Wraps every key still stored in clear (written before wrapping
/// existed); returns how many. Runs once as the store opens.
pub(super) fn wrap_legacy_keys(conn: &mut Connection, wrap: &KeyWrap) -> Result<usize, StoreError> {
    let tx = conn.transaction()?;
    let clear: Vec<(i64, Vec<u8>)> = tx
        .prepare("SELECT terminal_id, key FROM terminal_keys WHERE length(key) = ?1")?
        .query_map([TERMINAL_KEY_LEN as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (terminal_id, blob) in &clear {
        let key = wrap.unwrap(*terminal_id, blob)?;
        tx.execute(
            "UPDATE terminal_keys SET key = ?2 WHERE terminal_id = ?1",
            params![terminal_id, wrap.wrap(*terminal_id, &key)],
        )?;
    }
    tx.commit()?;
    Ok(clear.len())
}
