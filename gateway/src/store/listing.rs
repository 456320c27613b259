//! Reading payments in bulk: the merchant's and admin's listing with
//! filters, the expiry sweep's work list, and a customer's spending for the
//! per-day limit.

use rusqlite::types::Value;
use rusqlite::{Connection, params};

use super::payments::{COLUMNS, payment};
use super::{DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, Payment, PaymentFilter, Store, StoreError};
use crate::domain::{Currency, CustomerId};

/// A payment whose code was used, or whose push the customer confirmed
/// with the right PIN: its money may be moving.
pub(super) const SETTLING: &str =
    "(EXISTS (SELECT 1 FROM codes c WHERE c.payment_id = payments.id AND c.used = 1)
      OR EXISTS (SELECT 1 FROM pushes h WHERE h.payment_id = payments.id
                 AND h.status = 'confirmed')
      OR EXISTS (SELECT 1 FROM voucher_transactions v WHERE v.payment_id = payments.id
                 AND v.kind = 'payment'))";

fn list(conn: &Connection, f: &PaymentFilter) -> Result<Vec<Payment>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM payments WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    let mut cond = |clause: &str, v: Value| {
        args.push(v);
        sql.push_str(&format!(" AND {clause} ?{}", args.len()));
    };
    if let Some(m) = &f.merchant_id {
        cond("merchant_id =", Value::Text(m.to_string()));
    }
    if let Some(s) = f.state {
        cond("state =", Value::Text(s.as_str().into()));
    }
    if let Some(c) = f.customer_id {
        cond("customer_id =", Value::Integer(c.0));
    }
    if let Some(o) = &f.order_id {
        cond("order_id =", Value::Text(o.clone()));
    }
    if let Some(t) = f.created_from {
        cond("created_at >=", Value::Integer(t));
    }
    if let Some(t) = f.created_to {
        cond("created_at <", Value::Integer(t));
    }
    let limit = match f.limit {
        0 => DEFAULT_LIST_LIMIT,
        n => n.min(MAX_LIST_LIMIT),
    };
    sql.push_str(&format!(
        " ORDER BY created_at DESC, id DESC LIMIT {limit} OFFSET {}",
        f.offset
    ));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), payment)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// Payments matching the filter, newest first.
    pub async fn list_payments(&self, filter: PaymentFilter) -> Result<Vec<Payment>, StoreError> {
        self.read(move |conn| list(conn, &filter)).await
    }

    /// Payments whose code was used but that have no outcome yet: the bank
    /// was being asked when the gateway stopped (or is being asked now).
    pub async fn payments_settling(&self, limit: usize) -> Result<Vec<Payment>, StoreError> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM payments
                 WHERE state = 'code_sent' AND {SETTLING}
                 ORDER BY updated_at, id LIMIT ?1"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![limit as i64], payment)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Payments not final whose `expires_at` has passed, oldest first;
    /// never one whose code was used, since the bank may have moved its
    /// money already (it settles instead).
    pub async fn payments_to_expire(
        &self,
        now: i64,
        limit: usize,
    ) -> Result<Vec<Payment>, StoreError> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM payments
                 WHERE state IN ('created', 'identified', 'code_sent') AND expires_at <= ?1
                   AND NOT {SETTLING}
                 ORDER BY expires_at, id LIMIT ?2"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![now, limit as i64], payment)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Minor units of `currency` the customer paid (succeeded payments)
    /// since `since`: the per-day limit's running total.
    pub async fn customer_spent_since(
        &self,
        customer: CustomerId,
        currency: Currency,
        since: i64,
    ) -> Result<i64, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT COALESCE(SUM(amount_minor), 0) FROM payments
                 WHERE customer_id = ?1 AND currency = ?2 AND state = 'succeeded'
                   AND updated_at >= ?3";
            Ok(conn
                .prepare_cached(sql)?
                .query_row(params![customer.0, currency.code(), since], |r| r.get(0))?)
        })
        .await
    }
}
