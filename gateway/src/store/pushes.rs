//! Pushes of handset confirmation: one row per payment pushed to a phone,
//! with the short reference the customer's reply names, the number it went
//! to, its expiry and how it was answered. A reference is unique per number
//! (the caller draws another on [`StoreError::Duplicate`]). Creating a push
//! also brings the payment's `expires_at` forward to the push's, so the
//! background expirer ends an unanswered payment when its push runs out.

use rusqlite::{OptionalExtension, Row, params};

use super::rows::parsed;
use super::types::text_enum;
use super::{Store, StoreError};
use crate::domain::{CustomerId, PaymentId};

/// Where a push stands; `pending` until the first reply that decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    Pending,
    Confirmed,
    Declined,
    /// Ended without the customer's consent (PIN locked, SMS not sent).
    Refused,
    Failed,
    /// The payment ended (expired, cancelled) before a reply decided it.
    Expired,
}
text_enum!(PushStatus { Pending = "pending", Confirmed = "confirmed", Declined = "declined", Refused = "refused", Failed = "failed", Expired = "expired" });

/// A push to record.
#[derive(Debug, Clone)]
pub struct NewPush {
    pub payment_id: PaymentId,
    pub reference: String,
    pub msisdn: String,
    pub customer_id: CustomerId,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PushRecord {
    pub payment_id: PaymentId,
    pub reference: String,
    pub msisdn: String,
    pub customer_id: CustomerId,
    pub status: PushStatus,
    pub created_at: i64,
    pub expires_at: i64,
    pub answered_at: Option<i64>,
}

const COLUMNS: &str =
    "payment_id, reference, msisdn, customer_id, status, created_at, expires_at, answered_at";

fn push(r: &Row<'_>) -> rusqlite::Result<PushRecord> {
    Ok(PushRecord {
        payment_id: parsed(r, 0)?,
        reference: r.get(1)?,
        msisdn: r.get(2)?,
        customer_id: CustomerId(r.get(3)?),
        status: parsed(r, 4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        answered_at: r.get(7)?,
    })
}

impl Store {
    /// Records a push and shortens its payment's life to the push's.
    pub async fn create_push(&self, new: NewPush, now: i64) -> Result<PushRecord, StoreError> {
        self.write(move |tx| {
            let sql = "INSERT INTO pushes (payment_id, reference, msisdn, customer_id,
                 created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
            tx.prepare_cached(sql)?.execute(params![
                new.payment_id.as_str(),
                new.reference,
                new.msisdn,
                new.customer_id.0,
                now,
                new.expires_at
            ])?;
            let sql = "UPDATE payments SET expires_at = MIN(expires_at, ?2) WHERE id = ?1";
            tx.prepare_cached(sql)?
                .execute(params![new.payment_id.as_str(), new.expires_at])?;
            let sql = format!("SELECT {COLUMNS} FROM pushes WHERE payment_id = ?1");
            Ok(tx
                .prepare_cached(&sql)?
                .query_row([new.payment_id.as_str()], push)?)
        })
        .await
    }

    /// The pushes to `msisdn` still waiting for a reply, oldest first.
    pub async fn pending_pushes(&self, msisdn: &str) -> Result<Vec<PushRecord>, StoreError> {
        let msisdn = msisdn.to_owned();
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM pushes WHERE msisdn = ?1 AND status = 'pending'
                 ORDER BY created_at, payment_id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([msisdn], push)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// The push to `msisdn` with this reference, whatever its status.
    pub async fn push_by_reference(
        &self,
        msisdn: &str,
        reference: &str,
    ) -> Result<Option<PushRecord>, StoreError> {
        let (msisdn, reference) = (msisdn.to_owned(), reference.to_owned());
        self.read(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM pushes WHERE msisdn = ?1 AND reference = ?2");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([msisdn, reference], push)
                .optional()?)
        })
        .await
    }

    /// The push of a payment, if it was pushed.
    pub async fn push_of(&self, id: &PaymentId) -> Result<Option<PushRecord>, StoreError> {
        let id = id.clone();
        self.read(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM pushes WHERE payment_id = ?1");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([id.as_str()], push)
                .optional()?)
        })
        .await
    }

    /// Moves a pending push to `status`; false when it was no longer
    /// pending (a concurrent or repeated reply got there first).
    pub async fn answer_push(
        &self,
        id: &PaymentId,
        status: PushStatus,
        now: i64,
    ) -> Result<bool, StoreError> {
        let id = id.clone();
        self.write(move |tx| {
            let sql = "UPDATE pushes SET status = ?2, answered_at = ?3
                 WHERE payment_id = ?1 AND status = 'pending'";
            Ok(tx
                .prepare_cached(sql)?
                .execute(params![id.as_str(), status.as_str(), now])?
                == 1)
        })
        .await
    }

    /// Whether `msisdn` is any customer's registered terminal.
    pub async fn is_registered_terminal(&self, msisdn: &str) -> Result<bool, StoreError> {
        let msisdn = msisdn.to_owned();
        self.read(move |conn| {
            let sql = "SELECT EXISTS (SELECT 1 FROM terminals WHERE msisdn = ?1)";
            Ok(conn
                .prepare_cached(sql)?
                .query_row([msisdn], |r| r.get(0))?)
        })
        .await
    }
}
