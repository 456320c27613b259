//! The durable backend: `smsc.db` in the data directory. Writes become jobs
//! for the group-commit [`Writer`]; reads run on one read-only connection
//! through `spawn_blocking`, so no SQLite call ever blocks the runtime.
//! A write's future resolves only after its transaction has committed.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use super::writer::Writer;
use super::{
    MessageFilter, MessageUpdate, PendingReceipt, Replacement, StoreError, SyncMode, schema,
    sql_read, sql_write,
};
use crate::message::{Message, MessageState};

pub(super) struct SqliteStore {
    pub(super) writer: Writer,
    /// `None` once closed.
    reader: Arc<Mutex<Option<Connection>>>,
}

impl SqliteStore {
    pub fn open(dir: &Path, sync: SyncMode) -> Result<Self, StoreError> {
        let (conn, path) = schema::open_writer(dir, sync)?;
        let reader = schema::open_reader(&path)?;
        Ok(SqliteStore {
            writer: Writer::spawn(conn)?,
            reader: Arc::new(Mutex::new(Some(reader))),
        })
    }

    pub fn commits(&self) -> u64 {
        self.writer.commits()
    }

    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let reader = Arc::clone(&self.reader);
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier read leaves the connection usable.
            let guard = reader.lock().unwrap_or_else(PoisonError::into_inner);
            work(guard.as_ref().ok_or(StoreError::WriterGone)?)
        })
        .await?
    }

    pub async fn insert(&self, messages: Vec<Message>) -> Result<(), StoreError> {
        let weight = messages.len();
        self.writer
            .call(weight, move |tx| sql_write::insert_messages(tx, &messages))
            .await
    }

    pub async fn update(&self, id: &str, update: MessageUpdate) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.writer
            .call(1, move |tx| sql_write::update(tx, &id, &update))
            .await
    }

    pub async fn replace(&self, id: &str, replacement: Replacement) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.writer
            .call(1, move |tx| sql_write::replace(tx, &id, &replacement))
            .await
    }

    pub async fn cancel(&self, id: &str, done_at: i64) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.writer
            .call(1, move |tx| sql_write::cancel(tx, &id, done_at))
            .await
    }

    pub async fn finish(
        &self,
        id: &str,
        update: MessageUpdate,
        receipt: Option<PendingReceipt>,
    ) -> Result<Option<i64>, StoreError> {
        let id = id.to_owned();
        self.writer
            .call(2, move |tx| {
                sql_write::update(tx, &id, &update)?;
                receipt
                    .as_ref()
                    .map(|r| sql_write::enqueue_receipt(tx, r))
                    .transpose()
            })
            .await
    }

    pub async fn enqueue_receipt(&self, receipt: PendingReceipt) -> Result<i64, StoreError> {
        self.writer
            .call(1, move |tx| sql_write::enqueue_receipt(tx, &receipt))
            .await
    }

    pub async fn ack_receipt(&self, receipt_id: i64) -> Result<(), StoreError> {
        self.writer
            .call(1, move |tx| sql_write::ack_receipt(tx, receipt_id))
            .await
    }

    pub async fn next_id_block(&self, n: u64) -> Result<u64, StoreError> {
        self.writer
            .call(1, move |tx| sql_write::next_id_block(tx, n))
            .await
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
        self.writer.close().await?;
        let reader = Arc::clone(&self.reader);
        // Closing a connection may touch the disk: keep it off the runtime.
        tokio::task::spawn_blocking(move || {
            drop(reader.lock().unwrap_or_else(PoisonError::into_inner).take());
        })
        .await?;
        Ok(())
    }
}
