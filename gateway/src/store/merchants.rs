//! Merchants: registry entries with the fingerprint of their client
//! certificate, their status (revoked merchants are refused by the HTTP
//! layer), webhook URL and secret, and the account the bank credits.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::rows::parsed;
use super::{Merchant, MerchantStatus, NewMerchant, Store, StoreError};
use crate::domain::MerchantId;

const COLUMNS: &str = "id, name, status, cert_fingerprint, webhook_url, webhook_secret, \
     bank_account, created_at, updated_at";

fn merchant(row: &Row<'_>) -> rusqlite::Result<Merchant> {
    Ok(Merchant {
        id: parsed(row, 0)?,
        name: row.get(1)?,
        status: parsed(row, 2)?,
        cert_fingerprint: row.get(3)?,
        webhook_url: row.get(4)?,
        webhook_secret: row.get(5)?,
        bank_account: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

/// Runs an UPDATE on one merchant; no row means no such merchant.
fn touch(
    tx: &Transaction<'_>,
    sql: &str,
    id: &MerchantId,
    p: &[&dyn rusqlite::ToSql],
) -> Result<(), StoreError> {
    let key = id.as_str();
    let mut all: Vec<&dyn rusqlite::ToSql> = vec![&key];
    all.extend_from_slice(p);
    match tx.prepare_cached(sql)?.execute(all.as_slice())? {
        0 => Err(StoreError::NotFound {
            what: "merchant",
            id: id.to_string(),
        }),
        _ => Ok(()),
    }
}

impl Store {
    /// Registers an active merchant. A taken id or certificate fingerprint
    /// gives `Duplicate`.
    pub async fn create_merchant(&self, m: NewMerchant, now: i64) -> Result<Merchant, StoreError> {
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO merchants (id, name, status, cert_fingerprint, webhook_url,
                   webhook_secret, bank_account, created_at, updated_at)
                 VALUES (?1, ?2, 'active', ?3, ?4, ?5, ?6, ?7, ?7)",
            )?
            .execute(params![
                m.id.as_str(),
                m.name,
                m.cert_fingerprint,
                m.webhook_url,
                m.webhook_secret,
                m.bank_account,
                now
            ])?;
            Ok(Merchant {
                id: m.id,
                name: m.name,
                status: MerchantStatus::Active,
                cert_fingerprint: m.cert_fingerprint,
                webhook_url: m.webhook_url,
                webhook_secret: m.webhook_secret,
                bank_account: m.bank_account,
                created_at: now,
                updated_at: now,
            })
        })
        .await
    }

    pub async fn merchant(&self, id: &MerchantId) -> Result<Option<Merchant>, StoreError> {
        let id = id.clone();
        self.read(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM merchants WHERE id = ?1");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([id.as_str()], merchant)
                .optional()?)
        })
        .await
    }

    /// The merchant a client certificate belongs to, whatever its status:
    /// the caller refuses revoked ones.
    pub async fn merchant_by_fingerprint(
        &self,
        fingerprint: &str,
    ) -> Result<Option<Merchant>, StoreError> {
        let fingerprint = fingerprint.to_ascii_lowercase();
        self.read(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM merchants WHERE cert_fingerprint = ?1");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([fingerprint], merchant)
                .optional()?)
        })
        .await
    }

    /// All merchants, by name.
    pub async fn list_merchants(&self) -> Result<Vec<Merchant>, StoreError> {
        self.read(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM merchants ORDER BY name, id");
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([], merchant)?.collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Binds a (new) client certificate to the merchant, replacing the old
    /// one, which stops working at once.
    pub async fn set_merchant_certificate(
        &self,
        id: &MerchantId,
        fingerprint: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let (id, fingerprint) = (id.clone(), fingerprint.to_ascii_lowercase());
        self.write(move |tx| {
            let sql = "UPDATE merchants SET cert_fingerprint = ?2, updated_at = ?3 WHERE id = ?1";
            touch(tx, sql, &id, &[&fingerprint, &now])
        })
        .await
    }

    /// Revokes (or reactivates) a merchant.
    pub async fn set_merchant_status(
        &self,
        id: &MerchantId,
        status: MerchantStatus,
        now: i64,
    ) -> Result<(), StoreError> {
        let id = id.clone();
        self.write(move |tx| {
            let sql = "UPDATE merchants SET status = ?2, updated_at = ?3 WHERE id = ?1";
            touch(tx, sql, &id, &[&status.as_str(), &now])
        })
        .await
    }

    pub async fn set_merchant_webhook(
        &self,
        id: &MerchantId,
        url: Option<String>,
        secret: String,
        now: i64,
    ) -> Result<(), StoreError> {
        let id = id.clone();
        self.write(move |tx| {
            let sql = "UPDATE merchants SET webhook_url = ?2, webhook_secret = ?3, updated_at = ?4
                 WHERE id = ?1";
            touch(tx, sql, &id, &[&url, &secret, &now])
        })
        .await
    }
}
