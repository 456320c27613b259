//! The SMSC's message store: what was accepted, the state each message is
//! in, the receipts waiting for a receiver bind, and the message id counter.
//! The only module that knows SQL.
//!
//! [`Store`] is one cloneable handle over two backends chosen at open:
//! [`Store::open_dir`] keeps `smsc.db` (SQLite, WAL) in a data directory and
//! survives restarts; [`Store::memory`] keeps maps in the process for load
//! tests. Both answer the same async API with the same rules.
//!
//! Data flow (SQLite): a write becomes an op for the journal front
//! (`front`), which validates it against what it knows (`known`), appends
//! it to the journal (`journal`; in `Full` sync mode also a shared fsync,
//! `syncer`) and then returns — so when `insert` returns the messages are
//! on disk and the session may send submit_sm_resp. The applier thread (`applier`) copies
//! the ops into SQLite behind the replies in large transactions, folding
//! each message's life into as few rows as it can (`coalesce`); opening
//! replays what it had not applied. Reads wait for the applier to catch up,
//! then use a separate read-only connection. `schema` opens the file and
//! migrates it; `sql_write` and `sql_read` hold the statements; `memory` is
//! the map backend.

mod applier;
mod coalesce;
mod front;
mod journal;
mod known;
mod memory;
mod schema;
mod sql_read;
mod sql_write;
mod sqlite;
mod syncer;
mod types;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

pub use schema::DB_FILE;
pub use types::{
    DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, MessageFilter, MessageUpdate, PendingReceipt,
    Replacement, StoreError, SyncMode,
};

use crate::message::{Message, MessageState};
use memory::MemoryStore;
use sqlite::SqliteStore;

/// Handle on the message store; clones share one backend. Dropping the last
/// clone journals what is queued, brings SQLite up to date and stops the
/// store's threads, like `close`.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Sqlite(Arc<SqliteStore>),
    Memory(Arc<MemoryStore>),
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_durable() {
            "sqlite"
        } else {
            "memory"
        };
        f.debug_struct("Store").field("backend", &kind).finish()
    }
}

/// Runs the same call on whichever backend the store has; the SQLite side
/// is awaited, the memory side answers at once.
macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite(s) => s.$method($($arg),*).await,
            Backend::Memory(m) => m.$method($($arg),*),
        }
    };
}

impl Store {
    /// Opens (creating if needed) `smsc.db` in `dir`, migrates it, replays
    /// the journal into it, and starts the store's threads.
    pub fn open_dir(dir: impl AsRef<Path>, sync: SyncMode) -> Result<Store, StoreError> {
        let store = SqliteStore::open(dir.as_ref(), sync)?;
        Ok(Store {
            backend: Backend::Sqlite(Arc::new(store)),
        })
    }

    /// A store that keeps everything in memory, for load tests.
    pub fn memory() -> Store {
        Store {
            backend: Backend::Memory(Arc::new(MemoryStore::new())),
        }
    }

    /// True when acknowledged writes survive a restart.
    pub fn is_durable(&self) -> bool {
        matches!(self.backend, Backend::Sqlite(_))
    }

    /// Durable commits so far: journal writes, one per acknowledged write
    /// call (0 in memory).
    pub fn commits(&self) -> u64 {
        match &self.backend {
            Backend::Sqlite(s) => s.commits(),
            Backend::Memory(_) => 0,
        }
    }

    /// True when a write returns only after an fdatasync
    /// ([`SyncMode::Full`]): callers on a latency-bound path may prefer not
    /// to await it. Otherwise a write returns once its journal record is
    /// written (or at once, in memory).
    pub fn writes_wait_for_fsync(&self) -> bool {
        match &self.backend {
            Backend::Sqlite(s) => s.front.waits_for_fsync(),
            Backend::Memory(_) => false,
        }
    }

    /// fsyncs made in [`SyncMode::Full`] (0 otherwise): concurrent calls
    /// share them, so with [`Store::commits`] this shows group commit.
    pub fn syncs(&self) -> u64 {
        match &self.backend {
            Backend::Sqlite(s) => s.front.syncs(),
            Backend::Memory(_) => 0,
        }
    }

    /// Transactions the applier has committed to SQLite (0 in memory): each
    /// holds many writes, folded together.
    pub fn applied_transactions(&self) -> u64 {
        match &self.backend {
            Backend::Sqlite(s) => s.front.queue().transactions(),
            Backend::Memory(_) => 0,
        }
    }

    /// Stores new messages, all or none; returns once they are committed.
    /// An id already stored gives [`StoreError::DuplicateId`].
    pub async fn insert(&self, messages: Vec<Message>) -> Result<(), StoreError> {
        dispatch!(self.insert(messages))
    }

    /// Writes a delivery attempt's outcome. Refused with
    /// [`StoreError::Final`] if the message is already final.
    pub async fn update(&self, id: &str, update: MessageUpdate) -> Result<(), StoreError> {
        dispatch!(self.update(id, update))
    }

    /// replace_sm: new payload and settings for a message not yet final.
    pub async fn replace(&self, id: &str, replacement: Replacement) -> Result<(), StoreError> {
        dispatch!(self.replace(id, replacement))
    }

    /// cancel_sm: moves a message not yet final to DELETED at `done_at`.
    pub async fn cancel(&self, id: &str, done_at: i64) -> Result<(), StoreError> {
        dispatch!(self.cancel(id, done_at))
    }

    /// Writes an update and, if given, queues its receipt in the same
    /// transaction, so a final state is never durable without its receipt.
    /// Returns the receipt's id. Nothing is written if the update is refused.
    pub async fn finish(
        &self,
        id: &str,
        update: MessageUpdate,
        receipt: Option<PendingReceipt>,
    ) -> Result<Option<i64>, StoreError> {
        dispatch!(self.finish(id, update, receipt))
    }

    pub async fn get(&self, id: &str) -> Result<Option<Message>, StoreError> {
        dispatch!(self.get(id))
    }

    /// Messages matching every given field of the filter, newest first.
    pub async fn search(&self, filter: MessageFilter) -> Result<Vec<Message>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.search(filter).await,
            Backend::Memory(m) => m.search(&filter),
        }
    }

    /// Messages not in a final state, oldest first: the delivery engine's
    /// work after a restart.
    pub async fn unfinished(&self) -> Result<Vec<Message>, StoreError> {
        dispatch!(self.unfinished())
    }

    /// Number of messages in each state that has any.
    pub async fn counts_by_state(&self) -> Result<BTreeMap<MessageState, u64>, StoreError> {
        dispatch!(self.counts_by_state())
    }

    /// Queues a receipt (its `receipt_id` is ignored) and returns the id the
    /// store assigned; returns once committed.
    pub async fn enqueue_receipt(&self, receipt: PendingReceipt) -> Result<i64, StoreError> {
        dispatch!(self.enqueue_receipt(receipt))
    }

    /// Up to `limit` receipts waiting for `account`, oldest first.
    pub async fn pending_receipts(
        &self,
        account: &str,
        limit: usize,
    ) -> Result<Vec<PendingReceipt>, StoreError> {
        dispatch!(self.pending_receipts(account, limit))
    }

    /// The deliver_sm_resp for a receipt came back: forget it.
    pub async fn ack_receipt(&self, receipt_id: i64) -> Result<(), StoreError> {
        dispatch!(self.ack_receipt(receipt_id))
    }

    /// Reserves `n` message ids and returns the first; the caller hands out
    /// `first..first + n`. Reservations persist, so ids never repeat across
    /// restarts (a restart skips what was reserved but not used).
    pub async fn next_id_block(&self, n: u64) -> Result<u64, StoreError> {
        dispatch!(self.next_id_block(n))
    }

    /// Commits what was queued, applies the journal to SQLite, stops the
    /// store's threads and closes the database; later calls on any clone
    /// get [`StoreError::WriterGone`].
    pub async fn close(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Memory(m) => {
                m.close();
                Ok(())
            }
        }
    }
}
