//! The gateway's database: customers and their identities, terminals,
//! linked bank accounts and lockout counters; merchants; payments with
//! their timeline, authorization codes (HMACs only), idempotency keys, the
//! code-send log (number, time, client address: limits and the pumping
//! view, `sends`), checkout sessions and the webhook outbox; the admin
//! audit log.
//! The only module that knows SQL.
//!
//! [`Store`] is a cloneable handle on one SQLite database:
//! [`Store::open_dir`] keeps `gateway.db` (WAL) in a data directory,
//! [`Store::memory`] keeps a private in-memory database with the same
//! schema and code. Every call runs on the blocking pool
//! (`spawn_blocking`): writes on the one writer connection, each in its own
//! IMMEDIATE transaction that has committed when the future resolves; reads
//! on a read-only connection (file) or the writer (memory). Methods take
//! the time as Unix milliseconds from the caller, so the store never reads
//! a clock. `schema` migrates; the area files (`customers`, `merchants`,
//! `payments`, `codes`, `outbox`, `log`) hold the statements.

mod bank_link;
mod carrier_charges;
mod codes;
mod customers;
mod error;
mod jobs;
mod key_wrap;
mod listing;
mod lockout;
mod log;
mod merchants;
mod outbox;
mod payments;
mod pins;
mod pushes;
mod records;
mod rows;
mod schema;
mod sends;
mod terminal_keys;
mod types;
mod vouchers;
mod webhook_outbox;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use bank_link::{BankInstruction, BankOutcome, SmsMethodAction};
pub use carrier_charges::CarrierCharge;
pub use error::StoreError;
pub use jobs::{
    AuditEntry, CodeRecord, DeliveryStatus, NewCode, NewWebhook, WebhookJob, WebhookRecord,
    WebhookStatus,
};
pub use key_wrap::{KEK_FILE, KeyWrap, UnwrapError};
pub use pins::{PinLockout, PinRecord};
pub use pushes::{NewPush, PushRecord, PushStatus};
pub use records::{
    CreateOutcome, DEFAULT_LIST_LIMIT, IdempotencyKey, MAX_LIST_LIMIT, NewEvent, NewPayment,
    Payment, PaymentFilter, PaymentUpdate, TimelineEvent,
};
pub use schema::DB_FILE;
pub use sends::{SendRefused, SendScope, SendStats, SendWindow, prefix_of};
pub use terminal_keys::TERMINAL_KEY_LEN;
pub use types::{
    Customer, CustomerStatus, Lockout, Merchant, MerchantStatus, NewCustomer, NewMerchant,
    NewTerminal, Terminal, TerminalKind,
};
pub use vouchers::{NewVoucher, SpendOutcome, Voucher, VoucherStatus, VoucherTransaction};
pub use webhook_outbox::event_id;

/// How hard SQLite flushes a commit. `Full` (the default) fsyncs every
/// commit, so a shown "code sent" or a final payment survives a power cut;
/// `Normal` survives a crash of the process only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    Normal,
    #[default]
    Full,
}

/// Handle on the gateway database; clones share the connections.
#[derive(Clone)]
pub struct Store {
    db: Arc<Db>,
}

struct Db {
    /// `None` once closed.
    writer: Mutex<Option<Connection>>,
    /// Read-only connection beside the writer (file databases only).
    reader: Option<Mutex<Option<Connection>>>,
    durable: bool,
    /// Wraps terminal keys at rest.
    wrap: KeyWrap,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.db.durable { "sqlite" } else { "memory" };
        f.debug_struct("Store").field("backend", &kind).finish()
    }
}

impl Store {
    /// Opens (creating if needed) `gateway.db` in `dir` with `SyncMode::Full`.
    pub fn open_dir(dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open_dir_with(dir, SyncMode::Full)
    }

    /// Opens `gateway.db` in `dir` with the given sync mode, migrating it.
    pub fn open_dir_with(dir: impl AsRef<Path>, sync: SyncMode) -> Result<Store, StoreError> {
        let (mut writer, path) = schema::open_file(dir.as_ref(), sync)?;
        let wrap = KeyWrap::load_or_create(dir.as_ref())?;
        let wrapped = terminal_keys::wrap_legacy_keys(&mut writer, &wrap)?;
        if wrapped > 0 {
            tracing::info!(
                keys = wrapped,
                "terminal keys stored in clear are now wrapped"
            );
        }
        let reader = schema::open_reader(&path)?;
        Ok(Store::from_parts(writer, Some(reader), true, wrap))
    }

    /// A private in-memory database: same schema, nothing on disk.
    pub fn memory() -> Result<Store, StoreError> {
        Ok(Store::from_parts(
            schema::open_memory()?,
            None,
            false,
            KeyWrap::random(),
        ))
    }

    fn from_parts(
        writer: Connection,
        reader: Option<Connection>,
        durable: bool,
        wrap: KeyWrap,
    ) -> Store {
        Store {
            db: Arc::new(Db {
                writer: Mutex::new(Some(writer)),
                reader: reader.map(|r| Mutex::new(Some(r))),
                durable,
                wrap,
            }),
        }
    }

    /// True when committed writes survive a restart.
    pub fn is_durable(&self) -> bool {
        self.db.durable
    }

    /// Runs `work` in one IMMEDIATE transaction on the writer connection,
    /// off the runtime; commits if it returns `Ok`, rolls back otherwise.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            // A panic in an earlier job rolled its transaction back when the
            // Transaction dropped, so the connection is still consistent.
            let mut guard = db.writer.lock().unwrap_or_else(PoisonError::into_inner);
            let conn = guard.as_mut().ok_or(StoreError::Closed)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await?
    }

    /// Runs `work` on the read connection (the writer for memory stores).
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let lock = db.reader.as_ref().unwrap_or(&db.writer);
            let guard = lock.lock().unwrap_or_else(PoisonError::into_inner);
            work(guard.as_ref().ok_or(StoreError::Closed)?)
        })
        .await?
    }

    /// Closes the connections; later calls on any clone get
    /// [`StoreError::Closed`]. Everything acknowledged is already committed.
    pub async fn close(&self) -> Result<(), StoreError> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            if let Some(reader) = &db.reader {
                drop(reader.lock().unwrap_or_else(PoisonError::into_inner).take());
            }
            drop(
                db.writer
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take(),
            );
        })
        .await?;
        Ok(())
    }
}
