//! Registration from the bank: the bank's instruction to open or cancel the
//! SMS payment method for one of its accounts, with the phone it has on
//! file for the holder.
//!
//! [`Store::apply_bank_instruction`] runs in one transaction: a reference
//! seen before is a replay (the same instruction gets the first answer; a
//! different one under that reference is `Duplicate`); otherwise the
//! account's enrolment is written, on `open` the phone becomes a terminal
//! of every customer who linked the account (unless it is one already),
//! and the instruction is logged with the admin audit trail.
//! [`Store::payable_accounts`] leaves out accounts the bank cancelled.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{NewTerminal, Store, StoreError, TerminalKind};
use crate::domain::CustomerId;

/// What the bank asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsMethodAction {
    Open,
    Cancel,
}

impl SmsMethodAction {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsMethodAction::Open => "open",
            SmsMethodAction::Cancel => "cancel",
        }
    }
}

/// One instruction from the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankInstruction {
    /// The bank's own id for it: the idempotency key.
    pub reference: String,
    pub action: SmsMethodAction,
    pub account: String,
    /// The holder's phone as the bank has it (E.164 digits).
    pub msisdn: String,
}

/// What an instruction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankOutcome {
    /// Customers of the gateway who linked the account.
    pub customers: Vec<CustomerId>,
    /// Terminals added for them (open only).
    pub terminals_added: usize,
    /// True when the reference had been applied before: nothing changed.
    pub replayed: bool,
}

fn holders(tx: &Transaction<'_>, account: &str) -> Result<Vec<CustomerId>, StoreError> {
    let sql = "SELECT customer_id FROM customer_accounts WHERE account = ?1 ORDER BY customer_id";
    Ok(tx
        .prepare_cached(sql)?
        .query_map([account], |r| r.get::<_, i64>(0).map(CustomerId))?
        .collect::<Result<_, _>>()?)
}

fn apply(tx: &Transaction<'_>, i: &BankInstruction, now: i64) -> Result<BankOutcome, StoreError> {
    let sql = "SELECT action, account, msisdn FROM bank_instructions WHERE reference = ?1";
    let earlier: Option<(String, String, String)> = tx
        .prepare_cached(sql)?
        .query_row([&i.reference], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((action, account, msisdn)) = earlier {
        if (action.as_str(), &account, &msisdn) != (i.action.as_str(), &i.account, &i.msisdn) {
            return Err(StoreError::Duplicate(format!(
                "bank reference {} was used for another instruction",
                i.reference
            )));
        }
        return Ok(BankOutcome {
            customers: holders(tx, &i.account)?,
            terminals_added: 0,
            replayed: true,
        });
    }
    let status = match i.action {
        SmsMethodAction::Open => "open",
        SmsMethodAction::Cancel => "cancelled",
    };
    tx.prepare_cached(
        "INSERT INTO bank_enrolments (account, msisdn, status, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account) DO UPDATE SET msisdn = ?2, status = ?3, updated_at = ?4",
    )?
    .execute(params![i.account, i.msisdn, status, now])?;
    let customers = holders(tx, &i.account)?;
    let mut terminals_added = 0;
    if i.action == SmsMethodAction::Open {
        for c in &customers {
            let sql = "SELECT 1 FROM terminals WHERE customer_id = ?1 AND msisdn = ?2";
            let known = tx
                .prepare_cached(sql)?
                .query_row(params![c.0, i.msisdn], |_| Ok(()))
                .optional()?
                .is_some();
            if !known {
                let t = NewTerminal {
                    msisdn: i.msisdn.clone(),
                    kind: TerminalKind::Phone,
                    label: "phone registered by the bank".into(),
                };
                super::customers::insert_terminal(tx, *c, &t)?;
                terminals_added += 1;
            }
        }
    }
    tx.prepare_cached(
        "INSERT INTO bank_instructions (reference, action, account, msisdn, customers, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        i.reference,
        i.action.as_str(),
        i.account,
        i.msisdn,
        customers.len() as i64,
        now
    ])?;
    let detail = format!(
        "{} SMS method for account {} (phone {}, reference {}): {} customer(s), {} terminal(s) added",
        i.action.as_str(),
        i.account,
        i.msisdn,
        i.reference,
        customers.len(),
        terminals_added
    );
    tx.prepare_cached(
        "INSERT INTO admin_audit (at, actor, action, detail) VALUES (?1, 'bank', ?2, ?3)",
    )?
    .execute(params![
        now,
        format!("sms_method_{}", i.action.as_str()),
        detail
    ])?;
    Ok(BankOutcome {
        customers,
        terminals_added,
        replayed: false,
    })
}

impl Store {
    /// Applies the bank's instruction once (see the module docs).
    pub async fn apply_bank_instruction(
        &self,
        i: BankInstruction,
        now: i64,
    ) -> Result<BankOutcome, StoreError> {
        self.write(move |tx| apply(tx, &i, now)).await
    }

    /// The customer's linked accounts that may pay: all of them, in order,
    /// except those whose SMS method the bank cancelled.
    pub async fn payable_accounts(&self, id: CustomerId) -> Result<Vec<String>, StoreError> {
        self.read(move |conn| {
            let sql = "SELECT a.account FROM customer_accounts a
                 LEFT JOIN bank_enrolments e ON e.account = a.account
                 WHERE a.customer_id = ?1 AND COALESCE(e.status, 'open') = 'open'
                 ORDER BY a.position";
            Ok(conn
                .prepare_cached(sql)?
                .query_map([id.0], |r| r.get(0))?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    /// The bank's word on `account`: its phone and whether the SMS method
    /// is open, or `None` when the bank never sent an instruction for it.
    pub async fn bank_enrolment(
        &self,
        account: &str,
    ) -> Result<Option<(String, bool)>, StoreError> {
        let account = account.to_owned();
        self.read(move |conn| {
            let sql = "SELECT msisdn, status FROM bank_enrolments WHERE account = ?1";
            Ok(conn
                .prepare_cached(sql)?
                .query_row([account], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)? == "open"))
                })
                .optional()?)
        })
        .await
    }
}
