//! Append-only records: each payment's timeline (created, identified, code
//! sent with message ids, receipt, code checked, bank result, notified) and
//! the administrators' audit log.

use rusqlite::{Connection, params};

use super::{AuditEntry, Store, StoreError, TimelineEvent};
use crate::domain::PaymentId;

pub(super) fn insert_event(
    conn: &Connection,
    payment: &PaymentId,
    at: i64,
    event: &str,
    detail: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO timeline (payment_id, at, event, detail) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![payment.as_str(), at, event, detail])?;
    Ok(())
}

impl Store {
    /// Appends an event to a payment's timeline. An unknown payment gives
    /// `MissingReference`.
    pub async fn add_event(
        &self,
        payment: &PaymentId,
        at: i64,
        event: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let (payment, event, detail) = (payment.clone(), event.to_owned(), detail.to_owned());
        self.write(move |tx| insert_event(tx, &payment, at, &event, &detail))
            .await
    }

    /// A payment's events in the order they were written.
    pub async fn timeline(&self, payment: &PaymentId) -> Result<Vec<TimelineEvent>, StoreError> {
        let payment = payment.clone();
        self.read(move |conn| {
            let sql = "SELECT at, event, detail FROM timeline WHERE payment_id = ?1 ORDER BY seq";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([payment.as_str()], |r| {
                Ok(TimelineEvent {
                    at: r.get(0)?,
                    event: r.get(1)?,
                    detail: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Records an administrator's action ("customers unlock", "merchants revoke").
    pub async fn audit(
        &self,
        at: i64,
        actor: &str,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let (actor, action, detail) = (actor.to_owned(), action.to_owned(), detail.to_owned());
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO admin_audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![at, actor, action, detail])?;
            Ok(())
        })
        .await
    }

    /// The latest `limit` audit entries, newest first.
    pub async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(move |conn| {
            let sql =
                "SELECT at, actor, action, detail FROM admin_audit ORDER BY seq DESC LIMIT ?1";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok(AuditEntry {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}
