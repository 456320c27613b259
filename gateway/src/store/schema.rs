//! Opening the database and migrating it. Migrations live in code and are
//! applied in order under a `schema_version` table, so a data directory
//! written by an older build is upgraded in place; a newer one is refused.
//! Connections get WAL (file databases), foreign keys and a busy timeout.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{StoreError, SyncMode};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "gateway.db";

/// Migration `i` brings the schema from version `i` to `i + 1`. Append only:
/// a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    // 1: customers, merchants, payments and everything hanging off them.
    "CREATE TABLE customers (
        id                  INTEGER PRIMARY KEY,
        name                TEXT    NOT NULL,
        id_document_masked  TEXT    NOT NULL,
        status              TEXT    NOT NULL
            CHECK (status IN ('active', 'locked', 'admin_locked', 'disabled')),
        password_hash       TEXT    NOT NULL,
        backup_hash         TEXT    NOT NULL,
        password_failures   INTEGER NOT NULL DEFAULT 0,
        backup_failures     INTEGER NOT NULL DEFAULT 0,
        limit_payment_minor INTEGER,
        limit_payment_ccy   TEXT,
        limit_day_minor     INTEGER,
        limit_day_ccy       TEXT,
        locale              TEXT    NOT NULL,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL
    );
    CREATE TABLE identities (
        kind        TEXT    NOT NULL CHECK (kind IN ('phone', 'account', 'alias')),
        value       TEXT    NOT NULL,
        customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        PRIMARY KEY (kind, value)
    ) WITHOUT ROWID;
    CREATE INDEX identities_customer ON identities (customer_id);
    CREATE TABLE terminals (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        msisdn      TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        label       TEXT    NOT NULL,
        UNIQUE (customer_id, msisdn)
    );
    CREATE TABLE customer_accounts (
        customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        account     TEXT    NOT NULL,
        position    INTEGER NOT NULL,
        PRIMARY KEY (customer_id, account)
    ) WITHOUT ROWID;
    CREATE TABLE merchants (
        id               TEXT    PRIMARY KEY,
        name             TEXT    NOT NULL,
        status           TEXT    NOT NULL CHECK (status IN ('active', 'revoked')),
        cert_fingerprint TEXT    UNIQUE,
        webhook_url      TEXT,
        webhook_secret   TEXT    NOT NULL,
        bank_account     TEXT    NOT NULL,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE payments (
        id             TEXT    PRIMARY KEY,
        merchant_id    TEXT    NOT NULL REFERENCES merchants (id),
        order_id       TEXT    NOT NULL,
        amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
        currency       TEXT    NOT NULL,
        description    TEXT    NOT NULL,
        return_url     TEXT,
        customer_hint  TEXT,
        state          TEXT    NOT NULL,
        customer_id    INTEGER REFERENCES customers (id),
        msisdn         TEXT,
        bank_account   TEXT,
        bank_reference TEXT,
        reason         TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL
    );
    CREATE INDEX payments_merchant ON payments (merchant_id, created_at);
    CREATE INDEX payments_customer ON payments (customer_id, state);
    CREATE INDEX payments_open ON payments (expires_at)
        WHERE state IN ('created', 'identified', 'code_sent');
    CREATE TABLE codes (
        id          INTEGER PRIMARY KEY,
        payment_id  TEXT    NOT NULL REFERENCES payments (id),
        hmac        BLOB    NOT NULL CHECK (length(hmac) = 32),
        msisdn      TEXT    NOT NULL,
        issued_at   INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        used        INTEGER NOT NULL DEFAULT 0,
        revoked     INTEGER NOT NULL DEFAULT 0,
        delivery    TEXT    NOT NULL DEFAULT 'pending',
        delivery_at INTEGER
    );
    CREATE INDEX codes_payment ON codes (payment_id, id);
    CREATE TABLE code_messages (
        smsc       TEXT    NOT NULL,
        message_id TEXT    NOT NULL,
        code_id    INTEGER NOT NULL REFERENCES codes (id),
        PRIMARY KEY (smsc, message_id)
    ) WITHOUT ROWID;
    CREATE TABLE code_sends (
        id     INTEGER PRIMARY KEY,
        msisdn TEXT    NOT NULL,
        at     INTEGER NOT NULL
    );
    CREATE INDEX code_sends_msisdn ON code_sends (msisdn, at);
    CREATE TABLE timeline (
        seq        INTEGER PRIMARY KEY,
        payment_id TEXT    NOT NULL REFERENCES payments (id),
        at         INTEGER NOT NULL,
        event      TEXT    NOT NULL,
        detail     TEXT    NOT NULL
    );
    CREATE INDEX timeline_payment ON timeline (payment_id, seq);
    CREATE TABLE idempotency (
        merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
        key          TEXT    NOT NULL,
        request_hash TEXT    NOT NULL,
        payment_id   TEXT    NOT NULL REFERENCES payments (id),
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (merchant_id, key)
    ) WITHOUT ROWID;
    -- AUTOINCREMENT: an outbox id is never reused, so a late answer for a
    -- webhook cannot mark another one delivered.
    CREATE TABLE webhook_outbox (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
        payment_id   TEXT    NOT NULL REFERENCES payments (id),
        url          TEXT    NOT NULL,
        body         TEXT    NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_at      INTEGER NOT NULL,
        status       TEXT    NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'delivered', 'failed')),
        delivered_at INTEGER,
        created_at   INTEGER NOT NULL
    );
    CREATE INDEX webhook_due ON webhook_outbox (next_at, id) WHERE status = 'pending';
    CREATE INDEX webhook_payment ON webhook_outbox (payment_id);
    CREATE TABLE admin_audit (
        seq    INTEGER PRIMARY KEY,
        at     INTEGER NOT NULL,
        actor  TEXT    NOT NULL,
        action TEXT    NOT NULL,
        detail TEXT    NOT NULL
    );",
    // 2: checkout sessions (a sign-in on the pages binds the payment's code
    // step to that browser) and the client address behind each code send
    // (per-prefix limits and the SMS pumping view).
    "CREATE TABLE checkout_sessions (
        payment_id TEXT    PRIMARY KEY REFERENCES payments (id),
        token_hash BLOB    NOT NULL CHECK (length(token_hash) = 32),
        created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE code_sends ADD COLUMN ip TEXT;
    CREATE INDEX code_sends_at ON code_sends (at);",
    // 3: how each payment is authorized (the payment modes of issue 8).
    "ALTER TABLE payments ADD COLUMN method TEXT NOT NULL DEFAULT 'sms_code'
        CHECK (method IN ('sms_code', 'handset_confirm', 'carrier', 'voucher'));",
    // handset confirmation (issue 8 part 1): the customer's payment PIN
    // with its own lockout, and the pushes waiting for a reply from the phone.
    "ALTER TABLE customers ADD COLUMN pin_hash TEXT;
    ALTER TABLE customers ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE customers ADD COLUMN pin_locked INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE pushes (
        payment_id  TEXT    PRIMARY KEY REFERENCES payments (id),
        reference   TEXT    NOT NULL,
        msisdn      TEXT    NOT NULL,
        customer_id INTEGER NOT NULL REFERENCES customers (id),
        status      TEXT    NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'confirmed', 'declined', 'refused', 'failed', 'expired')),
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        answered_at INTEGER,
        UNIQUE (msisdn, reference)
    ) WITHOUT ROWID;
    CREATE INDEX pushes_pending ON pushes (msisdn, created_at) WHERE status = 'pending';",
    // The bank's instructions to open or cancel the SMS payment method for
    // an account (registration from the bank), kept per reference so a
    // repeated instruction is answered the same, and each account's state.
    "CREATE TABLE bank_enrolments (
        account    TEXT    PRIMARY KEY,
        msisdn     TEXT    NOT NULL,
        status     TEXT    NOT NULL CHECK (status IN ('open', 'cancelled')),
        updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE bank_instructions (
        reference TEXT    PRIMARY KEY,
        action    TEXT    NOT NULL CHECK (action IN ('open', 'cancel')),
        account   TEXT    NOT NULL,
        msisdn    TEXT    NOT NULL,
        customers INTEGER NOT NULL,
        at        INTEGER NOT NULL
    ) WITHOUT ROWID;",
    // Dedicated terminals with encrypted codes (issue 8 part 3): the key a
    // terminal shares with the gateway, one per terminal, and its key id.
    "CREATE TABLE terminal_keys (
        terminal_id INTEGER PRIMARY KEY REFERENCES terminals (id) ON DELETE CASCADE,
        key         BLOB    NOT NULL CHECK (length(key) = 32),
        key_id      TEXT    NOT NULL,
        created_at  INTEGER NOT NULL
    );",
    // Prepaid vouchers (issue 8 part 4): a voucher bought by a bank transfer
    // into the gateway's float account, its balance, its password and backup
    // password (argon2id), the lockout counters and the two-step end-of-day
    // return (the bank transfer's key is written before the money moves);
    // every change of a balance is a row of voucher_transactions.
    "CREATE TABLE vouchers (
        number             TEXT    PRIMARY KEY,
        customer_id        INTEGER NOT NULL REFERENCES customers (id),
        source_account     TEXT    NOT NULL,
        float_account      TEXT    NOT NULL,
        currency           TEXT    NOT NULL,
        amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
        balance_minor      INTEGER NOT NULL CHECK (balance_minor >= 0),
        status             TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'locked',
                                   'admin_locked', 'returning', 'returned', 'refused')),
        password_hash      TEXT    NOT NULL,
        backup_hash        TEXT    NOT NULL,
        password_failures  INTEGER NOT NULL DEFAULT 0,
        backup_failures    INTEGER NOT NULL DEFAULT 0,
        msisdn             TEXT,
        purchase_key       TEXT    NOT NULL UNIQUE,
        purchase_reference TEXT,
        return_key         TEXT    UNIQUE,
        return_minor       INTEGER,
        return_reference   TEXT,
        reason             TEXT,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX vouchers_customer ON vouchers (customer_id, created_at);
    CREATE TABLE voucher_transactions (
        id            INTEGER PRIMARY KEY,
        number        TEXT    NOT NULL REFERENCES vouchers (number),
        kind          TEXT    NOT NULL CHECK (kind IN ('purchase', 'payment', 'refund', 'return')),
        amount_minor  INTEGER NOT NULL,
        balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
        payment_id    TEXT    REFERENCES payments (id),
        reference     TEXT,
        at            INTEGER NOT NULL
    );
    CREATE INDEX voucher_tx_number ON voucher_transactions (number, id);
    CREATE UNIQUE INDEX voucher_tx_payment ON voucher_transactions (payment_id, kind)
        WHERE payment_id IS NOT NULL;",
    // Carrier billing (issue 8 part 2): the operator's charge behind a
    // payment paid on the phone bill (operator, charge id, number, state).
    "CREATE TABLE carrier_charges (
        payment_id     TEXT    PRIMARY KEY REFERENCES payments (id),
        carrier        TEXT    NOT NULL,
        charge_id      TEXT    NOT NULL,
        msisdn         TEXT    NOT NULL,
        amount_minor   INTEGER NOT NULL,
        currency       TEXT    NOT NULL,
        state          TEXT    NOT NULL,
        refunded_minor INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
    );",
    // Terminal keys wrapped at rest (73 octets, see store::key_wrap); a
    // 32-octet key in clear is an older row, wrapped when the store opens.
    // SQLite cannot change a CHECK in place, so the table is rebuilt.
    "CREATE TABLE terminal_keys_wrapped (
        terminal_id INTEGER PRIMARY KEY REFERENCES terminals (id) ON DELETE CASCADE,
        key         BLOB    NOT NULL CHECK (length(key) IN (32, 73)),
        key_id      TEXT    NOT NULL,
        created_at  INTEGER NOT NULL
    );
    INSERT INTO terminal_keys_wrapped (terminal_id, key, key_id, created_at)
        SELECT terminal_id, key, key_id, created_at FROM terminal_keys;
    DROP TABLE terminal_keys;
    ALTER TABLE terminal_keys_wrapped RENAME TO terminal_keys;",
];

/// Opens (creating if needed) the database in `dir`, in WAL mode, migrated.
/// Returns the connection and the file path (for the reader).
pub fn open_file(dir: &Path, sync: SyncMode) -> Result<(Connection, PathBuf), StoreError> {
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
    prepare(&mut conn)?;
    Ok((conn, path))
}

/// A private in-memory database with the same schema.
pub fn open_memory() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory()?;
    prepare(&mut conn)?;
    Ok(conn)
}

/// A read-only connection to the file the writer opened.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn prepare(conn: &mut Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    migrate(conn)
}

/// Schema versions this build knows.
pub fn known_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |row| row.get(0),
    )?;
    let known = known_version();
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
