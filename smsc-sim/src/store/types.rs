//! Values exchanged with the store: the error callers branch on, the sync
//! mode chosen at open, and the request shapes for updates, replace_sm,
//! searches and the receipts outbox. Both backends use exactly these types,
//! so the session and the delivery engine never see which one is running.

use std::path::PathBuf;

use serde::Deserialize;

use crate::message::MessageState;

/// Search limit when the filter gives none.
pub const DEFAULT_SEARCH_LIMIT: usize = 100;
/// Largest number of messages one search returns.
pub const MAX_SEARCH_LIMIT: usize = 1000;

/// What can go wrong in the store. Callers branch on `NotFound`, `Final` and
/// `DuplicateId`; the rest mean the store itself is unusable.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the store is closed or its writer thread has stopped")]
    WriterGone,
    #[error("no message with id {0:?}")]
    NotFound(String),
    #[error("no pending receipt with id {0}")]
    ReceiptNotFound(i64),
    /// Final states are final: the store refuses to change such a message,
    /// so a cancel racing a delivery cannot resurrect or overwrite it.
    #[error("message {id:?} is already in final state {state:?}")]
    Final { id: String, state: MessageState },
    #[error("message id {0:?} already exists")]
    DuplicateId(String),
    #[error("cannot start the store writer thread: {0}")]
    Spawn(std::io::Error),
    #[error("data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database refused WAL mode (journal_mode is {0})")]
    NoWal(String),
    #[error("database schema version {found} is newer than this build knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("store read task failed: {0}")]
    ReadTask(#[from] tokio::task::JoinError),
}

impl StoreError {
    /// True when the failing operation wrote nothing, so the transaction it
    /// ran in can still commit the other operations of its batch.
    pub(super) fn leaves_transaction_clean(&self) -> bool {
        matches!(
            self,
            StoreError::NotFound(_) | StoreError::ReceiptNotFound(_) | StoreError::Final { .. }
        )
    }
}

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// WAL with `synchronous=NORMAL`: a commit survives the process being
    /// killed; the last commits may be lost if the machine loses power.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is fsynced and survives power loss.
    Full,
}

/// The delivery state of a message after an attempt. Every field is written,
/// so the caller passes the whole new state, not a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageUpdate {
    pub state: MessageState,
    pub done_at: Option<i64>,
    pub error_code: u16,
    pub attempts: u32,
    /// Next retry time; `None` means "as soon as possible".
    pub deliver_at: Option<i64>,
}

/// The fields replace_sm may change. `None` keeps the stored value, as SMPP
/// specifies for a null schedule_delivery_time or validity_period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub payload: Vec<u8>,
    pub data_coding: Option<u8>,
    pub deliver_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub registered_delivery: u8,
}

/// Message search for the admin API. Every given field must match; results
/// come newest first (most recently accepted first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub id: Option<String>,
    /// Matches the source or the destination address.
    pub number: Option<String>,
    pub state: Option<MessageState>,
    pub account: Option<String>,
    /// Defaults to [`DEFAULT_SEARCH_LIMIT`], capped at [`MAX_SEARCH_LIMIT`].
    pub limit: Option<usize>,
}

impl MessageFilter {
    pub fn effective_limit(&self) -> usize {
        self.limit
            .unwrap_or(DEFAULT_SEARCH_LIMIT)
            .min(MAX_SEARCH_LIMIT)
    }
}

/// A delivery receipt waiting in the outbox until a receiver bind of its
/// account acknowledges the deliver_sm that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReceipt {
    /// Assigned by the store; ignored when enqueueing.
    pub receipt_id: i64,
    pub account: String,
    pub message_id: String,
    pub state: MessageState,
    pub error_code: u16,
    /// An intermediate notification rather than the final receipt.
    pub intermediate: bool,
    pub created_at: i64,
}
