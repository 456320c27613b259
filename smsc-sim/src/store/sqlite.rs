//! The durable backend: `smsc.db` in the data directory, with the journal in
//! front of it. Writes become ops for the journal [`Front`], which returns
//! once they are in the journal; the `applier` thread copies them into
//! SQLite behind the answers. Reads first ask the applier to catch up
//! (`flush`), then run on one read-only connection through
//! `spawn_blocking`, so no SQLite call ever blocks the runtime and every
//! read sees the writes acknowledged before it.
//!
//! Opening replays what the journal holds beyond SQLite's last applied
//! sequence number, so a killed process loses nothing it acknowledged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::applier::{self, ApplyQueue};
use super::coalesce::{Batch, JOURNAL_COUNTER};
use super::front::Front;
use super::journal::{self, Op, Segment};
use super::known::{Answer, Known};
use super::{
    MessageFilter, MessageUpdate, PendingReceipt, Replacement, StoreError, SyncMode, schema,
    sql_read,
};
use crate::message::{Message, MessageState};

pub(super) struct SqliteStore {
    pub(super) front: Arc<Front>,
    /// `None` once closed.
    reader: Arc<Mutex<Option<Connection>>>,
    path: PathBuf,
}

impl SqliteStore {
    pub fn open(dir: &Path, sync: SyncMode) -> Result<Self, StoreError> {
        let (mut conn, path) = schema::open_writer(dir, sync)?;
        let last_seq = replay(dir, &mut conn)?;
        let known = Known::load(&conn, schema::open_reader(&path)?)?;
        let segment = Segment::create(dir, last_seq + 1, sync)?;
        let queue = Arc::new(ApplyQueue::default());
        queue.applied.store(last_seq, Ordering::Release);
        let shared = Arc::clone(&queue);
        let applier = std::thread::Builder::new()
            .name("smsc-store-applier".into())
            .spawn(move || applier::run(conn, shared))
            .map_err(StoreError::Spawn)?;
        let front = Front::new(segment, known, last_seq + 1, queue, applier)?;
        Ok(SqliteStore {
            front: Arc::new(front),
            reader: Arc::new(Mutex::new(Some(schema::open_reader(&path)?))),
            path,
        })
    }

    pub fn commits(&self) -> u64 {
        self.front.commits()
    }

    /// Waits until SQLite holds every write acknowledged so far.
    async fn flush(&self) -> Result<(), StoreError> {
        let (reply, done) = oneshot::channel();
        self.front.queue().flush(reply);
        let applied = done.await.map_err(|_| StoreError::WriterGone)?;
        applied.map_err(|why| StoreError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(why),
        })
    }

    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.flush().await?;
        let reader = Arc::clone(&self.reader);
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier read leaves the connection usable.
            let guard = reader.lock().unwrap_or_else(PoisonError::into_inner);
            work(guard.as_ref().ok_or(StoreError::WriterGone)?)
        })
        .await?
    }

    pub async fn insert(&self, messages: Vec<Message>) -> Result<(), StoreError> {
        self.front.write(Op::Insert(messages)).await.map(drop)
    }

    pub async fn update(&self, id: &str, update: MessageUpdate) -> Result<(), StoreError> {
        self.finish(id, update, None).await.map(drop)
    }

    pub async fn replace(&self, id: &str, replacement: Replacement) -> Result<(), StoreError> {
        let id = id.to_owned();
        let op = Op::Replace { id, replacement };
        self.front.write(op).await.map(drop)
    }

    pub async fn cancel(&self, id: &str, done_at: i64) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.front.write(Op::Cancel { id, done_at }).await.map(drop)
    }

    pub async fn finish(
        &self,
        id: &str,
        update: MessageUpdate,
        receipt: Option<PendingReceipt>,
    ) -> Result<Option<i64>, StoreError> {
        let id = id.to_owned();
        let op = Op::Update {
            id,
            update,
            receipt,
        };
        match self.front.write(op).await? {
            Answer::Receipt(receipt_id) => Ok(receipt_id),
            other => unreachable!("an update is answered with its receipt id, not {other:?}"),
        }
    }

    pub async fn enqueue_receipt(&self, receipt: PendingReceipt) -> Result<i64, StoreError> {
        match self.front.write(Op::Receipt(receipt)).await? {
            Answer::Receipt(Some(receipt_id)) => Ok(receipt_id),
            other => unreachable!("a receipt is answered with its id, not {other:?}"),
        }
    }

    pub async fn ack_receipt(&self, receipt_id: i64) -> Result<(), StoreError> {
        self.front.write(Op::Ack(receipt_id)).await.map(drop)
    }

    pub async fn next_id_block(&self, n: u64) -> Result<u64, StoreError> {
        match self.front.write(Op::IdBlock { first: 0, n }).await? {
            Answer::FirstId(first) => Ok(first),
            other => unreachable!("an id block is answered with its first id, not {other:?}"),
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<Message>, StoreError> {
        let id = id.to_owned();
        self.read(move |conn| sql_read::get(conn, &id)).await
    }

    pub async fn search(&self, filter: MessageFilter) -> Result<Vec<Message>, StoreError> {
        self.read(move |conn| sql_read::search(conn, &filter)).await
    }

    pub async fn unfinished(&self) -> Result<Vec<Message>, StoreError> {
        self.read(sql_read::unfinished).await
    }

    pub async fn counts_by_state(&self) -> Result<BTreeMap<MessageState, u64>, StoreError> {
        self.read(sql_read::counts_by_state).await
    }

    pub async fn pending_receipts(
        &self,
        account: &str,
        limit: usize,
    ) -> Result<Vec<PendingReceipt>, StoreError> {
        let account = account.to_owned();
        self.read(move |conn| sql_read::pending_receipts(conn, &account, limit))
            .await
    }

    pub async fn close(&self) -> Result<(), StoreError> {
        let front = Arc::clone(&self.front);
        let reader = Arc::clone(&self.reader);
        // Applying the rest of the journal and closing connections touch the
        // disk: keep them off the runtime.
        tokio::task::spawn_blocking(move || {
            front.shut();
            drop(reader.lock().unwrap_or_else(PoisonError::into_inner).take());
        })
        .await?;
        Ok(())
    }
}

/// Applies what the journal holds beyond SQLite, removes the journal, and
/// returns the last sequence number used.
fn replay(dir: &Path, conn: &mut Connection) -> Result<u64, StoreError> {
    let applied = sql_read::counter(conn, JOURNAL_COUNTER)?.unwrap_or(0);
    let found = journal::unapplied(dir, u64::try_from(applied).unwrap_or(0))?;
    if !found.ops.is_empty() {
        tracing::info!(ops = found.ops.len(), "replaying the store journal");
        let mut batch = Batch::default();
        for (seq, op) in found.ops {
            batch.add(seq, op);
        }
        batch.write(conn)?;
    }
    journal::remove_segments(&found.segments)?;
    Ok(found.last_seq)
}
