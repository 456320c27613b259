//! One transfer inside one IMMEDIATE transaction: replay a known payment id, else decide
//! (accounts exist and are open, currencies match, 24-hour limit, balance), move the money if
//! approved and record the outcome under the payment id, then commit. The write lock taken
//! at BEGIN serializes transfers, so two cannot both spend the same balance.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::internal;
use crate::bank::{BankError, BankOutcome, DeclineReason, Transfer};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Checks and applies `t` at time `now` (Unix ms), or returns its first outcome.
pub(super) fn apply(c: &mut Connection, t: &Transfer, now: i64) -> Result<BankOutcome, BankError> {
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(internal)?;
    if let Some(first) = replay(&tx, t)? {
        return Ok(first);
    }
    let outcome = match decide(&tx, t, now).map_err(internal)? {
        Some(reason) => BankOutcome::Declined { reason },
        None => {
            move_money(&tx, t)?;
            // The reference comes from the transfer's row id, assigned by record().
            BankOutcome::Approved {
                reference: String::new(),
            }
        }
    };
    let outcome = record(&tx, t, outcome, now).map_err(internal)?;
    tx.commit().map_err(internal)?;
    Ok(outcome)
}

fn move_money(tx: &Connection, t: &Transfer) -> Result<(), BankError> {
    let debit = "UPDATE accounts SET balance_minor = balance_minor - ?2 \
                 WHERE number = ?1 AND balance_minor >= ?2";
    let credit = "UPDATE accounts SET balance_minor = balance_minor + ?2 WHERE number = ?1";
    let debited = tx
        .execute(debit, params![t.from_account, t.amount.minor])
        .map_err(internal)?;
    let credited = tx
        .execute(credit, params![t.to_account, t.amount.minor])
        .map_err(internal)?;
    if debited != 1 || credited != 1 {
        // decide() read both accounts and the balance inside this same transaction.
        return Err(BankError::Internal("accounts changed mid-transfer".into()));
    }
    Ok(())
}

/// The first outcome for this payment id, if it was seen before.
fn replay(tx: &Connection, t: &Transfer) -> Result<Option<BankOutcome>, BankError> {
    let sql = "SELECT from_account, to_account, amount_minor, currency, outcome, reference \
               FROM transfers WHERE payment_id = ?1";
    let found = tx
        .query_row(sql, [t.payment_id.as_str()], |r| {
            let row: (String, String, i64, String, String, Option<String>) = (
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            );
            Ok(row)
        })
        .optional()
        .map_err(internal)?;
    let Some((from, to, minor, currency, outcome, reference)) = found else {
        return Ok(None);
    };
    let same = from == t.from_account
        && to == t.to_account
        && minor == t.amount.minor
        && currency == t.amount.currency.code();
    if !same {
        return Err(BankError::Internal(format!(
            "payment {} was already used for a different transfer",
            t.payment_id
        )));
    }
    Ok(Some(match (outcome.as_str(), reference) {
        ("approved", Some(reference)) => BankOutcome::Approved { reference },
        (reason, _) => BankOutcome::Declined {
            reason: reason.parse()?,
        },
    }))
}

/// Why the transfer must be declined, or `None` if it may go ahead.
fn decide(tx: &Connection, t: &Transfer, now: i64) -> rusqlite::Result<Option<DeclineReason>> {
    let sql = "SELECT currency, balance_minor, daily_limit_minor, closed \
               FROM accounts WHERE number = ?1";
    let load = |number: &str| {
        tx.query_row(sql, [number], |r| {
            let row: (String, i64, Option<i64>, bool) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            Ok(row)
        })
        .optional()
    };
    let (Some(from), Some(to)) = (load(&t.from_account)?, load(&t.to_account)?) else {
        return Ok(Some(DeclineReason::UnknownAccount));
    };
    if from.3 || to.3 {
        return Ok(Some(DeclineReason::AccountClosed));
    }
    let code = t.amount.currency.code();
    if from.0 != code || to.0 != code {
        return Ok(Some(DeclineReason::CurrencyMismatch));
    }
    if let Some(limit) = from.2 {
        let sql = "SELECT COALESCE(SUM(amount_minor), 0) FROM transfers \
                   WHERE from_account = ?1 AND outcome = 'approved' AND at > ?2";
        let spent: i64 = tx.query_row(sql, params![t.from_account, now - DAY_MS], |r| r.get(0))?;
        if spent.saturating_add(t.amount.minor) > limit {
            return Ok(Some(DeclineReason::LimitExceeded));
        }
    }
    if from.1 < t.amount.minor {
        return Ok(Some(DeclineReason::InsufficientFunds));
    }
    Ok(None)
}

/// Stores the outcome under the payment id; an approval gets its reference from the row id.
fn record(
    tx: &Connection,
    t: &Transfer,
    outcome: BankOutcome,
    now: i64,
) -> rusqlite::Result<BankOutcome> {
    let name = match &outcome {
        BankOutcome::Approved { .. } => "approved",
        BankOutcome::Declined { reason } => reason.as_str(),
    };
    let sql = "INSERT INTO transfers (payment_id, from_account, to_account, amount_minor, \
               currency, outcome, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    tx.execute(
        sql,
        params![
            t.payment_id.as_str(),
            t.from_account,
            t.to_account,
            t.amount.minor,
            t.amount.currency.code(),
            name,
            now
        ],
    )?;
    if !outcome.is_approved() {
        return Ok(outcome);
    }
    let id = tx.last_insert_rowid();
    let reference = format!("SIM{id:010}");
    tx.execute(
        "UPDATE transfers SET reference = ?1 WHERE id = ?2",
        params![reference, id],
    )?;
    Ok(BankOutcome::Approved { reference })
}
