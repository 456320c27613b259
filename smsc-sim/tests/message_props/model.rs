//! The model the store is checked against: messages in acceptance order,
//! the receipts outbox keyed by receipt id, and the id counter, with the
//! store's rules written out plainly (ids unique and a batch all or
//! nothing, final states final, a refused finish queues nothing, receipt
//! ids never reused).

use std::collections::BTreeMap;

use smsc_sim::message::{Message, MessageState};
use smsc_sim::store::{MessageUpdate, PendingReceipt, StoreError};

use super::ops::{ACCOUNTS, AckTarget, IDS, Op, message};

/// A store answer reduced to what the property compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Unit,
    Receipt(Option<i64>),
    Block(u64),
    NotFound(String),
    Final {
        id: String,
        state: MessageState,
    },
    Duplicate(String),
    ReceiptNotFound(i64),
    /// Any other error: never expected.
    Broken(String),
}

impl Outcome {
    pub fn from_unit(r: Result<(), StoreError>) -> Outcome {
        r.map_or_else(Outcome::from_err, |()| Outcome::Unit)
    }

    pub fn from_err(e: StoreError) -> Outcome {
        match e {
            StoreError::NotFound(id) => Outcome::NotFound(id),
            StoreError::Final { id, state } => Outcome::Final { id, state },
            StoreError::DuplicateId(id) => Outcome::Duplicate(id),
            StoreError::ReceiptNotFound(id) => Outcome::ReceiptNotFound(id),
            other => Outcome::Broken(other.to_string()),
        }
    }
}

#[derive(Default)]
pub struct Model {
    /// In acceptance order.
    messages: Vec<Message>,
    receipts: BTreeMap<i64, PendingReceipt>,
    acked: Vec<i64>,
    last_receipt: i64,
    /// Ids handed out so far by `next_id_block` (the first id is 1).
    reserved: u64,
}

impl Model {
    pub fn get(&self, id: &str) -> Option<Message> {
        self.messages.iter().find(|m| m.id == id).cloned()
    }

    pub fn counts(&self) -> Vec<(MessageState, u64)> {
        let mut counts = BTreeMap::new();
        for m in &self.messages {
            *counts.entry(m.state).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    pub fn unfinished(&self) -> Vec<String> {
        let open = self.messages.iter().filter(|m| !m.state.is_final());
        open.map(|m| m.id.clone()).collect()
    }

    pub fn pending(&self, account: &str) -> Vec<PendingReceipt> {
        let mine = self.receipts.values().filter(|r| r.account == account);
        mine.cloned().collect()
    }

    pub fn next_id(&self) -> u64 {
        self.reserved + 1
    }

    /// The receipt the delivery engine queues with `update` of message `i`.
    pub fn receipt_for(i: usize, update: &MessageUpdate, now: i64) -> PendingReceipt {
        PendingReceipt {
            receipt_id: 0,
            account: ACCOUNTS[i % 2].to_owned(),
            message_id: IDS[i].to_owned(),
            state: update.state,
            error_code: update.error_code,
            intermediate: !update.state.is_final(),
            created_at: now,
        }
    }

    /// The receipt id an ack step names (absent ones become ids never used).
    pub fn resolve_ack(&self, target: AckTarget) -> i64 {
        let never = self.last_receipt + 1000;
        match target {
            AckTarget::Pending(n) => self.receipts.keys().nth(n).copied().unwrap_or(never),
            AckTarget::Acked(n) => self.acked.get(n).copied().unwrap_or(never),
            AckTarget::Unknown => never,
        }
    }

    pub fn ack(&mut self, receipt_id: i64) -> Outcome {
        match self.receipts.remove(&receipt_id) {
            Some(_) => {
                self.acked.push(receipt_id);
                Outcome::Unit
            }
            None => Outcome::ReceiptNotFound(receipt_id),
        }
    }

    /// The message if it may still change, else why not.
    fn pending_mut(&mut self, i: usize) -> Result<&mut Message, Outcome> {
        let id = IDS[i];
        let m = self
            .messages
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or_else(|| Outcome::NotFound(id.to_owned()))?;
        if m.state.is_final() {
            return Err(Outcome::Final {
                id: id.to_owned(),
                state: m.state,
            });
        }
        Ok(m)
    }

    fn update(&mut self, i: usize, u: &MessageUpdate) -> Result<(), Outcome> {
        let m = self.pending_mut(i)?;
        m.state = u.state;
        m.done_at = u.done_at;
        m.error_code = u.error_code;
        m.attempts = u.attempts;
        m.deliver_at = u.deliver_at;
        Ok(())
    }

    pub fn apply(&mut self, op: &Op, now: i64) -> Outcome {
        let done = |r: Result<(), Outcome>| r.map_or_else(|e| e, |()| Outcome::Unit);
        match op {
            Op::Insert(batch) => {
                let mut seen: Vec<&str> = Vec::new();
                for &i in batch {
                    if seen.contains(&IDS[i]) || self.get(IDS[i]).is_some() {
                        return Outcome::Duplicate(IDS[i].to_owned());
                    }
                    seen.push(IDS[i]);
                }
                self.messages.extend(batch.iter().map(|&i| message(i, now)));
                Outcome::Unit
            }
            Op::Update { msg, update } => done(self.update(*msg, update)),
            Op::Finish {
                msg,
                update,
                receipt,
            } => {
                if let Err(e) = self.update(*msg, update) {
                    return e;
                }
                Outcome::Receipt(receipt.then(|| {
                    self.last_receipt += 1;
                    let mut r = Model::receipt_for(*msg, update, now);
                    r.receipt_id = self.last_receipt;
                    self.receipts.insert(r.receipt_id, r);
                    self.last_receipt
                }))
            }
            Op::Cancel { msg } => done(self.pending_mut(*msg).map(|m| {
                m.state = MessageState::Deleted;
                m.done_at = Some(now);
            })),
            Op::Replace {
                msg,
                replacement: r,
            } => done(self.pending_mut(*msg).map(|m| {
                m.payload = r.payload.clone();
                m.data_coding = r.data_coding.unwrap_or(m.data_coding);
                m.deliver_at = r.deliver_at.or(m.deliver_at);
                m.expires_at = r.expires_at.unwrap_or(m.expires_at);
                m.registered_delivery = r.registered_delivery;
            })),
            Op::IdBlock(n) => {
                let first = self.next_id();
                self.reserved += n;
                Outcome::Block(first)
            }
            Op::Ack(_) | Op::Reopen => Outcome::Unit,
        }
    }
}
