//! What the admin API shows: an account with this month's figures
//! ([`AccountView`]) and a month's bill ([`Statement`]): every charge dated
//! in the month with merchant, amount, state and time, the totals, and for
//! postpaid plans the credit limit and what remains of it.

use serde::Serialize;

use super::account::{BillingAccount, Plan};
use super::charge::{Charge, ChargeState};
use super::ledger::Ledger;
use super::month::Month;

#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub msisdn: String,
    pub plan: Plan,
    pub currency: String,
    pub locked: bool,
    pub month: String,
    pub spent_this_month: i64,
    /// Postpaid: credit left this month; prepaid: the balance.
    pub available: i64,
}

impl AccountView {
    pub fn of(ledger: &Ledger, a: &BillingAccount, month: Month) -> Self {
        let spent = ledger.spent(&a.msisdn, month);
        AccountView {
            msisdn: a.msisdn.clone(),
            plan: a.plan,
            currency: a.currency.clone(),
            locked: a.locked,
            month: month.to_string(),
            spent_this_month: spent,
            available: match a.plan {
                Plan::Postpaid { credit_limit } => (credit_limit - spent).max(0),
                Plan::Prepaid { balance } => balance,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementLine {
    pub charge_id: String,
    pub merchant: String,
    pub reference: String,
    pub amount: i64,
    pub refunded: i64,
    pub state: ChargeState,
    /// RFC 3339, UTC.
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub account: AccountView,
    pub charges: Vec<StatementLine>,
    /// Captured net of refunds: what the bill asks for.
    pub total_billed: i64,
    /// Authorized, not yet captured.
    pub total_pending: i64,
    pub total_refunded: i64,
    pub credit_limit: Option<i64>,
    pub credit_remaining: Option<i64>,
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

impl Statement {
    pub fn of(ledger: &Ledger, msisdn: &str, month: Month) -> Option<Statement> {
        let account = ledger.accounts.get(msisdn)?;
        let mut charges: Vec<&Charge> = ledger.month_charges(msisdn, month).collect();
        charges.sort_by_key(|c| (c.created_at, c.id.clone()));
        let sum = |f: &dyn Fn(&Charge) -> i64| charges.iter().map(|c| f(c)).sum::<i64>();
        let total_billed = sum(&|c| match c.state {
            ChargeState::Captured | ChargeState::Refunded => c.amount - c.refunded,
            _ => 0,
        });
        let total_pending = sum(&|c| match c.state {
            ChargeState::Authorized => c.amount,
            _ => 0,
        });
        let view = AccountView::of(ledger, account, month);
        let (credit_limit, credit_remaining) = match account.plan {
            Plan::Postpaid { credit_limit } => (Some(credit_limit), Some(view.available)),
            Plan::Prepaid { .. } => (None, None),
        };
        Some(Statement {
            charges: charges
                .iter()
                .map(|c| StatementLine {
                    charge_id: c.id.clone(),
                    merchant: c.merchant.clone(),
                    reference: c.reference.clone(),
                    amount: c.amount,
                    refunded: c.refunded,
                    state: c.state,
                    at: rfc3339(c.created_at),
                })
                .collect(),
            total_billed,
            total_pending,
            total_refunded: sum(&|c| c.refunded),
            credit_limit,
            credit_remaining,
            account: view,
        })
    }
}
