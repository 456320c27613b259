//! What the journal front must know to answer a write before SQLite has it:
//! the state of every message that is not final (or whose final state is
//! not applied yet), the receipts waiting for an acknowledgement, and the
//! id counters. With it the front refuses exactly what SQLite's guards would
//! (a final message, an unknown id or receipt, a duplicate id) and assigns
//! receipt and message ids itself.
//!
//! A message leaves the map once its final state is in SQLite; from then on
//! a lookup on the front's own read-only connection answers for it. A
//! message in SQLite but not in the map is therefore final or unknown.

use std::collections::{HashMap, HashSet, VecDeque};

use rusqlite::Connection;

use super::coalesce::RECEIPT_COUNTER;
use super::journal::Op;
use super::{StoreError, sql_read};
use crate::message::MessageState;

/// A validated write's answer to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Done,
    /// The id of the receipt queued, if any.
    Receipt(Option<i64>),
    /// The first id of a reserved block.
    FirstId(u64),
}

pub struct Known {
    /// State, and the sequence number of the op that made it final (0 when
    /// not final).
    messages: HashMap<String, (MessageState, u64)>,
    /// Final messages in the order they became final, to forget once applied.
    finals: VecDeque<(u64, String)>,
    receipts: HashSet<i64>,
    next_message_id: u64,
    last_receipt_id: i64,
    /// Read-only connection for messages no longer in `messages`.
    lookup: Connection,
}

impl Known {
    /// Loads the front's view from a database with nothing left to replay.
    pub fn load(db: &Connection, lookup: Connection) -> Result<Known, StoreError> {
        let messages = sql_read::unfinished_states(db)?
            .into_iter()
            .map(|(id, state)| (id, (state, 0)))
            .collect();
        let receipts = sql_read::pending_receipt_ids(db)?.into_iter().collect();
        let next_message_id = sql_read::counter(db, "message_id")?.unwrap_or(1);
        let last_receipt_id = sql_read::counter(db, RECEIPT_COUNTER)?
            .unwrap_or(0)
            .max(sql_read::receipt_sequence(db)?);
        Ok(Known {
            messages,
            finals: VecDeque::new(),
            receipts,
            next_message_id: u64::try_from(next_message_id).unwrap_or(1),
            last_receipt_id,
            lookup,
        })
    }

    /// Validates `op`, journaled as `seq` if accepted: assigns the ids it
    /// needs, records its effect, and returns it ready to journal.
    pub fn check(&mut self, seq: u64, mut op: Op) -> Result<(Op, Answer), StoreError> {
        let answer = match &mut op {
            Op::Insert(messages) => {
                let mut fresh = HashSet::with_capacity(messages.len());
                for m in messages.iter() {
                    if self.messages.contains_key(&m.id)
                        || !fresh.insert(m.id.as_str())
                        || self.stored_state(&m.id)?.is_some()
                    {
                        return Err(StoreError::DuplicateId(m.id.clone()));
                    }
                }
                for m in messages.iter() {
                    self.note(seq, &m.id, m.state);
                }
                Answer::Done
            }
            Op::Update {
                id,
                update,
                receipt,
            } => {
                self.pending(id)?;
                self.note(seq, id, update.state);
                Answer::Receipt(receipt.as_mut().map(|r| self.assign(r)))
            }
            Op::Replace { id, .. } => {
                self.pending(id)?;
                Answer::Done
            }
            Op::Cancel { id, .. } => {
                self.pending(id)?;
                self.note(seq, id, MessageState::Deleted);
                Answer::Done
            }
            Op::Receipt(r) => Answer::Receipt(Some(self.assign(r))),
            Op::Ack(receipt_id) => {
                if !self.receipts.remove(receipt_id) {
                    return Err(StoreError::ReceiptNotFound(*receipt_id));
                }
                Answer::Done
            }
            Op::IdBlock { first, n } => {
                *first = self.next_message_id;
                self.next_message_id += *n;
                Answer::FirstId(*first)
            }
        };
        Ok((op, answer))
    }

    /// Forgets final messages whose final state SQLite now holds.
    pub fn forget_applied(&mut self, applied: u64) {
        while let Some((seq, _)) = self.finals.front()
            && *seq <= applied
        {
            let (seq, id) = self.finals.pop_front().expect("front exists");
            // A later op may have made it final again; keep it until then.
            if self.messages.get(&id).is_some_and(|&(_, at)| at == seq) {
                self.messages.remove(&id);
            }
        }
    }

    /// Ends the read snapshot the lookups share, so later lookups see what
    /// the applier committed since; call before `forget_applied`.
    pub fn end_batch(&mut self) {
        if !self.lookup.is_autocommit()
            && let Err(e) = self.lookup.execute_batch("COMMIT")
        {
            tracing::warn!(error = %e, "ending the front's read snapshot failed");
        }
    }

    /// The state SQLite holds for `id`. Lookups share one read transaction
    /// until the applier commits again: starting one per lookup (WAL locks)
    /// cost more than the lookup itself. Sound because entries leave
    /// `messages` only after `end_batch`, once their final state is committed.
    fn stored_state(&self, id: &str) -> Result<Option<MessageState>, StoreError> {
        if self.lookup.is_autocommit() {
            self.lookup.execute_batch("BEGIN")?;
        }
        sql_read::state_of(&self.lookup, id)
    }

    fn note(&mut self, seq: u64, id: &str, state: MessageState) {
        let final_seq = if state.is_final() { seq } else { 0 };
        if final_seq != 0 {
            self.finals.push_back((seq, id.to_owned()));
        }
        match self.messages.get_mut(id) {
            Some(entry) => *entry = (state, final_seq),
            None => {
                self.messages.insert(id.to_owned(), (state, final_seq));
            }
        }
    }

    fn assign(&mut self, r: &mut crate::store::PendingReceipt) -> i64 {
        self.last_receipt_id += 1;
        r.receipt_id = self.last_receipt_id;
        self.receipts.insert(r.receipt_id);
        r.receipt_id
    }

    /// Ok when `id` exists and is not final.
    fn pending(&self, id: &str) -> Result<(), StoreError> {
        let state = match self.messages.get(id) {
            Some(&(state, _)) => Some(state),
            None => self.stored_state(id)?,
        };
        match state {
            None => Err(StoreError::NotFound(id.to_owned())),
            Some(state) if state.is_final() => Err(StoreError::Final {
                id: id.to_owned(),
                state,
            }),
            Some(_) => Ok(()),
        }
    }
}
