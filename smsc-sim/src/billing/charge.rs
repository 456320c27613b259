//! A charge to a subscriber's bill and its state machine: authorized, then
//! captured or voided; a captured charge may be refunded in parts until the
//! whole amount is back (then it is refunded). Amounts are minor units.

use serde::{Deserialize, Serialize};

use super::BillingError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeState {
    Authorized,
    Captured,
    Refunded,
    Voided,
}

impl ChargeState {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeState::Authorized => "authorized",
            ChargeState::Captured => "captured",
            ChargeState::Refunded => "refunded",
            ChargeState::Voided => "voided",
        }
    }
}

/// One charge as the operator keeps it and the statement shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub id: String,
    pub partner: String,
    pub msisdn: String,
    pub merchant: String,
    pub reference: String,
    pub amount: i64,
    pub currency: String,
    /// Refunded so far (minor units).
    pub refunded: i64,
    pub state: ChargeState,
    /// Unix milliseconds; the month of `created_at` is the bill it is on.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Charge {
    /// What the charge still costs the subscriber: nothing once voided.
    pub fn net(&self) -> i64 {
        match self.state {
            ChargeState::Voided => 0,
            _ => self.amount - self.refunded,
        }
    }

    /// Authorized → captured; capturing twice is not an error.
    pub fn capture(&mut self, now: i64) -> Result<(), BillingError> {
        match self.state {
            ChargeState::Authorized => self.state = ChargeState::Captured,
            ChargeState::Captured => return Ok(()),
            other => return Err(self.conflict("capture", other)),
        }
        self.updated_at = now;
        Ok(())
    }

    /// Authorized → voided; voiding twice is not an error.
    pub fn void(&mut self, now: i64) -> Result<(), BillingError> {
        match self.state {
            ChargeState::Authorized => self.state = ChargeState::Voided,
            ChargeState::Voided => return Ok(()),
            other => return Err(self.conflict("void", other)),
        }
        self.updated_at = now;
        Ok(())
    }

    /// Gives back `amount` (all that is left when None) of a captured
    /// charge; returns the amount refunded now.
    pub fn refund(&mut self, amount: Option<i64>, now: i64) -> Result<i64, BillingError> {
        if self.state != ChargeState::Captured {
            return Err(self.conflict("refund", self.state));
        }
        let left = self.amount - self.refunded;
        let amount = amount.unwrap_or(left);
        if amount <= 0 || amount > left {
            return Err(BillingError::Invalid(format!(
                "refund amount must be 1..={left} (minor units)"
            )));
        }
        self.refunded += amount;
        if self.refunded == self.amount {
            self.state = ChargeState::Refunded;
        }
        self.updated_at = now;
        Ok(amount)
    }

    fn conflict(&self, action: &str, state: ChargeState) -> BillingError {
        BillingError::Conflict(format!(
            "charge {} is {}; it cannot {action}",
            self.id,
            state.as_str()
        ))
    }
}
