//! The SQL of every write, run by the applier thread inside a batch
//! transaction. Statements are prepared through the connection's cache from
//! constant text (the multi-row insert's text is built once per process), so
//! a batch of inserts costs binds and one step per 32 rows. Changes to a message are guarded by "state is
//! not final" in the UPDATE itself, so the check and the write are atomic.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Statement, ToSql, ffi, params};

use super::{MessageUpdate, PendingReceipt, Replacement, StoreError};
use crate::message::{Message, MessageState};

/// SQL condition true for the states that are not final (Scheduled, Enroute,
/// Accepted); checked against `MessageState::is_final` by a test. Written
/// without `IN (...)`: SQLite builds a temporary table for an IN list on
/// every execution, and the partial index `messages_unfinished` (whose
/// WHERE is this same text, so queries can use it) evaluates it per row.
macro_rules! not_final {
    () => {
        "(state <= 1 OR state = 6)"
    };
}
pub(super) use not_final;

const MESSAGE_COLUMNS: &str = "INSERT INTO messages (id, account, service_type, \
    src_ton, src_npi, src_addr, dst_ton, dst_npi, dst_addr, esm_class, protocol_id, \
    priority, registered_delivery, data_coding, payload, sar_ref, sar_total, sar_seq, \
    submitted_at, deliver_at, expires_at, state, done_at, error_code, attempts, origin, tp_mr, set_dpf) \
    VALUES ";
/// Values bound per message row.
const MESSAGE_PARAMS: usize = 28;
/// Rows per multi-row INSERT: one statement run per 32 rows measured far
/// cheaper than one per row (SQLite's per-statement setup and teardown
/// dominated), and 32 × 28 stays below SQLite's limit on parameters.
const ROWS_PER_INSERT: usize = 32;

/// `INSERT INTO messages (...) VALUES (?, ...), ...` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let row = format!("({})", vec!["?"; MESSAGE_PARAMS].join(", "));
    format!("{MESSAGE_COLUMNS}{}", vec![row; rows].join(", "))
}

static INSERT_ONE: LazyLock<String> = LazyLock::new(|| insert_sql(1));
static INSERT_MANY: LazyLock<String> = LazyLock::new(|| insert_sql(ROWS_PER_INSERT));

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
    (receipt_id, account, message_id, state, error_code, intermediate, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

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

/// Inserts messages, all or none (inside the caller's transaction). A
/// duplicate id fails with [`StoreError::DuplicateId`] naming it.
pub(super) fn insert_messages(conn: &Connection, messages: &[Message]) -> Result<(), StoreError> {
    let mut chunks = messages.chunks_exact(ROWS_PER_INSERT);
    for chunk in &mut chunks {
        let mut stmt = conn.prepare_cached(&INSERT_MANY)?;
        for (row, m) in chunk.iter().enumerate() {
            bind_message(&mut stmt, row * MESSAGE_PARAMS, m)?;
        }
        if let Err(err) = stmt.raw_execute() {
            // A failed statement undoes its own rows; find the culprit.
            return insert_one_by_one(conn, chunk).and(Err(err.into()));
        }
    }
    insert_one_by_one(conn, chunks.remainder())
}

fn insert_one_by_one(conn: &Connection, messages: &[Message]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&INSERT_ONE)?;
    for m in messages {
        bind_message(&mut stmt, 0, m)?;
        stmt.raw_execute().map_err(|err| match err.sqlite_error() {
            Some(e) if e.extended_code == ffi::SQLITE_CONSTRAINT_UNIQUE => {
                StoreError::DuplicateId(m.id.clone())
            }
            _ => err.into(),
        })?;
    }
    Ok(())
}

/// Binds one message's values at parameters `base + 1 ..= base + 28`.
fn bind_message(stmt: &mut Statement<'_>, base: usize, m: &Message) -> rusqlite::Result<()> {
    let (sar_ref, sar_total, sar_seq) = match m.sar {
        Some((r, t, s)) => (Some(r), Some(t), Some(s)),
        None => (None, None, None),
    };
    let (origin, tp_mr) = m.origin.to_columns();
    let values: [&dyn ToSql; MESSAGE_PARAMS] = [
        &m.id,
        &m.account,
        &m.service_type,
        &m.source.ton,
        &m.source.npi,
        &m.source.addr,
        &m.dest.ton,
        &m.dest.npi,
        &m.dest.addr,
        &m.esm_class,
        &m.protocol_id,
        &m.priority,
        &m.registered_delivery,
        &m.data_coding,
        &m.payload,
        &sar_ref,
        &sar_total,
        &sar_seq,
        &m.submitted_at,
        &m.deliver_at,
        &m.expires_at,
        &m.state,
        &m.done_at,
        &m.error_code,
        &m.attempts,
        &origin,
        &tp_mr,
        &m.set_dpf,
    ];
    for (i, value) in values.into_iter().enumerate() {
        stmt.raw_bind_parameter(base + i + 1, value)?;
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

pub(super) fn ack_receipt(conn: &Connection, receipt_id: i64) -> Result<(), StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM receipts WHERE receipt_id = ?1")?
        .execute([receipt_id])?;
    if deleted == 0 {
        return Err(StoreError::ReceiptNotFound(receipt_id));
    }
    Ok(())
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

/// Queues a receipt under the id the journal front already assigned.
pub(super) fn insert_receipt_with_id(
    conn: &Connection,
    r: &PendingReceipt,
) -> Result<(), StoreError> {
    conn.prepare_cached(INSERT_RECEIPT)?.execute(params![
        r.receipt_id,
        r.account,
        r.message_id,
        r.state,
        r.error_code,
        r.intermediate,
        r.created_at
    ])?;
    Ok(())
}

/// Raises counter `name` to at least `value` (counters never go back).
pub(super) fn raise_counter(conn: &Connection, name: &str, value: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO counters (name, value) VALUES (?1, ?2) \
         ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
    )?
    .execute(params![name, value])?;
    Ok(())
}
