//! The operator's books, without I/O: accounts by number, charges by id,
//! and the partners' references (for idempotent authorization). Each
//! operation takes the current time, so tests move across month ends with
//! a clock they control. [`super::Billing`] wraps it in a lock and saves
//! what changed.

use std::collections::{BTreeMap, HashMap};

use super::account::{BillingAccount, Plan, digits};
use super::charge::{Charge, ChargeState};
use super::month::Month;
use super::{AuthorizeRequest, BillingError, Decision, DeclineReason};

#[derive(Debug, Default)]
pub struct Ledger {
    pub accounts: BTreeMap<String, BillingAccount>,
    pub charges: BTreeMap<String, Charge>,
    /// (partner, reference) → charge id.
    pub references: HashMap<(String, String), String>,
}

impl Ledger {
    pub fn insert_charge(&mut self, charge: Charge) {
        // A voided authorization frees its reference: the partner may try
        // the same purchase again.
        if charge.state != ChargeState::Voided {
            self.references.insert(
                (charge.partner.clone(), charge.reference.clone()),
                charge.id.clone(),
            );
        }
        self.charges.insert(charge.id.clone(), charge);
    }

    /// Net charges of `msisdn` dated in `month`.
    pub fn spent(&self, msisdn: &str, month: Month) -> i64 {
        self.month_charges(msisdn, month).map(Charge::net).sum()
    }

    pub fn month_charges<'a>(
        &'a self,
        msisdn: &'a str,
        month: Month,
    ) -> impl Iterator<Item = &'a Charge> + 'a {
        self.charges
            .values()
            .filter(move |c| c.msisdn == msisdn && Month::of(c.created_at) == month)
    }

    /// The decision on `req`; `barred` is the HLR's word on the number.
    /// A replayed reference answers with its charge (no second charge).
    pub fn authorize(
        &mut self,
        partner: &str,
        req: &AuthorizeRequest,
        barred: bool,
        max_pins: u32,
        now: i64,
    ) -> Result<Decision, BillingError> {
        req.check()?;
        let msisdn = digits(&req.msisdn).to_owned();
        let key = (partner.to_owned(), req.reference.clone());
        if let Some(id) = self.references.get(&key) {
            let c = &self.charges[id];
            if c.msisdn != msisdn || c.amount != req.amount || c.merchant != req.merchant {
                return Err(BillingError::Conflict(format!(
                    "reference {} was used for another charge",
                    req.reference
                )));
            }
            return Ok(Decision::Approved {
                charge: c.clone(),
                replayed: true,
            });
        }
        let spent = self.spent(&msisdn, Month::of(now));
        let Some(account) = self.accounts.get_mut(&msisdn) else {
            return Ok(Decision::Declined(DeclineReason::UnknownSubscriber));
        };
        if account.locked {
            return Ok(Decision::Declined(DeclineReason::Locked));
        }
        if let Err(attempts_left) = account.check_pin(&req.pin, max_pins) {
            return Ok(Decision::Declined(if account.locked {
                DeclineReason::Locked
            } else {
                DeclineReason::WrongPin { attempts_left }
            }));
        }
        if barred {
            return Ok(Decision::Declined(DeclineReason::Barred));
        }
        if !account.currency.eq_ignore_ascii_case(&req.currency) {
            return Err(BillingError::Invalid(format!(
                "the account is billed in {}, not {}",
                account.currency, req.currency
            )));
        }
        match &mut account.plan {
            Plan::Postpaid { credit_limit } if spent + req.amount > *credit_limit => {
                return Ok(Decision::Declined(DeclineReason::OverCreditLimit));
            }
            Plan::Prepaid { balance } if *balance < req.amount => {
                return Ok(Decision::Declined(DeclineReason::InsufficientBalance));
            }
            Plan::Prepaid { balance } => *balance -= req.amount,
            Plan::Postpaid { .. } => {}
        }
        let charge = Charge {
            id: format!("ch_{}", uuid::Uuid::new_v4().simple()),
            partner: partner.to_owned(),
            msisdn,
            merchant: req.merchant.clone(),
            reference: req.reference.clone(),
            amount: req.amount,
            currency: account.currency.clone(),
            refunded: 0,
            state: ChargeState::Authorized,
            created_at: now,
            updated_at: now,
        };
        self.insert_charge(charge.clone());
        Ok(Decision::Approved {
            charge,
            replayed: false,
        })
    }

    /// The partner's own charge `id`, for a change.
    fn charge_mut(&mut self, partner: &str, id: &str) -> Result<&mut Charge, BillingError> {
        self.charges
            .get_mut(id)
            .filter(|c| c.partner == partner)
            .ok_or_else(|| BillingError::NoSuchCharge(id.to_owned()))
    }

    pub fn capture(&mut self, partner: &str, id: &str, now: i64) -> Result<Charge, BillingError> {
        let c = self.charge_mut(partner, id)?;
        c.capture(now)?;
        Ok(c.clone())
    }

    /// Voids an authorization; a prepaid hold goes back to the balance.
    pub fn void(&mut self, partner: &str, id: &str, now: i64) -> Result<Charge, BillingError> {
        let c = self.charge_mut(partner, id)?;
        let was = c.state;
        c.void(now)?;
        let c = c.clone();
        if was == ChargeState::Authorized {
            self.credit_prepaid(&c.msisdn, c.amount);
            self.references
                .remove(&(c.partner.clone(), c.reference.clone()));
        }
        Ok(c)
    }

    pub fn refund(
        &mut self,
        partner: &str,
        id: &str,
        amount: Option<i64>,
        now: i64,
    ) -> Result<Charge, BillingError> {
        let c = self.charge_mut(partner, id)?;
        let back = c.refund(amount, now)?;
        let c = c.clone();
        self.credit_prepaid(&c.msisdn, back);
        Ok(c)
    }

    fn credit_prepaid(&mut self, msisdn: &str, amount: i64) {
        if let Some(Plan::Prepaid { balance }) = self.accounts.get_mut(msisdn).map(|a| &mut a.plan)
        {
            *balance += amount;
        }
    }
}
