//! `[billing]`: the operator's carrier-billing side (see [`crate::billing`]).
//! `[[billing.partners]]` are the payment gateways allowed to call the
//! billing API (an id and the bearer token they present);
//! `[[billing.accounts]]` are the subscribers' billing accounts: a postpaid
//! plan with a monthly credit limit or a prepaid balance, in minor units of
//! `currency`, and the billing PIN the subscriber types at checkout.

use serde::Deserialize;

/// `[billing]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BillingConfig {
    /// Sender shown on the confirmation SMS (alphanumeric, at most 11
    /// characters). Default "Billing".
    pub sender: String,
    /// Operator name used in the confirmation text. Default "Switchboard Mobile".
    pub operator: String,
    /// Wrong PINs in a row that lock an account. Default 3.
    pub max_pin_attempts: u32,
    pub partners: Vec<BillingPartner>,
    pub accounts: Vec<BillingAccountConfig>,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            sender: "Billing".into(),
            operator: "Switchboard Mobile".into(),
            max_pin_attempts: 3,
            partners: Vec::new(),
            accounts: Vec::new(),
        }
    }
}

/// `[[billing.partners]]`: a gateway that may charge subscribers.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingPartner {
    pub id: String,
    /// The bearer token the partner presents; never logged.
    pub token: String,
}

impl std::fmt::Debug for BillingPartner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BillingPartner")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Postpaid (billed monthly up to a credit limit) or prepaid (a balance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    Postpaid,
    Prepaid,
}

/// `[[billing.accounts]]`: one subscriber's billing account.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingAccountConfig {
    /// The subscriber's number, digits with an optional leading '+'.
    pub msisdn: String,
    pub plan: PlanKind,
    /// ISO 4217 code of every amount on the account. Default "GBP".
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Postpaid: the most that may be charged in one calendar month (minor units).
    #[serde(default)]
    pub credit_limit: i64,
    /// Prepaid: the balance at start (minor units).
    #[serde(default)]
    pub balance: i64,
    /// The billing PIN (4 to 8 digits); hashed at load, never logged.
    pub pin: String,
}

impl std::fmt::Debug for BillingAccountConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BillingAccountConfig")
            .field("msisdn", &self.msisdn)
            .field("plan", &self.plan)
            .field("currency", &self.currency)
            .field("credit_limit", &self.credit_limit)
            .field("balance", &self.balance)
            .finish_non_exhaustive()
    }
}

fn default_currency() -> String {
    "GBP".into()
}

impl BillingConfig {
    /// Cross-field checks: `(field, message)` of the first mistake.
    pub fn check(&self) -> Result<(), (String, String)> {
        let sender_ok = !self.sender.is_empty()
            && self.sender.len() <= 11
            && self
                .sender
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ');
        if !sender_ok {
            return Err((
                "billing.sender".into(),
                "must be 1 to 11 ASCII letters, digits or spaces".into(),
            ));
        }
        if self.max_pin_attempts == 0 {
            return Err((
                "billing.max_pin_attempts".into(),
                "must be at least 1".into(),
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, p) in self.partners.iter().enumerate() {
            if p.id.is_empty() || !ids.insert(p.id.as_str()) {
                return Err((
                    format!("billing.partners[{i}].id"),
                    "empty or duplicate".into(),
                ));
            }
            if p.token.len() < 16 {
                return Err((
                    format!("billing.partners[{i}].token"),
                    "must be at least 16 characters".into(),
                ));
            }
        }
        let mut numbers = std::collections::HashSet::new();
        for (i, a) in self.accounts.iter().enumerate() {
            let field = |f: &str| format!("billing.accounts[{i}].{f}");
            let digits = a.msisdn.trim_start_matches('+');
            if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err((field("msisdn"), "must be 1 to 20 digits".into()));
            }
            if !numbers.insert(digits.to_owned()) {
                return Err((field("msisdn"), format!("{digits} is listed twice")));
            }
            if !(4..=8).contains(&a.pin.len()) || !a.pin.bytes().all(|b| b.is_ascii_digit()) {
                return Err((field("pin"), "must be 4 to 8 digits".into()));
            }
            if a.currency.len() != 3 || !a.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err((field("currency"), "must be an ISO 4217 code".into()));
            }
            if a.credit_limit < 0 || a.balance < 0 {
                return Err((field("credit_limit"), "amounts cannot be negative".into()));
            }
        }
        Ok(())
    }
}
