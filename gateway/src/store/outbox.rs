//! The webhook outbox: webhooks are queued in the transaction that makes a
//! payment final, then the webhook worker takes due rows, and marks each
//! delivered, rescheduled or given up. Rows stay after delivery as a
//! record (`webhooks_for_payment`). Survives restarts: it is a table.

use rusqlite::{Connection, Row, params};

use super::rows::{count, parsed};
use super::{NewWebhook, Store, StoreError, WebhookJob, WebhookRecord};
use crate::domain::PaymentId;

pub(super) fn insert_webhook(
    conn: &Connection,
    w: &NewWebhook,
    now: i64,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO webhook_outbox (merchant_id, payment_id, url, body, next_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        w.merchant_id.as_str(),
        w.payment_id.as_str(),
        w.url,
        w.body,
        w.next_at,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

fn job(row: &Row<'_>) -> rusqlite::Result<WebhookJob> {
    Ok(WebhookJob {
        id: row.get(0)?,
        merchant_id: parsed(row, 1)?,
        payment_id: parsed(row, 2)?,
        url: row.get(3)?,
        body: row.get(4)?,
        secret: row.get(5)?,
        attempts: count(row, 6)?,
        next_at: row.get(7)?,
    })
}

fn record(row: &Row<'_>) -> rusqlite::Result<WebhookRecord> {
    Ok(WebhookRecord {
        id: row.get(0)?,
        payment_id: parsed(row, 1)?,
        url: row.get(2)?,
        body: row.get(3)?,
        attempts: count(row, 4)?,
        next_at: row.get(5)?,
        status: parsed(row, 6)?,
        delivered_at: row.get(7)?,
        created_at: row.get(8)?,
    })
}

impl Store {
    /// Queues a webhook on its own (final states queue theirs through
    /// [`super::PaymentUpdate::webhook`]). Returns its outbox id.
    pub async fn enqueue_webhook(&self, w: NewWebhook, now: i64) -> Result<i64, StoreError> {
        self.write(move |tx| insert_webhook(tx, &w, now)).await
    }

    /// Up to `limit` pending webhooks with `next_at <= now`, earliest first
    /// (ties by id, so the order they were queued), each with its
    /// merchant's current secret.
    pub async fn webhook_due(&self, now: i64, limit: usize) -> Result<Vec<WebhookJob>, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT o.id, o.merchant_id, o.payment_id, o.url, o.body, m.webhook_secret,
                   o.attempts, o.next_at
                 FROM webhook_outbox o JOIN merchants m ON m.id = o.merchant_id
                 WHERE o.status = 'pending' AND o.next_at <= ?1
                 ORDER BY o.next_at, o.id LIMIT ?2";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map(params![now, limit as i64], job)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// The merchant answered 2xx; the payment's timeline says `notified`.
    pub async fn webhook_delivered(&self, id: i64, at: i64) -> Result<(), StoreError> {
        self.set_webhook(
            id,
            "UPDATE webhook_outbox SET status = 'delivered', delivered_at = ?2,
             attempts = attempts + 1 WHERE id = ?1 AND status = 'pending'",
            vec![at],
            Some(("notified", at)),
        )
        .await
    }

    /// An attempt failed: `attempts` made so far, next try at `next_at`.
    pub async fn webhook_retry(
        &self,
        id: i64,
        attempts: u32,
        next_at: i64,
    ) -> Result<(), StoreError> {
        self.set_webhook(
            id,
            "UPDATE webhook_outbox SET attempts = ?2, next_at = ?3
             WHERE id = ?1 AND status = 'pending'",
            vec![i64::from(attempts), next_at],
            None,
        )
        .await
    }

    /// No more attempts: the row stays, marked failed, and the payment's
    /// timeline says `notify_failed`.
    pub async fn webhook_give_up(&self, id: i64, at: i64) -> Result<(), StoreError> {
        self.set_webhook(
            id,
            "UPDATE webhook_outbox SET status = 'failed', attempts = attempts + 1
             WHERE id = ?1 AND status = 'pending'",
            vec![],
            Some(("notify_failed", at)),
        )
        .await
    }

    /// Changes a pending row, writing `event` (name, time) on its payment's
    /// timeline in the same transaction; a row that is not pending (or
    /// missing) is `NotFound`, so a worker learns another one already
    /// finished it.
    async fn set_webhook(
        &self,
        id: i64,
        sql: &'static str,
        args: Vec<i64>,
        event: Option<(&'static str, i64)>,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let mut all = vec![id];
            all.extend(args);
            if tx
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(all))?
                == 0
            {
                return Err(StoreError::NotFound {
                    what: "pending webhook",
                    id: id.to_string(),
                });
            }
            if let Some((name, at)) = event {
                tx.prepare_cached(
                    "INSERT INTO timeline (payment_id, at, event, detail)
                     SELECT payment_id, ?2, ?3,
                            'webhook ' || id || ' to ' || url || ' after ' || attempts
                            || CASE attempts WHEN 1 THEN ' attempt' ELSE ' attempts' END
                     FROM webhook_outbox WHERE id = ?1",
                )?
                .execute(params![id, at, name])?;
            }
            Ok(())
        })
        .await
    }

    /// Every webhook queued for a payment, oldest first.
    pub async fn webhooks_for_payment(
        &self,
        payment: &PaymentId,
    ) -> Result<Vec<WebhookRecord>, StoreError> {
        let payment = payment.clone();
        self.read(move |conn| {
            let sql = "SELECT id, payment_id, url, body, attempts, next_at, status, delivered_at,
                   created_at FROM webhook_outbox WHERE payment_id = ?1 ORDER BY id";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([payment.as_str()], record)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}
