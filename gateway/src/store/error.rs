//! [`StoreError`]: what callers branch on. SQLite constraint failures are
//! sorted into typed variants here, so a duplicate identity or an unknown
//! merchant id is a [`StoreError::Duplicate`] / [`StoreError::MissingReference`]
//! and not a string to match.

use std::path::PathBuf;

use rusqlite::ErrorCode;

use crate::domain::PaymentState;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use data directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database refused WAL mode (journal_mode is {0})")]
    NoWal(String),
    #[error("database schema version {found} is newer than this build knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    /// A unique key is taken: the text names the table and columns
    /// ("identities.kind, identities.value").
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A row refers to a customer, merchant or payment that does not exist.
    #[error("refers to a row that does not exist: {0}")]
    MissingReference(String),
    /// A CHECK or NOT NULL rule refused a value (amount <= 0, unknown status).
    #[error("value refused: {0}")]
    Constraint(String),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// The payment is final, or not in a state the update expected.
    #[error("payment is {current}; the change does not apply")]
    StateConflict { current: PaymentState },
    /// A code was issued for the payment, so its amount can no longer change.
    #[error("a code was issued for this payment; its amount cannot change")]
    AmountLocked,
    /// A row that the store wrote does not parse back (edited by hand?).
    #[error("stored data does not parse: {0}")]
    Corrupt(String),
    #[error("the store is closed")]
    Closed,
    /// The terminal-key KEK file could not be loaded or created.
    #[error(transparent)]
    Key(#[from] crate::key_file::KeyError),
    #[error(transparent)]
    Unwrap(#[from] super::UnwrapError),
    #[error("database task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        let rusqlite::Error::SqliteFailure(code, message) = &e else {
            return match e {
                rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
                    StoreError::Corrupt(inner.to_string())
                }
                other => StoreError::Sqlite(other),
            };
        };
        if code.code != ErrorCode::ConstraintViolation {
            return StoreError::Sqlite(e);
        }
        let text = message.clone().unwrap_or_default();
        let detail = text
            .split_once(": ")
            .map(|(_, d)| d.to_owned())
            .unwrap_or_else(|| text.clone());
        match code.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => StoreError::Duplicate(detail),
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => StoreError::MissingReference(text),
            _ => StoreError::Constraint(text),
        }
    }
}

/// Turns a failed parse of a stored text column into a rusqlite conversion
/// error (which becomes [`StoreError::Corrupt`]).
pub(super) fn corrupt(
    column: usize,
    err: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(err))
}
