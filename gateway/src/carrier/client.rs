//! The HTTP client of one operator's billing API. Every call has the
//! configured time-out; an operator that cannot be reached, times out or
//! answers 5xx is [`CarrierError::Unavailable`] (the shopper may retry);
//! a 4xx is [`CarrierError::Refused`] with the operator's message. The
//! partner token goes in `Authorization: Bearer` and nowhere else.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

/// Why the operator said no, in the operator API's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    UnknownSubscriber,
    WrongPin,
    Locked,
    OverCreditLimit,
    InsufficientBalance,
    Barred,
    /// A reason this gateway does not know yet.
    #[serde(other)]
    Other,
}

impl DeclineReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownSubscriber => "unknown_subscriber",
            Self::WrongPin => "wrong_pin",
            Self::Locked => "locked",
            Self::OverCreditLimit => "over_credit_limit",
            Self::InsufficientBalance => "insufficient_balance",
            Self::Barred => "barred",
            Self::Other => "other",
        }
    }
}

/// A charge as the operator reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Charge {
    pub charge_id: String,
    pub state: String,
    pub amount: i64,
    #[serde(default)]
    pub refunded: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approved(Charge),
    Declined {
        reason: DeclineReason,
        attempts_left: Option<u32>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CarrierError {
    /// Not reachable, too slow, or failing on its side.
    #[error("operator {0} is unavailable: {1}")]
    Unavailable(String, String),
    /// The operator refused the request itself (status and message).
    #[error("operator {operator} refused the request ({status}): {message}")]
    Refused {
        operator: String,
        status: u16,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct CarrierClient {
    name: String,
    base: String,
    token: String,
    http: reqwest::Client,
}

impl CarrierClient {
    pub fn new(
        name: &str,
        base_url: &str,
        token: &str,
        timeout: Duration,
    ) -> Result<CarrierClient, reqwest::Error> {
        Ok(CarrierClient {
            name: name.to_owned(),
            base: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()?,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, CarrierError> {
        let down = |e: String| CarrierError::Unavailable(self.name.clone(), e);
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| down(e.without_url().to_string()))?;
        let status = resp.status();
        let value: Value = resp
            .json()
            .await
            .map_err(|e| down(format!("unreadable answer: {}", e.without_url())))?;
        if status.is_server_error() {
            return Err(down(format!("status {status}")));
        }
        if !status.is_success() {
            return Err(CarrierError::Refused {
                operator: self.name.clone(),
                status: status.as_u16(),
                message: value["error"].as_str().unwrap_or("").to_owned(),
            });
        }
        Ok(value)
    }

    fn charge(&self, v: Value) -> Result<Charge, CarrierError> {
        serde_json::from_value(v)
            .map_err(|e| CarrierError::Unavailable(self.name.clone(), format!("bad charge: {e}")))
    }

    /// Asks the operator to put `amount` (minor units) on `msisdn`'s bill.
    pub async fn authorize(
        &self,
        msisdn: &str,
        pin: &str,
        amount: i64,
        currency: &str,
        merchant: &str,
        reference: &str,
    ) -> Result<Decision, CarrierError> {
        let body = json!({ "msisdn": msisdn, "pin": pin, "amount": amount, "currency": currency,
                           "merchant": merchant, "reference": reference });
        let v = self.post("/billing/v1/authorize", body).await?;
        if v["decision"] == "approved" {
            return Ok(Decision::Approved(self.charge(v)?));
        }
        let reason = serde_json::from_value(v["reason"].clone()).unwrap_or(DeclineReason::Other);
        Ok(Decision::Declined {
            reason,
            attempts_left: v["attempts_left"].as_u64().map(|n| n as u32),
        })
    }

    pub async fn capture(&self, charge_id: &str) -> Result<Charge, CarrierError> {
        let v = self
            .post(
                &format!("/billing/v1/charges/{charge_id}/capture"),
                json!({}),
            )
            .await?;
        self.charge(v)
    }

    pub async fn void(&self, charge_id: &str) -> Result<Charge, CarrierError> {
        let v = self
            .post(&format!("/billing/v1/charges/{charge_id}/void"), json!({}))
            .await?;
        self.charge(v)
    }

    /// Refunds `amount` minor units, or all that is left when None.
    pub async fn refund(
        &self,
        charge_id: &str,
        amount: Option<i64>,
    ) -> Result<Charge, CarrierError> {
        let body = match amount {
            Some(a) => json!({ "amount": a }),
            None => json!({}),
        };
        let v = self
            .post(&format!("/billing/v1/charges/{charge_id}/refund"), body)
            .await?;
        self.charge(v)
    }
}
