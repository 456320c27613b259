//! Prepaid vouchers (issue 8 part 4): the `vouchers` row (balance in minor
//! units of one currency, status, argon2id hashes of the payment and backup
//! passwords, lockout counters, the bank keys of the purchase and of the
//! end-of-day return) and the `voucher_transactions` ledger beside it.
//!
//! Every balance change happens in one IMMEDIATE transaction of the single
//! writer together with its ledger row, so two payments cannot both spend
//! the same balance (`spend`: the debit is `balance >= amount` in the
//! UPDATE itself and the table refuses a negative balance). Types, rows
//! and reads are here; the purchase in `purchase`, the lockout counters in
//! `lockout`, the writes that move money in `spend` (payments, refunds)
//! and `returns` (end of day).

mod lockout;
mod purchase;
mod returns;
mod spend;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::rows::{count, parsed};
use super::{Store, StoreError};
use crate::domain::{CustomerId, Money, PaymentId};

pub use spend::SpendOutcome;

/// Where a voucher is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoucherStatus {
    /// Written before the bank moved the purchase money.
    Pending,
    Active,
    /// Too many wrong passwords: the backup password unlocks.
    Locked,
    /// Too many wrong backup passwords: only an administrator unlocks.
    AdminLocked,
    /// The end-of-day return has its bank key; the money may be moving.
    Returning,
    Returned,
    /// The bank declined the purchase; nothing was bought.
    Refused,
}

impl VoucherStatus {
    pub const ALL: [VoucherStatus; 7] = [
        VoucherStatus::Pending,
        VoucherStatus::Active,
        VoucherStatus::Locked,
        VoucherStatus::AdminLocked,
        VoucherStatus::Returning,
        VoucherStatus::Returned,
        VoucherStatus::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VoucherStatus::Pending => "pending",
            VoucherStatus::Active => "active",
            VoucherStatus::Locked => "locked",
            VoucherStatus::AdminLocked => "admin_locked",
            VoucherStatus::Returning => "returning",
            VoucherStatus::Returned => "returned",
            VoucherStatus::Refused => "refused",
        }
    }
}

impl fmt::Display for VoucherStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VoucherStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        VoucherStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown voucher status {s:?}"))
    }
}

/// A voucher as stored. `Debug` leaves out the hashes.
#[derive(Clone, PartialEq, Eq)]
pub struct Voucher {
    pub number: String,
    pub customer_id: CustomerId,
    /// The buyer's account the purchase came from and a return goes to.
    pub source_account: String,
    /// The gateway's account holding the vouchers' money.
    pub float_account: String,
    /// What was bought.
    pub amount: Money,
    /// What is left (same currency).
    pub balance: Money,
    pub status: VoucherStatus,
    pub password_hash: String,
    pub backup_hash: String,
    pub password_failures: u32,
    pub backup_failures: u32,
    /// The buyer's phone the voucher SMS go to.
    pub msisdn: Option<String>,
    /// The bank transfer key (a payment id) of the purchase.
    pub purchase_key: PaymentId,
    pub purchase_reference: Option<String>,
    pub return_key: Option<PaymentId>,
    pub return_reference: Option<String>,
    /// Why the purchase was refused.
    pub reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl fmt::Debug for Voucher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Voucher")
            .field("number", &self.number)
            .field("customer_id", &self.customer_id)
            .field("balance", &self.balance)
            .field("status", &self.status)
            .field("password_failures", &self.password_failures)
            .field("backup_failures", &self.backup_failures)
            .finish_non_exhaustive()
    }
}

/// A voucher to write in `pending`, before the bank is asked.
#[derive(Clone)]
pub struct NewVoucher {
    pub number: String,
    pub customer_id: CustomerId,
    pub source_account: String,
    pub float_account: String,
    pub amount: Money,
    pub password_hash: String,
    pub backup_hash: String,
    pub msisdn: Option<String>,
    pub purchase_key: PaymentId,
}

/// One change of a voucher's balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoucherTransaction {
    pub kind: String,
    pub amount_minor: i64,
    pub balance_after: i64,
    pub payment_id: Option<String>,
    pub reference: Option<String>,
    pub at: i64,
}

pub(super) const COLUMNS: &str = "number, customer_id, source_account, float_account, currency, \
     amount_minor, balance_minor, status, password_hash, backup_hash, password_failures, \
     backup_failures, msisdn, purchase_key, purchase_reference, return_key, return_reference, \
     reason, created_at, updated_at";

pub(super) fn voucher_row(r: &Row<'_>) -> rusqlite::Result<Voucher> {
    let currency = parsed(r, 4)?;
    Ok(Voucher {
        number: r.get(0)?,
        customer_id: CustomerId(r.get(1)?),
        source_account: r.get(2)?,
        float_account: r.get(3)?,
        amount: Money::new(r.get(5)?, currency),
        balance: Money::new(r.get(6)?, currency),
        status: parsed(r, 7)?,
        password_hash: r.get(8)?,
        backup_hash: r.get(9)?,
        password_failures: count(r, 10)?,
        backup_failures: count(r, 11)?,
        msisdn: r.get(12)?,
        purchase_key: parsed(r, 13)?,
        purchase_reference: r.get(14)?,
        return_key: r
            .get::<_, Option<String>>(15)?
            .map(|k| k.parse().map_err(|e| super::error::corrupt(15, e)))
            .transpose()?,
        return_reference: r.get(16)?,
        reason: r.get(17)?,
        created_at: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

pub(super) fn load(conn: &Connection, number: &str) -> Result<Option<Voucher>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM vouchers WHERE number = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([number], voucher_row)
        .optional()?)
}

pub(super) fn not_found(number: &str) -> StoreError {
    StoreError::NotFound {
        what: "voucher",
        id: number.to_owned(),
    }
}

#[allow(clippy::too_many_arguments)] // one ledger row's columns
pub(super) fn insert_tx(
    conn: &Connection,
    number: &str,
    kind: &str,
    amount_minor: i64,
    balance_after: i64,
    payment: Option<&PaymentId>,
    reference: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO voucher_transactions (number, kind, amount_minor, balance_after, \
         payment_id, reference, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        number,
        kind,
        amount_minor,
        balance_after,
        payment.map(PaymentId::as_str),
        reference,
        at
    ])?;
    Ok(())
}

impl Store {
    pub async fn voucher(&self, number: &str) -> Result<Option<Voucher>, StoreError> {
        let number = number.to_owned();
        self.read(move |conn| load(conn, &number)).await
    }

    /// Vouchers, newest first; `customer` restricts to one buyer.
    pub async fn list_vouchers(
        &self,
        customer: Option<CustomerId>,
    ) -> Result<Vec<Voucher>, StoreError> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM vouchers WHERE ?1 IS NULL OR customer_id = ?1 \
                 ORDER BY created_at DESC, number"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([customer.map(|c| c.0)], voucher_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// A voucher's ledger, oldest first.
    pub async fn voucher_transactions(
        &self,
        number: &str,
    ) -> Result<Vec<VoucherTransaction>, StoreError> {
        let number = number.to_owned();
        self.read(move |conn| {
            let sql = "SELECT kind, amount_minor, balance_after, payment_id, reference, at \
                       FROM voucher_transactions WHERE number = ?1 ORDER BY id";
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([number], |r| {
                Ok(VoucherTransaction {
                    kind: r.get(0)?,
                    amount_minor: r.get(1)?,
                    balance_after: r.get(2)?,
                    payment_id: r.get(3)?,
                    reference: r.get(4)?,
                    at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}
