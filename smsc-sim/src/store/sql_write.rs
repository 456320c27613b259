//! The SQL of every write, run by the writer thread inside a batch
//! transaction. Statements are constants prepared through the connection's
//! cache, so a batch of inserts costs one bind and step per row and no SQL
//! text is built at run time. Changes to a message are guarded by "state is
//! not final" in the UPDATE itself, so the check and the write are atomic.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, ToSql, ffi, params};

use super::{MessageUpdate, PendingReceipt, Replacement, StoreError};
use crate::message::{Message, MessageState};

/// SQL condition true for the states that are not final (Scheduled, Enroute,
/// Accepted); checked against `MessageState::is_final` by a test.
macro_rules! not_final {
    () => {
        "state IN (0, 1, 6)"
    };
}
pub(super) use not_final;

const INSERT_MESSAGE: &str = "INSERT INTO messages (id, account, service_type, \
    src_ton, src_npi, src_addr, dst_ton, dst_npi, dst_addr, esm_class, protocol_id, \
    priority, registered_delivery, data_coding, payload, sar_ref, sar_total, sar_seq, \
    submitted_at, deliver_at, expires_at, state, done_at, error_code, attempts, origin, tp_mr, set_dpf) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
    ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)";

const UPDATE_MESSAGE: &str = concat!(
    "UPDATE messages SET state = ?2, done_at = ?3, error_code = ?4, attempts = ?5, ",
    "deliver_at = ?6 WHERE id = ?1 AND ",
    not_final!()
);

const REPLACE_MESSAGE: &str = concat!(
    "UPDATE messages SET payload = ?2, data_coding = COALESCE(?3, data_coding), ",
    "deliver_at = COALESCE(?4, deliver_at), expires_at = COALESCE(?5, expires_at), ",
    "registered_delivery = ?6 WHERE id = ?1 AND ",
    not_final!()
);

const CANCEL_MESSAGE: &str = concat!(
    "UPDATE messages SET state = 4, done_at = ?2 WHERE id = ?1 AND ",
    not_final!()
);

const INSERT_RECEIPT: &str = "INSERT INTO receipts \
    (account, message_id, state, error_code, intermediate, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

impl ToSql for MessageState {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.as_u8())))
    }
}

impl FromSql for MessageState {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let code = u8::column_result(value)?;
        MessageState::from_u8(code).ok_or(FromSqlError::OutOfRange(i64::from(code)))
    }
}

pub(super) fn insert_messages(conn: &Connection, messages: &[Message]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(INSERT_MESSAGE)?;
    for m in messages {
        let (sar_ref, sar_total, sar_seq) = match m.sar {
            Some((r, t, s)) => (Some(r), Some(t), Some(s)),
            None => (None, None, None),
        };
        let (origin, tp_mr) = m.origin.to_columns();
        stmt.execute(params![
            m.id,
            m.account,
            m.service_type,
            m.source.ton,
            m.source.npi,
            m.source.addr,
            m.dest.ton,
            m.dest.npi,
            m.dest.addr,
            m.esm_class,
            m.protocol_id,
            m.priority,
            m.registered_delivery,
            m.data_coding,
            m.payload,
            sar_ref,
            sar_total,
            sar_seq,
            m.submitted_at,
            m.deliver_at,
            m.expires_at,
            m.state,
            m.done_at,
            m.error_code,
            m.attempts,
            origin,
            tp_mr,
            m.set_dpf,
        ])
        .map_err(|err| match err.sqlite_error() {
            Some(e) if e.extended_code == ffi::SQLITE_CONSTRAINT_UNIQUE => {
                StoreError::DuplicateId(m.id.clone())
            }
            _ => err.into(),
        })?;
    }
    Ok(())
}

pub(super) fn update(conn: &Connection, id: &str, u: &MessageUpdate) -> Result<(), StoreError> {
    let changed = conn.prepare_cached(UPDATE_MESSAGE)?.execute(params![
        id,
        u.state,
        u.done_at,
        u.error_code,
        u.attempts,
        u.deliver_at
    ])?;
    changed_or_why_not(conn, id, changed)
}

pub(super) fn replace(conn: &Connection, id: &str, r: &Replacement) -> Result<(), StoreError> {
    let changed = conn.prepare_cached(REPLACE_MESSAGE)?.execute(params![
        id,
        r.payload,
        r.data_coding,
        r.deliver_at,
        r.expires_at,
        r.registered_delivery
    ])?;
    changed_or_why_not(conn, id, changed)
}

pub(super) fn cancel(conn: &Connection, id: &str, done_at: i64) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(CANCEL_MESSAGE)?
        .execute(params![id, done_at])?;
    changed_or_why_not(conn, id, changed)
}

pub(super) fn enqueue_receipt(conn: &Connection, r: &PendingReceipt) -> Result<i64, StoreError> {
    conn.prepare_cached(INSERT_RECEIPT)?.execute(params![
        r.account,
        r.message_id,
        r.state,
        r.error_code,
        r.intermediate,
        r.created_at
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn ack_receipt(conn: &Connection, receipt_id: i64) -> Result<(), StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM receipts WHERE receipt_id = ?1")?
        .execute([receipt_id])?;
    if deleted == 0 {
        return Err(StoreError::ReceiptNotFound(receipt_id));
    }
    Ok(())
}

/// Reserves `n` ids and returns the first; the counter row makes the
/// reservation survive restarts.
pub(super) fn next_id_block(conn: &Connection, n: u64) -> Result<u64, StoreError> {
    let first: u64 = conn
        .prepare_cached(
            "UPDATE counters SET value = value + ?1 WHERE name = 'message_id' \
             RETURNING value - ?1",
        )?
        .query_row([n], |row| row.get(0))?;
    Ok(first)
}

/// An UPDATE guarded by `not_final!` changed nothing: tell why.
fn changed_or_why_not(conn: &Connection, id: &str, changed: usize) -> Result<(), StoreError> {
    if changed > 0 {
        return Ok(());
    }
    let state: Option<MessageState> = conn
        .prepare_cached("SELECT state FROM messages WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    Err(match state {
        Some(state) => StoreError::Final {
            id: id.to_owned(),
            state,
        },
        None => StoreError::NotFound(id.to_owned()),
    })
}
