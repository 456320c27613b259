//! Customers, their online identities, terminals and linked accounts, and
//! the lockout counters. Failure counters are bumped in SQL
//! (`SET n = n + 1`) so concurrent logins cannot lose a count.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::rows::{count, money_cols, money_opt, parsed};
use super::{Customer, NewCustomer, NewTerminal, Store, StoreError, Terminal};
use crate::domain::{CustomerId, IdentityKind, OnlineIdentity};

const COLUMNS: &str = "id, name, id_document_masked, status, password_hash, backup_hash, \
     password_failures, backup_failures, limit_payment_minor, limit_payment_ccy, \
     limit_day_minor, limit_day_ccy, locale, created_at, updated_at";

fn customer(row: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: CustomerId(row.get(0)?),
        name: row.get(1)?,
        id_document_masked: row.get(2)?,
        status: parsed(row, 3)?,
        password_hash: row.get(4)?,
        backup_hash: row.get(5)?,
        password_failures: count(row, 6)?,
        backup_failures: count(row, 7)?,
        limit_per_payment: money_opt(row, 8)?,
        limit_per_day: money_opt(row, 10)?,
        locale: row.get(12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
    })
}

fn terminal(row: &Row<'_>) -> rusqlite::Result<Terminal> {
    Ok(Terminal {
        id: row.get(0)?,
        customer_id: CustomerId(row.get(1)?),
        msisdn: row.get(2)?,
        kind: parsed(row, 3)?,
        label: row.get(4)?,
    })
}

fn insert_identity(
    tx: &Transaction<'_>,
    id: CustomerId,
    identity: &OnlineIdentity,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)")?
        .execute(params![identity.kind().as_str(), identity.value(), id.0])?;
    Ok(())
}

pub(super) fn insert_terminal(
    tx: &Transaction<'_>,
    id: CustomerId,
    t: &NewTerminal,
) -> Result<Terminal, StoreError> {
    tx.prepare_cached(
        "INSERT INTO terminals (customer_id, msisdn, kind, label) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id.0, t.msisdn, t.kind.as_str(), t.label])?;
    Ok(Terminal {
        id: tx.last_insert_rowid(),
        customer_id: id,
        msisdn: t.msisdn.clone(),
        kind: t.kind,
        label: t.label.clone(),
    })
}

fn insert_account(tx: &Transaction<'_>, id: CustomerId, account: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO customer_accounts (customer_id, account, position)
         SELECT ?1, ?2, COALESCE(MAX(position) + 1, 0) FROM customer_accounts WHERE customer_id = ?1",
    )?
    .execute(params![id.0, account])?;
    Ok(())
}

impl Store {
    /// Registers a customer with identities, terminals and accounts, all or
    /// nothing. An identity someone already has gives `Duplicate`.
    pub async fn create_customer(
        &self,
        c: NewCustomer,
        now: i64,
    ) -> Result<CustomerId, StoreError> {
        self.write(move |tx| {
            let (pm, pc) = money_cols(c.limit_per_payment.as_ref());
            let (dm, dc) = money_cols(c.limit_per_day.as_ref());
            tx.prepare_cached(
                "INSERT INTO customers (name, id_document_masked, status, password_hash, backup_hash,
                   limit_payment_minor, limit_payment_ccy, limit_day_minor, limit_day_ccy, locale,
                   created_at, updated_at)
                 VALUES (?1, ?2, 'active', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            )?
            .execute(params![c.name, c.id_document_masked, c.password_hash, c.backup_hash, pm, pc, dm, dc, c.locale, now])?;
            let id = CustomerId(tx.last_insert_rowid());
            for identity in &c.identities {
                insert_identity(tx, id, identity)?;
            }
            for t in &c.terminals {
                insert_terminal(tx, id, t)?;
            }
            for a in &c.accounts {
                insert_account(tx, id, a)?;
            }
            Ok(id)
        })
        .await
    }

    pub async fn customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        self.read(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = ?1");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([id.0], customer)
                .optional()?)
        })
        .await
    }

    /// The customer an online identity belongs to.
    pub async fn find_identity(
        &self,
        identity: &OnlineIdentity,
    ) -> Result<Option<CustomerId>, StoreError> {
        let (kind, value) = (identity.kind(), identity.value().to_owned());
        self.read(move |conn| {
            let sql = "SELECT customer_id FROM identities WHERE kind = ?1 AND value = ?2";
            let id = conn
                .prepare_cached(sql)?
                .query_row(params![kind.as_str(), value], |r| r.get(0))
                .optional()?;
            Ok(id.map(CustomerId))
        })
        .await
    }

    /// The customer record behind an online identity, in one read.
    pub async fn customer_by_identity(
        &self,
        identity: &OnlineIdentity,
    ) -> Result<Option<Customer>, StoreError> {
        let (kind, value) = (identity.kind(), identity.value().to_owned());
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM customers WHERE id =
                   (SELECT customer_id FROM identities WHERE kind = ?1 AND value = ?2)"
            );
            Ok(conn
                .prepare_cached(&sql)?
                .query_row(params![kind.as_str(), value], customer)
                .optional()?)
        })
        .await
    }

    /// All customers, by id.
    pub async fn list_customers(&self) -> Result<Vec<Customer>, StoreError> {
        self.read(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM customers ORDER BY id");
            let rows = conn
                .prepare_cached(&sql)?
                .query_map([], customer)?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn identities(&self, id: CustomerId) -> Result<Vec<OnlineIdentity>, StoreError> {
        self.read(move |conn| {
            // Phone numbers first, then accounts, then aliases: the order a
            // page lists them in.
            let sql = "SELECT kind, value FROM identities WHERE customer_id = ?1
                 ORDER BY CASE kind WHEN 'phone' THEN 0 WHEN 'account' THEN 1 ELSE 2 END, value";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([id.0], |r| {
                let kind: IdentityKind = parsed(r, 0)?;
                let value: String = r.get(1)?;
                OnlineIdentity::from_parts(kind, &value).map_err(|e| super::error::corrupt(1, e))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    pub async fn add_identity(
        &self,
        id: CustomerId,
        identity: OnlineIdentity,
    ) -> Result<(), StoreError> {
        self.write(move |tx| insert_identity(tx, id, &identity))
            .await
    }

    /// Registered terminals in the order they were added.
    pub async fn terminals(&self, id: CustomerId) -> Result<Vec<Terminal>, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT id, customer_id, msisdn, kind, label FROM terminals WHERE customer_id = ?1 ORDER BY id";
            Ok(conn.prepare_cached(sql)?.query_map([id.0], terminal)?.collect::<Result<_, _>>()?)
        })
        .await
    }

    pub async fn add_terminal(
        &self,
        id: CustomerId,
        t: NewTerminal,
    ) -> Result<Terminal, StoreError> {
        self.write(move |tx| insert_terminal(tx, id, &t)).await
    }

    /// Linked bank account numbers, in the order they were linked.
    pub async fn customer_accounts(&self, id: CustomerId) -> Result<Vec<String>, StoreError> {
        self.read(move |conn| {
            let sql =
                "SELECT account FROM customer_accounts WHERE customer_id = ?1 ORDER BY position";
            Ok(conn
                .prepare_cached(sql)?
                .query_map([id.0], |r| r.get(0))?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    pub async fn link_account(&self, id: CustomerId, account: String) -> Result<(), StoreError> {
        self.write(move |tx| insert_account(tx, id, &account)).await
    }
}
