//! Authorization codes, stored only as their HMAC: issuing (which revokes
//! the payment's earlier codes and logs the send for per-number limits),
//! the SMS message ids and delivery status, wrong-entry counting, and the
//! single-use consume. Attempt counting and consuming are single UPDATEs
//! with their conditions in the WHERE clause, so two concurrent entries
//! cannot both use one code or both get a third try.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::{count, parsed};
use super::{CodeRecord, DeliveryStatus, NewCode, Store, StoreError};
use crate::domain::PaymentId;

const COLUMNS: &str = "id, payment_id, hmac, msisdn, issued_at, expires_at, attempts, used, \
     revoked, delivery, delivery_at";

fn code(row: &Row<'_>) -> rusqlite::Result<CodeRecord> {
    let hmac: Vec<u8> = row.get(2)?;
    let hmac: [u8; 32] = hmac.try_into().map_err(|_| {
        super::error::corrupt(2, super::rows::BadValue("hmac is not 32 bytes".into()))
    })?;
    Ok(CodeRecord {
        id: row.get(0)?,
        payment_id: parsed(row, 1)?,
        hmac,
        msisdn: row.get(3)?,
        issued_at: row.get(4)?,
        expires_at: row.get(5)?,
        attempts: count(row, 6)?,
        used: row.get(7)?,
        revoked: row.get(8)?,
        delivery: parsed(row, 9)?,
        delivery_at: row.get(10)?,
        message_ids: Vec::new(),
    })
}

fn with_messages(conn: &Connection, mut c: CodeRecord) -> Result<CodeRecord, StoreError> {
    // WITHOUT ROWID table: segments come back in key order.
    let sql =
        "SELECT smsc, message_id FROM code_messages WHERE code_id = ?1 ORDER BY smsc, message_id";
    let mut stmt = conn.prepare_cached(sql)?;
    c.message_ids = stmt
        .query_map([c.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(c)
}

fn get(conn: &Connection, id: i64) -> Result<CodeRecord, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM codes WHERE id = ?1");
    let c = conn
        .prepare_cached(&sql)?
        .query_row([id], code)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "code",
            id: id.to_string(),
        })?;
    with_messages(conn, c)
}

/// Revokes the payment's earlier unused codes, inserts `c` and logs the
/// send (with the client address) for the per-number and per-prefix limits.
pub(super) fn insert_code(tx: &Connection, c: &NewCode) -> Result<CodeRecord, StoreError> {
    tx.prepare_cached(
        "UPDATE codes SET revoked = 1 WHERE payment_id = ?1 AND used = 0 AND revoked = 0",
    )?
    .execute([c.payment_id.as_str()])?;
    tx.prepare_cached(
        "INSERT INTO codes (payment_id, hmac, msisdn, issued_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        c.payment_id.as_str(),
        &c.hmac[..],
        c.msisdn,
        c.issued_at,
        c.expires_at
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO code_sends (msisdn, at, ip) VALUES (?1, ?2, ?3)")?
        .execute(params![c.msisdn, c.issued_at, c.ip])?;
    get(tx, id)
}

impl Store {
    /// Stores a new code for a payment, revoking its earlier unused codes
    /// and logging a send to `msisdn` at `issued_at`, in one transaction.
    pub async fn issue_code(&self, c: NewCode) -> Result<CodeRecord, StoreError> {
        self.write(move |tx| insert_code(tx, &c)).await
    }

    pub async fn code(&self, id: i64) -> Result<Option<CodeRecord>, StoreError> {
        self.read(move |conn| match get(conn, id) {
            Err(StoreError::NotFound { .. }) => Ok(None),
            other => other.map(Some),
        })
        .await
    }

    /// Every code issued for a payment, oldest first (resends = len - 1).
    pub async fn codes_for_payment(
        &self,
        payment: &PaymentId,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        let payment = payment.clone();
        self.read(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM codes WHERE payment_id = ?1 ORDER BY id");
            let mut stmt = conn.prepare_cached(&sql)?;
            let codes: Vec<CodeRecord> = stmt
                .query_map([payment.as_str()], code)?
                .collect::<Result<_, _>>()?;
            codes.into_iter().map(|c| with_messages(conn, c)).collect()
        })
        .await
    }

    /// The newest code of a payment, whatever its state.
    pub async fn latest_code(&self, payment: &PaymentId) -> Result<Option<CodeRecord>, StoreError> {
        Ok(self.codes_for_payment(payment).await?.pop())
    }

    /// An SMSC accepted the SMS: remember its message ids (one per segment)
    /// for receipts, and mark the code sent.
    pub async fn code_sent(
        &self,
        id: i64,
        smsc: &str,
        message_ids: Vec<String>,
        at: i64,
    ) -> Result<(), StoreError> {
        let smsc = smsc.to_owned();
        self.write(move |tx| {
            let mut ins = tx.prepare_cached("INSERT INTO code_messages (smsc, message_id, code_id) VALUES (?1, ?2, ?3)")?;
            for m in &message_ids {
                ins.execute(params![smsc, m, id])?;
            }
            let sql = "UPDATE codes SET delivery = 'sent', delivery_at = ?2 WHERE id = ?1 AND delivery = 'pending'";
            tx.prepare_cached(sql)?.execute(params![id, at])?;
            Ok(())
        })
        .await
    }

    /// Sets a code's delivery status directly (e.g. `Failed` when no SMSC
    /// took it).
    pub async fn set_code_delivery(
        &self,
        id: i64,
        status: DeliveryStatus,
        at: i64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE codes SET delivery = ?2, delivery_at = ?3 WHERE id = ?1";
            match tx
                .prepare_cached(sql)?
                .execute(params![id, status.as_str(), at])?
            {
                0 => Err(StoreError::NotFound {
                    what: "code",
                    id: id.to_string(),
                }),
                _ => Ok(()),
            }
        })
        .await
    }

    /// A delivery receipt for (smsc, message_id): updates the code's status
    /// (a delivered segment wins over a failed one) and returns the code,
    /// or `None` when no code sent that message.
    pub async fn code_receipt(
        &self,
        smsc: &str,
        message_id: &str,
        status: DeliveryStatus,
        at: i64,
    ) -> Result<Option<CodeRecord>, StoreError> {
        let (smsc, message_id) = (smsc.to_owned(), message_id.to_owned());
        self.write(move |tx| {
            let sql = "SELECT code_id FROM code_messages WHERE smsc = ?1 AND message_id = ?2";
            let Some(id) = tx.prepare_cached(sql)?.query_row(params![smsc, message_id], |r| r.get::<_, i64>(0)).optional()? else {
                return Ok(None);
            };
            let sql = "UPDATE codes SET delivery = ?2, delivery_at = ?3 WHERE id = ?1 AND delivery <> 'delivered'";
            tx.prepare_cached(sql)?.execute(params![id, status.as_str(), at])?;
            get(tx, id).map(Some)
        })
        .await
    }

    /// Counts a wrong entry; the `max`-th revokes the code. Returns the
    /// code as it is now.
    pub async fn record_code_attempt(&self, id: i64, max: u32) -> Result<CodeRecord, StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE codes SET attempts = attempts + 1,
                   revoked = CASE WHEN attempts + 1 >= ?2 THEN 1 ELSE revoked END
                 WHERE id = ?1 AND used = 0 AND revoked = 0";
            tx.prepare_cached(sql)?.execute(params![id, max])?;
            get(tx, id)
        })
        .await
    }

    /// Uses a code once: true only for the one call that finds it unused,
    /// not revoked and not expired at `now`.
    pub async fn consume_code(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        self.write(move |tx| {
            let sql = "UPDATE codes SET used = 1
                 WHERE id = ?1 AND used = 0 AND revoked = 0 AND expires_at > ?2";
            Ok(tx.prepare_cached(sql)?.execute(params![id, now])? == 1)
        })
        .await
    }

    /// Revokes every unused code of a payment (cancelled, expired).
    pub async fn revoke_codes(&self, payment: &PaymentId) -> Result<(), StoreError> {
        let payment = payment.clone();
        self.write(move |tx| {
            let sql = "UPDATE codes SET revoked = 1 WHERE payment_id = ?1 AND used = 0";
            tx.prepare_cached(sql)?.execute([payment.as_str()])?;
            Ok(())
        })
        .await
    }

    /// Codes sent to `msisdn` at or after `since` (per-number limits).
    pub async fn code_sends_since(&self, msisdn: &str, since: i64) -> Result<u32, StoreError> {
        let msisdn = msisdn.to_owned();
        self.read(move |conn| {
            let sql = "SELECT COUNT(*) FROM code_sends WHERE msisdn = ?1 AND at >= ?2";
            let n: i64 = conn
                .prepare_cached(sql)?
                .query_row(params![msisdn, since], |r| r.get(0))?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
        .await
    }
}
