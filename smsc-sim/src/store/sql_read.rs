//! The SQL of every read, run on the read-only connection (WAL lets it read
//! while the writer commits). Rows map back to [`Message`] and
//! [`PendingReceipt`] here and nowhere else. Only the admin search builds its
//! SQL at run time, from at most sixteen shapes, each prepared once.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, ToSql};

use super::sql_write::not_final;
use super::{MessageFilter, PendingReceipt, StoreError};
use crate::message::{Address, Message, MessageState};

macro_rules! select_message {
    () => {
        "SELECT id, account, service_type, src_ton, src_npi, src_addr, dst_ton, dst_npi, \
         dst_addr, esm_class, protocol_id, priority, registered_delivery, data_coding, \
         payload, sar_ref, sar_total, sar_seq, submitted_at, deliver_at, expires_at, state, \
         done_at, error_code, attempts, origin, tp_mr, set_dpf FROM messages "
    };
}

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let sar = match (row.get(15)?, row.get(16)?, row.get(17)?) {
        (Some(r), Some(t), Some(s)) => Some((r, t, s)),
        _ => None,
    };
    Ok(Message {
        id: row.get(0)?,
        account: row.get(1)?,
        service_type: row.get(2)?,
        source: Address {
            ton: row.get(3)?,
            npi: row.get(4)?,
            addr: row.get(5)?,
        },
        dest: Address {
            ton: row.get(6)?,
            npi: row.get(7)?,
            addr: row.get(8)?,
        },
        esm_class: row.get(9)?,
        protocol_id: row.get(10)?,
        priority: row.get(11)?,
        registered_delivery: row.get(12)?,
        data_coding: row.get(13)?,
        payload: row.get(14)?,
        sar,
        submitted_at: row.get(18)?,
        deliver_at: row.get(19)?,
        expires_at: row.get(20)?,
        state: row.get(21)?,
        done_at: row.get(22)?,
        error_code: row.get(23)?,
        attempts: row.get(24)?,
        origin: crate::message::Origin::from_columns(row.get(25)?, row.get(26)?),
        set_dpf: row.get(27)?,
    })
}

pub(super) fn get(conn: &Connection, id: &str) -> Result<Option<Message>, StoreError> {
    let found = conn
        .prepare_cached(concat!(select_message!(), "WHERE id = ?1"))?
        .query_row([id], message_from_row)
        .optional()?;
    Ok(found)
}

pub(super) fn search(conn: &Connection, f: &MessageFilter) -> Result<Vec<Message>, StoreError> {
    let mut sql = String::from(concat!(select_message!(), "WHERE 1"));
    let mut args: Vec<&dyn ToSql> = Vec::with_capacity(6);
    if let Some(id) = &f.id {
        sql.push_str(" AND id = ?");
        args.push(id);
    }
    if let Some(number) = &f.number {
        sql.push_str(" AND (dst_addr = ? OR src_addr = ?)");
        args.extend([number as &dyn ToSql, number]);
    }
    if let Some(state) = &f.state {
        sql.push_str(" AND state = ?");
        args.push(state);
    }
    if let Some(account) = &f.account {
        sql.push_str(" AND account = ?");
        args.push(account);
    }
    sql.push_str(" ORDER BY seq DESC LIMIT ?");
    let limit = f.effective_limit() as i64;
    args.push(&limit);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(&*args, message_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Messages not yet in a final state, oldest first.
pub(super) fn unfinished(conn: &Connection) -> Result<Vec<Message>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        select_message!(),
        "WHERE ",
        not_final!(),
        " ORDER BY seq"
    ))?;
    let rows = stmt.query_map([], message_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn counts_by_state(
    conn: &Connection,
) -> Result<BTreeMap<MessageState, u64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT state, COUNT(*) FROM messages GROUP BY state")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The oldest receipts waiting for `account`, in the order they were queued.
pub(super) fn pending_receipts(
    conn: &Connection,
    account: &str,
    limit: usize,
) -> Result<Vec<PendingReceipt>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT receipt_id, account, message_id, state, error_code, intermediate, created_at \
         FROM receipts WHERE account = ?1 ORDER BY receipt_id LIMIT ?2",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map((account, limit), |row| {
        Ok(PendingReceipt {
            receipt_id: row.get(0)?,
            account: row.get(1)?,
            message_id: row.get(2)?,
            state: row.get(3)?,
            error_code: row.get(4)?,
            intermediate: row.get(5)?,
            created_at: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The stored state of one message, if it exists.
pub(super) fn state_of(conn: &Connection, id: &str) -> Result<Option<MessageState>, StoreError> {
    let found = conn
        .prepare_cached("SELECT state FROM messages WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    Ok(found)
}

/// A row of the counters table, if present.
pub(super) fn counter(conn: &Connection, name: &str) -> Result<Option<i64>, StoreError> {
    let found = conn
        .prepare_cached("SELECT value FROM counters WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?;
    Ok(found)
}

/// The highest receipt id SQLite's AUTOINCREMENT has handed out.
pub(super) fn receipt_sequence(conn: &Connection) -> Result<i64, StoreError> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'receipts'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    Ok(found.unwrap_or(0))
}

/// Id and state of every message not yet final.
pub(super) fn unfinished_states(
    conn: &Connection,
) -> Result<Vec<(String, MessageState)>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT id, state FROM messages WHERE ",
        not_final!()
    ))?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ids of every receipt still waiting for its acknowledgement.
pub(super) fn pending_receipt_ids(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT receipt_id FROM receipts")?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
