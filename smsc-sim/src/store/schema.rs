//! The SQLite file: opening the writer and reader connections with the
//! pragmas the store relies on (WAL, sync mode), and the schema migrations,
//! kept in code and applied in order under a `schema_version` table so a
//! data directory written by an older build is upgraded in place.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{StoreError, SyncMode};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "smsc.db";

/// Migration `i` brings the schema from version `i` to `i + 1`. Append only:
/// a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    // 1: messages, receipts outbox, id counter.
    "CREATE TABLE messages (
        seq                 INTEGER PRIMARY KEY,
        id                  TEXT    NOT NULL UNIQUE,
        account             TEXT    NOT NULL,
        service_type        TEXT    NOT NULL,
        src_ton             INTEGER NOT NULL,
        src_npi             INTEGER NOT NULL,
        src_addr            TEXT    NOT NULL,
        dst_ton             INTEGER NOT NULL,
        dst_npi             INTEGER NOT NULL,
        dst_addr            TEXT    NOT NULL,
        esm_class           INTEGER NOT NULL,
        protocol_id         INTEGER NOT NULL,
        priority            INTEGER NOT NULL,
        registered_delivery INTEGER NOT NULL,
        data_coding         INTEGER NOT NULL,
        payload             BLOB    NOT NULL,
        sar_ref             INTEGER,
        sar_total           INTEGER,
        sar_seq             INTEGER,
        submitted_at        INTEGER NOT NULL,
        deliver_at          INTEGER,
        expires_at          INTEGER NOT NULL,
        state               INTEGER NOT NULL,
        done_at             INTEGER,
        error_code          INTEGER NOT NULL,
        attempts            INTEGER NOT NULL
    );
    CREATE INDEX messages_state ON messages (state);
    CREATE INDEX messages_dst ON messages (dst_addr);
    CREATE INDEX messages_account ON messages (account);
    -- AUTOINCREMENT: an acknowledged receipt id is never handed out again,
    -- even after a restart, so a late deliver_sm_resp cannot ack another.
    CREATE TABLE receipts (
        receipt_id   INTEGER PRIMARY KEY AUTOINCREMENT,
        account      TEXT    NOT NULL,
        message_id   TEXT    NOT NULL,
        state        INTEGER NOT NULL,
        error_code   INTEGER NOT NULL,
        intermediate INTEGER NOT NULL,
        created_at   INTEGER NOT NULL
    );
    CREATE INDEX receipts_account ON receipts (account, receipt_id);
    CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO counters (name, value) VALUES ('message_id', 1);",
    // 2: mobile-originated messages are stored before they are acknowledged.
    "ALTER TABLE messages ADD COLUMN origin INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN tp_mr INTEGER;
    ALTER TABLE messages ADD COLUMN set_dpf INTEGER NOT NULL DEFAULT 0;",
    // 3: the journal applies most messages already final, so index only
    // what is not final (the restart's work); the admin search walks back
    // from the newest row and stops at its limit. The dst index could not
    // serve the number search anyway (it also matches src_addr).
    "DROP INDEX messages_state;
    DROP INDEX messages_dst;
    DROP INDEX messages_account;
    CREATE INDEX messages_unfinished ON messages (seq) WHERE (state <= 1 OR state = 6);",
];

/// Opens (creating if needed) the database in `dir` for the writer thread and
/// brings its schema up to date. Returns the connection and the file path.
pub fn open_writer(dir: &Path, sync: SyncMode) -> Result<(Connection, PathBuf), StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(DB_FILE);
    let mut conn = Connection::open(&path)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NoWal(mode));
    }
    let synchronous = match sync {
        SyncMode::Normal => "NORMAL",
        SyncMode::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    // Checkpoints run on the writer thread and fsync; fewer, larger ones
    // (64 MiB of WAL) measured 25-40 % more inserts/s than 1000 or 4000
    // pages. The size limit trims the WAL file back after each reset.
    conn.pragma_update(None, "wal_autocheckpoint", 16_000)?;
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    conn.pragma_update(None, "cache_size", -32_768)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(32);
    migrate(&mut conn)?;
    Ok((conn, path))
}

/// A read-only connection to the database the writer opened.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |row| row.get(0),
    )?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    for (version, sql) in (1..).zip(MIGRATIONS).skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
            .expect("schema_version readable")
    }

    #[test]
    fn migrations_apply_once_and_reopen_is_idempotent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (conn, path) = open_writer(dir.path(), SyncMode::Normal).expect("first open");
        assert_eq!(version(&conn), MIGRATIONS.len() as i64);
        drop(conn);
        let (conn, _) = open_writer(dir.path(), SyncMode::Full).expect("second open");
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
            .expect("count");
        assert_eq!(rows, MIGRATIONS.len() as i64);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .expect("sync");
        assert_eq!(sync, 2, "FULL is 2");
        assert!(open_reader(&path).is_ok());
    }

    #[test]
    fn the_restart_query_uses_the_partial_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (conn, _) = open_writer(dir.path(), SyncMode::Normal).expect("open");
        let sql = concat!(
            "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE ",
            crate::store::sql_write::not_final!(),
            " ORDER BY seq"
        );
        let plan: Vec<String> = conn
            .prepare(sql)
            .expect("plan")
            .query_map([], |r| r.get(3))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("plan rows");
        assert!(
            plan.iter().any(|p| p.contains("messages_unfinished")),
            "{plan:?}"
        );
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (conn, _) = open_writer(dir.path(), SyncMode::Normal).expect("open");
        conn.execute("INSERT INTO schema_version (version) VALUES (99)", [])
            .expect("bump");
        drop(conn);
        match open_writer(dir.path(), SyncMode::Normal) {
            Err(StoreError::SchemaTooNew { found: 99, .. }) => {}
            other => panic!("expected SchemaTooNew, got {:?}", other.map(|_| ())),
        }
    }
}
