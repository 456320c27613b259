//! The simulated bank's storage: this module and its `transfer` submodule hold all of the
//! bank's SQL.
//!
//! One SQLite connection (a file `bank.db` in WAL mode, or in memory) behind a mutex; every
//! call runs on the blocking pool. Two tables, created by numbered migrations recorded in
//! `schema_version`: `accounts` (balance in minor units, optional 24-hour limit, closed flag)
//! and `transfers` (one row per payment id, approved or declined, so replays return the first
//! outcome). A transfer is checked and applied inside one IMMEDIATE transaction, so the debit,
//! the credit and the record commit together or not at all, and concurrent transfers from one
//! account are serialized and cannot overdraw it.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, TransactionBehavior, params};

use super::{Account, BankError, BankOutcome, Transfer};
use crate::domain::{Currency, Money};

mod transfer;

const MIGRATIONS: &[&str] = &["
    CREATE TABLE accounts (
        number            TEXT PRIMARY KEY,
        holder            TEXT NOT NULL,
        currency          TEXT NOT NULL,
        balance_minor     INTEGER NOT NULL CHECK (balance_minor >= 0),
        daily_limit_minor INTEGER,
        closed            INTEGER NOT NULL DEFAULT 0,
        opened_at         INTEGER NOT NULL
    );
    CREATE TABLE transfers (
        id           INTEGER PRIMARY KEY,
        payment_id   TEXT NOT NULL UNIQUE,
        from_account TEXT NOT NULL,
        to_account   TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        currency     TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        reference    TEXT,
        at           INTEGER NOT NULL
    );
    CREATE INDEX transfers_from_at ON transfers (from_account, at);
"];

fn internal(e: impl std::fmt::Display) -> BankError {
    BankError::Internal(e.to_string())
}

#[derive(Clone)]
pub(super) struct Ledger {
    conn: Arc<Mutex<Connection>>,
}

impl Ledger {
    pub(super) fn open(path: &Path) -> Result<Ledger, BankError> {
        Ledger::init(Connection::open(path).map_err(internal)?)
    }

    pub(super) fn memory() -> Result<Ledger, BankError> {
        Ledger::init(Connection::open_in_memory().map_err(internal)?)
    }

    fn init(mut conn: Connection) -> Result<Ledger, BankError> {
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(internal)?;
        // A bank does not trade durability for speed: fsync on every commit.
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;")
            .map_err(internal)?;
        migrate(&mut conn)?;
        Ok(Ledger {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn call<T, F>(&self, f: F) -> Result<T, BankError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, BankError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic mid-transaction rolled it back when the transaction dropped, so the
            // connection is consistent even if the mutex is poisoned.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(internal)?
    }

    /// Opens an account unless the number exists; true if it was created.
    pub(super) async fn open_account(&self, account: Account, now: i64) -> Result<bool, BankError> {
        self.call(move |c| {
            let sql = "INSERT INTO accounts (number, holder, currency, balance_minor, \
                       daily_limit_minor, closed, opened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                       ON CONFLICT (number) DO NOTHING";
            let a = &account;
            let values = params![
                a.number,
                a.holder,
                a.balance.currency.code(),
                a.balance.minor,
                a.daily_limit_minor,
                a.closed,
                now
            ];
            Ok(c.execute(sql, values).map_err(internal)? == 1)
        })
        .await
    }

    /// Marks an account closed; false if there is no such account.
    pub(super) async fn close_account(&self, number: String) -> Result<bool, BankError> {
        self.call(move |c| {
            let sql = "UPDATE accounts SET closed = 1 WHERE number = ?1";
            Ok(c.execute(sql, [number]).map_err(internal)? == 1)
        })
        .await
    }

    /// All accounts ordered by number; `only` restricts to one.
    pub(super) async fn accounts(&self, only: Option<String>) -> Result<Vec<Account>, BankError> {
        self.call(move |c| {
            let sql = "SELECT number, holder, currency, balance_minor, daily_limit_minor, closed \
                       FROM accounts WHERE ?1 IS NULL OR number = ?1 ORDER BY number";
            let mut stmt = c.prepare(sql).map_err(internal)?;
            let rows = stmt.query_map([only], |r| {
                let row: (String, String, String, i64, Option<i64>, bool) = (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                );
                Ok(row)
            });
            let mut out = Vec::new();
            for row in rows.map_err(internal)? {
                let (number, holder, currency, minor, daily_limit_minor, closed) =
                    row.map_err(internal)?;
                let currency = Currency::parse(&currency).map_err(internal)?;
                let balance = Money::new(minor, currency);
                out.push(Account {
                    number,
                    holder,
                    balance,
                    daily_limit_minor,
                    closed,
                });
            }
            Ok(out)
        })
        .await
    }

    /// Checks and applies one transfer at time `now` (Unix ms), or replays its first outcome.
    pub(super) async fn transfer(&self, t: Transfer, now: i64) -> Result<BankOutcome, BankError> {
        if t.amount.minor <= 0 {
            return Err(BankError::Internal(
                "transfer amount must be positive".into(),
            ));
        }
        if t.from_account == t.to_account {
            return Err(BankError::Internal("transfer to the same account".into()));
        }
        self.call(move |c| transfer::apply(c, &t, now)).await
    }
}

fn migrate(conn: &mut Connection) -> Result<(), BankError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(internal)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .map_err(internal)?;
    let current: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )
        .map_err(internal)?;
    let known = i64::try_from(MIGRATIONS.len()).expect("few migrations");
    if current > known {
        return Err(BankError::Internal(format!(
            "bank.db has schema version {current}, newer than this build's {known}"
        )));
    }
    for (version, sql) in (1..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(current).unwrap_or(0))
    {
        tx.execute_batch(sql).map_err(internal)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )
        .map_err(internal)?;
    }
    tx.commit().map_err(internal)
}
