//! What guards the code SMS: send limits checked in the same transaction
//! that issues the code ([`Store::issue_code_limited`]), so concurrent
//! checkouts cannot slip past a full window; the counts behind the SMS
//! pumping view (code sends in a window grouped by number prefix and by
//! client address, [`Store::code_send_stats`]); and the checkout session
//! a sign-in on the pages binds a payment to ([`Store::bind_checkout_session`]).
//!
//! A prefix is the first N digits of the MSISDN. Numbers are digits only,
//! so "starts with P" is the index range `P <= msisdn < P || ':'` (':'
//! follows '9' in ASCII).

use rusqlite::{Connection, OptionalExtension, params};

use super::codes::insert_code;
use super::{CodeRecord, NewCode, Store, StoreError};
use crate::domain::PaymentId;

/// Which numbers a send window counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendScope {
    /// Sends to this very number.
    Number,
    /// Sends to any number sharing its first `digits` digits.
    Prefix { digits: u8 },
}

/// At most `max` code sends per `per_ms` within `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendWindow {
    pub scope: SendScope,
    pub max: u32,
    pub per_ms: i64,
}

/// A send a window refused, and when the window frees a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendRefused {
    pub scope: SendScope,
    pub retry_after_ms: i64,
}

/// Code sends in a window, by prefix and by client address, busiest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendStats {
    pub total: u32,
    pub by_prefix: Vec<(String, u32)>,
    pub by_ip: Vec<(String, u32)>,
}

/// The first `digits` characters of `msisdn` (all of it when shorter).
pub fn prefix_of(msisdn: &str, digits: u8) -> &str {
    let end = msisdn
        .char_indices()
        .nth(usize::from(digits))
        .map_or(msisdn.len(), |(i, _)| i);
    &msisdn[..end]
}

/// Sends to `msisdn`'s scope after `since` (a send exactly one window old
/// has left it), oldest first.
fn sends_in(
    conn: &Connection,
    msisdn: &str,
    scope: SendScope,
    since: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows = match scope {
        SendScope::Number => {
            let sql = "SELECT at FROM code_sends WHERE msisdn = ?1 AND at > ?2 ORDER BY at";
            let mut stmt = conn.prepare_cached(sql)?;
            stmt.query_map(params![msisdn, since], |r| r.get(0))?
                .collect::<Result<Vec<i64>, _>>()?
        }
        SendScope::Prefix { digits } => {
            let lo = prefix_of(msisdn, digits);
            let hi = format!("{lo}:");
            let sql = "SELECT at FROM code_sends
                 WHERE msisdn >= ?1 AND msisdn < ?2 AND at > ?3 ORDER BY at";
            let mut stmt = conn.prepare_cached(sql)?;
            stmt.query_map(params![lo, hi, since], |r| r.get(0))?
                .collect::<Result<Vec<i64>, _>>()?
        }
    };
    Ok(rows)
}

/// Whether a send to `msisdn` at `now` would overflow a window of
/// `limits`, with the longest wait among those it would.
fn refusal(
    conn: &Connection,
    msisdn: &str,
    now: i64,
    limits: &[SendWindow],
) -> Result<Option<SendRefused>, StoreError> {
    let mut worst: Option<SendRefused> = None;
    for w in limits {
        let sends = sends_in(conn, msisdn, w.scope, now.saturating_sub(w.per_ms))?;
        let max = usize::try_from(w.max).unwrap_or(usize::MAX);
        if sends.len() < max {
            continue;
        }
        // A slot frees when the send that fills the window (counting from
        // the newest) leaves it.
        let filler = sends[sends.len() - max];
        let wait = (filler + w.per_ms - now).max(1);
        if worst.is_none_or(|r| wait > r.retry_after_ms) {
            worst = Some(SendRefused {
                scope: w.scope,
                retry_after_ms: wait,
            });
        }
    }
    Ok(worst)
}

fn grouped(conn: &Connection, sql: &str, since: i64) -> Result<Vec<(String, u32)>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([since], |r| {
            let n: i64 = r.get(1)?;
            Ok((r.get(0)?, u32::try_from(n).unwrap_or(u32::MAX)))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

impl Store {
    /// Like [`Store::issue_code`], but first checks `limits` against the
    /// send log in the same transaction; a full window stores nothing and
    /// answers `Ok(Err(refusal))`.
    pub async fn issue_code_limited(
        &self,
        c: NewCode,
        limits: Vec<SendWindow>,
    ) -> Result<Result<CodeRecord, SendRefused>, StoreError> {
        self.write(
            move |tx| match refusal(tx, &c.msisdn, c.issued_at, &limits)? {
                Some(r) => Ok(Err(r)),
                None => insert_code(tx, &c).map(Ok),
            },
        )
        .await
    }

    /// The refusal a send to `msisdn` at `now` would get, read without
    /// locking anything: a cheap early answer before work that costs (the
    /// operator's SIM check); [`Store::issue_code_limited`] decides.
    pub async fn send_refusal(
        &self,
        msisdn: &str,
        now: i64,
        limits: Vec<SendWindow>,
    ) -> Result<Option<SendRefused>, StoreError> {
        let msisdn = msisdn.to_owned();
        self.read(move |conn| refusal(conn, &msisdn, now, &limits))
            .await
    }

    /// Code sends at or after `since`: the total, the busiest prefixes of
    /// `prefix_digits` digits and the busiest client addresses (`limit`
    /// each; sends without an address are left out of `by_ip`).
    pub async fn code_send_stats(
        &self,
        since: i64,
        prefix_digits: u8,
        limit: usize,
    ) -> Result<SendStats, StoreError> {
        self.read(move |conn| {
            let total: i64 = conn
                .prepare_cached("SELECT COUNT(*) FROM code_sends WHERE at >= ?1")?
                .query_row([since], |r| r.get(0))?;
            let by_prefix = format!(
                "SELECT substr(msisdn, 1, {prefix_digits}) AS p, COUNT(*) AS n FROM code_sends
                 WHERE at >= ?1 GROUP BY p ORDER BY n DESC, p LIMIT {limit}"
            );
            let by_ip = format!(
                "SELECT ip, COUNT(*) AS n FROM code_sends WHERE at >= ?1 AND ip IS NOT NULL
                 GROUP BY ip ORDER BY n DESC, ip LIMIT {limit}"
            );
            Ok(SendStats {
                total: u32::try_from(total).unwrap_or(u32::MAX),
                by_prefix: grouped(conn, &by_prefix, since)?,
                by_ip: grouped(conn, &by_ip, since)?,
            })
        })
        .await
    }

    /// Binds `payment`'s code step to the session whose token hashes to
    /// `token_hash`, replacing any earlier session of it.
    pub async fn bind_checkout_session(
        &self,
        payment: &PaymentId,
        token_hash: [u8; 32],
        now: i64,
    ) -> Result<(), StoreError> {
        let payment = payment.clone();
        self.write(move |tx| {
            let sql = "INSERT INTO checkout_sessions (payment_id, token_hash, created_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (payment_id) DO UPDATE
                 SET token_hash = excluded.token_hash, created_at = excluded.created_at";
            tx.prepare_cached(sql)?
                .execute(params![payment.as_str(), &token_hash[..], now])?;
            Ok(())
        })
        .await
    }

    /// Ends `payment`'s checkout session, if any (a sign-in elsewhere).
    pub async fn clear_checkout_session(&self, payment: &PaymentId) -> Result<(), StoreError> {
        let payment = payment.clone();
        self.write(move |tx| {
            tx.prepare_cached("DELETE FROM checkout_sessions WHERE payment_id = ?1")?
                .execute([payment.as_str()])?;
            Ok(())
        })
        .await
    }

    /// The token hash of `payment`'s checkout session, if one is bound.
    pub async fn checkout_session(
        &self,
        payment: &PaymentId,
    ) -> Result<Option<[u8; 32]>, StoreError> {
        let payment = payment.clone();
        self.read(move |conn| {
            let sql = "SELECT token_hash FROM checkout_sessions WHERE payment_id = ?1";
            let hash: Option<Vec<u8>> = conn
                .prepare_cached(sql)?
                .query_row([payment.as_str()], |r| r.get(0))
                .optional()?;
            hash.map(|h| {
                <[u8; 32]>::try_from(h)
                    .map_err(|_| StoreError::Corrupt("session hash is not 32 bytes".into()))
            })
            .transpose()
        })
        .await
    }
}
