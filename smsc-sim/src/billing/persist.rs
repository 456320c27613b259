//! `billing.sqlite` in the store's data directory: each charge and each
//! account's mutable state (PIN failures, lock, prepaid balance) as a JSON
//! row, written before the API answers. The message store's journal is
//! built for the SMPP hot path; the books are small and change once per
//! purchase, so a separate file with one upsert per change is enough and
//! keeps the two independent. Opening lays the saved rows over the
//! configured accounts: plan and limit come from the config, the rest from
//! the file.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, params};

use super::BillingError;
use super::account::AccountState;
use super::charge::Charge;
use super::ledger::Ledger;

pub struct Persist {
    conn: Mutex<Connection>,
}

impl Persist {
    pub fn open(path: &Path, ledger: &mut Ledger) -> anyhow::Result<Persist> {
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS billing_accounts (msisdn TEXT PRIMARY KEY, state TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS billing_charges (id TEXT PRIMARY KEY, charge TEXT NOT NULL);",
        )?;
        {
            let mut q = conn.prepare("SELECT msisdn, state FROM billing_accounts")?;
            let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (msisdn, state) = row?;
                let state: AccountState = serde_json::from_str(&state)?;
                if let Some(a) = ledger.accounts.get_mut(&msisdn) {
                    a.restore(state);
                }
            }
            let mut q = conn.prepare("SELECT charge FROM billing_charges")?;
            let rows = q.query_map([], |r| r.get::<_, String>(0))?;
            for row in rows {
                let charge: Charge = serde_json::from_str(&row?)?;
                ledger.insert_charge(charge);
            }
        }
        Ok(Persist {
            conn: Mutex::new(conn),
        })
    }

    /// Upserts the account and the charge named, as one transaction.
    pub fn save(
        &self,
        ledger: &Ledger,
        msisdn: Option<&str>,
        charge: Option<&str>,
    ) -> Result<(), BillingError> {
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tx = conn.transaction()?;
        if let Some(a) = msisdn.and_then(|m| ledger.accounts.get(m)) {
            let json = serde_json::to_string(&a.state()).expect("plain data serializes");
            tx.execute(
                "INSERT INTO billing_accounts (msisdn, state) VALUES (?1, ?2)
                 ON CONFLICT(msisdn) DO UPDATE SET state = excluded.state",
                params![a.msisdn, json],
            )?;
        }
        if let Some(c) = charge.and_then(|id| ledger.charges.get(id)) {
            let json = serde_json::to_string(c).expect("plain data serializes");
            tx.execute(
                "INSERT INTO billing_charges (id, charge) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET charge = excluded.charge",
                params![c.id, json],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
