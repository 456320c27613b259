//! Turning a run of journaled ops into as little SQL as possible, applied in
//! one transaction. Under load most messages are submitted, delivered and
//! their receipt acknowledged within one apply batch: the message is then
//! inserted once, already in its final state, and its receipt, queued and
//! acknowledged in the same batch, never touches the receipts table.
//! Ops on messages and receipts from earlier batches run as SQL in order.
//!
//! Every op was validated by the journal front before it was journaled
//! (final states are final, ids unique, receipts known), so applying them
//! cannot fail for those reasons; the guards in the SQL stay as a backstop.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::journal::Op;
use super::{PendingReceipt, StoreError, sql_write};
use crate::message::{Message, MessageState};

/// Counter rows the journal keeps in SQLite beside `message_id`.
pub const RECEIPT_COUNTER: &str = "receipt_id";
pub const JOURNAL_COUNTER: &str = "journal_seq";

/// Ops gathered for one transaction.
#[derive(Default)]
pub struct Batch {
    /// Messages first inserted in this batch, with later ops folded in.
    new: Vec<Message>,
    index: HashMap<String, usize>,
    /// Ops on messages stored by earlier batches, in journal order.
    older: Vec<Op>,
    /// Receipts queued in this batch and not yet acknowledged.
    receipts: BTreeMap<i64, PendingReceipt>,
    /// Acknowledgements of receipts stored by earlier batches.
    acks: Vec<i64>,
    next_message_id: u64,
    last_receipt_id: i64,
    last_seq: u64,
    ops: usize,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.ops == 0
    }

    /// The highest sequence number added.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    pub fn add(&mut self, seq: u64, op: Op) {
        self.ops += 1;
        self.last_seq = self.last_seq.max(seq);
        match op {
            Op::Insert(messages) => {
                for m in messages {
                    self.index.insert(m.id.clone(), self.new.len());
                    self.new.push(m);
                }
            }
            Op::Update {
                id,
                update: u,
                receipt,
            } => {
                match self.index.get(&id) {
                    Some(&i) => {
                        let m = &mut self.new[i];
                        m.state = u.state;
                        m.done_at = u.done_at;
                        m.error_code = u.error_code;
                        m.attempts = u.attempts;
                        m.deliver_at = u.deliver_at;
                    }
                    None => self.older.push(Op::Update {
                        id,
                        update: u,
                        receipt: None,
                    }),
                }
                if let Some(r) = receipt {
                    self.add_receipt(r);
                }
            }
            Op::Replace { id, replacement: r } => match self.index.get(&id) {
                Some(&i) => {
                    let m = &mut self.new[i];
                    m.payload = r.payload;
                    m.data_coding = r.data_coding.unwrap_or(m.data_coding);
                    m.deliver_at = r.deliver_at.or(m.deliver_at);
                    m.expires_at = r.expires_at.unwrap_or(m.expires_at);
                    m.registered_delivery = r.registered_delivery;
                }
                None => self.older.push(Op::Replace { id, replacement: r }),
            },
            Op::Cancel { id, done_at } => match self.index.get(&id) {
                Some(&i) => {
                    self.new[i].state = MessageState::Deleted;
                    self.new[i].done_at = Some(done_at);
                }
                None => self.older.push(Op::Cancel { id, done_at }),
            },
            Op::Receipt(r) => self.add_receipt(r),
            Op::Ack(receipt_id) => {
                if self.receipts.remove(&receipt_id).is_none() {
                    self.acks.push(receipt_id);
                }
            }
            Op::IdBlock { first, n } => {
                self.next_message_id = self.next_message_id.max(first + n);
            }
        }
    }

    fn add_receipt(&mut self, r: PendingReceipt) {
        self.last_receipt_id = self.last_receipt_id.max(r.receipt_id);
        self.receipts.insert(r.receipt_id, r);
    }

    /// Writes the batch in one transaction, with the journal position it
    /// reaches, so a record is applied exactly once even across a crash.
    pub fn write(&self, conn: &mut Connection) -> Result<(), StoreError> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        sql_write::insert_messages(&tx, &self.new)?;
        for op in &self.older {
            let done = match op {
                Op::Update { id, update, .. } => sql_write::update(&tx, id, update),
                Op::Replace { id, replacement } => sql_write::replace(&tx, id, replacement),
                Op::Cancel { id, done_at } => sql_write::cancel(&tx, id, *done_at),
                _ => Ok(()),
            };
            tolerate(done)?;
        }
        for r in self.receipts.values() {
            sql_write::insert_receipt_with_id(&tx, r)?;
        }
        for &receipt_id in &self.acks {
            tolerate(sql_write::ack_receipt(&tx, receipt_id))?;
        }
        set_counters(&tx, self)?;
        tx.commit()?;
        Ok(())
    }
}

fn set_counters(tx: &Transaction<'_>, b: &Batch) -> Result<(), StoreError> {
    if b.next_message_id > 0 {
        sql_write::raise_counter(tx, "message_id", b.next_message_id as i64)?;
    }
    if b.last_receipt_id > 0 {
        sql_write::raise_counter(tx, RECEIPT_COUNTER, b.last_receipt_id)?;
    }
    sql_write::raise_counter(tx, JOURNAL_COUNTER, b.last_seq as i64)
}

/// The front validated the op, so a guard refusing it means SQLite and the
/// front disagree: worth a log line, not worth losing the batch over.
fn tolerate(result: Result<(), StoreError>) -> Result<(), StoreError> {
    match result {
        Err(e) if e.leaves_transaction_clean() => {
            tracing::warn!(error = %e, "journaled op refused while applying it");
            Ok(())
        }
        other => other,
    }
}
