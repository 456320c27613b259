//! The in-process backend for `--memory` load tests: the same operations and
//! the same rules as the SQLite backend (final states are final, ids are
//! unique, an insert is all or nothing, receipt ids never repeat), kept in
//! maps behind one mutex and lost when the process exits.
//!
//! Messages live in a vector in acceptance order, indexed by id, so "newest
//! first" is a reverse walk. Nothing is ever evicted.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{MessageFilter, MessageUpdate, PendingReceipt, Replacement, StoreError};
use crate::message::{Message, MessageState};

pub(super) struct MemoryStore {
    tables: Mutex<Tables>,
    closed: AtomicBool,
}

struct Tables {
    messages: Vec<Message>,
    by_id: HashMap<String, usize>,
    receipts: BTreeMap<i64, PendingReceipt>,
    last_receipt_id: i64,
    next_message_id: u64,
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore {
            tables: Mutex::new(Tables {
                messages: Vec::new(),
                by_id: HashMap::new(),
                receipts: BTreeMap::new(),
                last_receipt_id: 0,
                // Same first id as the SQLite counter.
                next_message_id: 1,
            }),
            closed: AtomicBool::new(false),
        }
    }

    fn tables(&self) -> Result<MutexGuard<'_, Tables>, StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::WriterGone);
        }
        // Every operation checks before it mutates, so a panic mid-way
        // cannot leave the tables half-changed.
        Ok(self.tables.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    pub fn insert(&self, messages: Vec<Message>) -> Result<(), StoreError> {
        let mut t = self.tables()?;
        let first = t.messages.len();
        for m in messages {
            if t.by_id.contains_key(&m.id) {
                // All or nothing, like the SQLite transaction.
                let added: Vec<Message> = t.messages.drain(first..).collect();
                for old in &added {
                    t.by_id.remove(&old.id);
                }
                return Err(StoreError::DuplicateId(m.id));
            }
            let index = t.messages.len();
            t.by_id.insert(m.id.clone(), index);
            t.messages.push(m);
        }
        Ok(())
    }

    pub fn update(&self, id: &str, u: MessageUpdate) -> Result<(), StoreError> {
        self.tables()?.update(id, u)
    }

    pub fn replace(&self, id: &str, r: Replacement) -> Result<(), StoreError> {
        let mut t = self.tables()?;
        let m = t.pending_mut(id)?;
        m.payload = r.payload;
        m.data_coding = r.data_coding.unwrap_or(m.data_coding);
        m.deliver_at = r.deliver_at.or(m.deliver_at);
        m.expires_at = r.expires_at.unwrap_or(m.expires_at);
        m.registered_delivery = r.registered_delivery;
        Ok(())
    }

    pub fn cancel(&self, id: &str, done_at: i64) -> Result<(), StoreError> {
        let mut t = self.tables()?;
        let m = t.pending_mut(id)?;
        m.state = MessageState::Deleted;
        m.done_at = Some(done_at);
        Ok(())
    }

    pub fn finish(
        &self,
        id: &str,
        u: MessageUpdate,
        receipt: Option<PendingReceipt>,
    ) -> Result<Option<i64>, StoreError> {
        // One lock for both, so a refused update queues no receipt.
        let mut t = self.tables()?;
        t.update(id, u)?;
        Ok(receipt.map(|r| t.enqueue_receipt(r)))
    }

    pub fn enqueue_receipt(&self, receipt: PendingReceipt) -> Result<i64, StoreError> {
        Ok(self.tables()?.enqueue_receipt(receipt))
    }

    pub fn ack_receipt(&self, receipt_id: i64) -> Result<(), StoreError> {
        let mut t = self.tables()?;
        t.receipts
            .remove(&receipt_id)
            .map(drop)
            .ok_or(StoreError::ReceiptNotFound(receipt_id))
    }

    pub fn next_id_block(&self, n: u64) -> Result<u64, StoreError> {
        let mut t = self.tables()?;
        let first = t.next_message_id;
        t.next_message_id += n;
        Ok(first)
    }

    pub fn get(&self, id: &str) -> Result<Option<Message>, StoreError> {
        let t = self.tables()?;
        Ok(t.by_id.get(id).map(|&i| t.messages[i].clone()))
    }

    pub fn search(&self, f: &MessageFilter) -> Result<Vec<Message>, StoreError> {
        let t = self.tables()?;
        let matches = |m: &&Message| {
            f.id.as_ref().is_none_or(|id| *id == m.id)
                && f.number
                    .as_ref()
                    .is_none_or(|n| *n == m.dest.addr || *n == m.source.addr)
                && f.state.is_none_or(|s| s == m.state)
                && f.account.as_ref().is_none_or(|a| *a == m.account)
        };
        let found = t.messages.iter().rev().filter(matches);
        Ok(found.take(f.effective_limit()).cloned().collect())
    }

    pub fn unfinished(&self) -> Result<Vec<Message>, StoreError> {
        let t = self.tables()?;
        Ok(t.messages
            .iter()
            .filter(|m| !m.state.is_final())
            .cloned()
            .collect())
    }

    pub fn counts_by_state(&self) -> Result<BTreeMap<MessageState, u64>, StoreError> {
        let t = self.tables()?;
        let mut counts = BTreeMap::new();
        for m in &t.messages {
            *counts.entry(m.state).or_insert(0) += 1;
        }
        Ok(counts)
    }

    pub fn pending_receipts(
        &self,
        account: &str,
        limit: usize,
    ) -> Result<Vec<PendingReceipt>, StoreError> {
        let t = self.tables()?;
        let waiting = t.receipts.values().filter(|r| r.account == account);
        Ok(waiting.take(limit).cloned().collect())
    }
}

impl Tables {
    fn update(&mut self, id: &str, u: MessageUpdate) -> Result<(), StoreError> {
        let m = self.pending_mut(id)?;
        m.state = u.state;
        m.done_at = u.done_at;
        m.error_code = u.error_code;
        m.attempts = u.attempts;
        m.deliver_at = u.deliver_at;
        Ok(())
    }

    fn enqueue_receipt(&mut self, mut receipt: PendingReceipt) -> i64 {
        self.last_receipt_id += 1;
        receipt.receipt_id = self.last_receipt_id;
        self.receipts.insert(receipt.receipt_id, receipt);
        self.last_receipt_id
    }

    /// The message, if it exists and is not final (the same rule the SQLite
    /// backend applies in its UPDATE statements).
    fn pending_mut(&mut self, id: &str) -> Result<&mut Message, StoreError> {
        let index = *self
            .by_id
            .get(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        let m = &mut self.messages[index];
        if m.state.is_final() {
            return Err(StoreError::Final {
                id: id.to_owned(),
                state: m.state,
            });
        }
        Ok(m)
    }
}
