//! Carrier billing from the gateway's side (issue 8 §2): the shopper pays
//! by charging the amount to their phone bill, and the operator (smsc-sim's
//! billing API) verifies number, billing PIN and credit limit, texts the
//! subscriber and settles with the merchant.
//!
//! [`CarrierConfig`] is one `[[carriers]]` entry (name, billing API base
//! URL, partner token, time-out); [`Carriers`] holds a [`client::CarrierClient`]
//! per operator. The client speaks the operator's
//! `/billing/v1/authorize`, `/charges/{id}/capture|void|refund` and turns
//! answers into [`client::Decision`] or a typed [`client::CarrierError`].
//! The payment side is `payments::carrier`, the pages and JSON endpoint
//! `http::carrier`.

pub mod client;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

pub use client::{CarrierClient, CarrierError, Charge, Decision, DeclineReason};

/// `[[carriers]]`: an operator the shopper may pick at checkout.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierConfig {
    /// Shown to the shopper and recorded on the payment ("Switchboard Mobile").
    pub name: String,
    /// The operator's billing API, e.g. "http://127.0.0.1:8775".
    pub base_url: String,
    /// The gateway's partner token at this operator; never logged.
    pub token: String,
    /// How long one call to the operator may take. Default 5000.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_timeout_ms() -> u64 {
    5_000
}

impl std::fmt::Debug for CarrierConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CarrierConfig")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("timeout_ms", &self.timeout_ms)
            .finish_non_exhaustive()
    }
}

/// Checks `[[carriers]]`: `(field, message)` of the first mistake.
pub fn check(carriers: &[CarrierConfig]) -> Result<(), (String, String)> {
    let mut names = std::collections::HashSet::new();
    for (i, c) in carriers.iter().enumerate() {
        let field = |f: &str| format!("carriers[{i}].{f}");
        if c.name.trim().is_empty() || c.name.len() > 64 || !names.insert(c.name.as_str()) {
            return Err((field("name"), "empty, longer than 64 or duplicate".into()));
        }
        if !(c.base_url.starts_with("http://") || c.base_url.starts_with("https://")) {
            return Err((
                field("base_url"),
                "must be an http:// or https:// URL".into(),
            ));
        }
        if c.token.is_empty() {
            return Err((field("token"), "must not be empty".into()));
        }
        if !(100..=60_000).contains(&c.timeout_ms) {
            return Err((field("timeout_ms"), "must be 100..=60000".into()));
        }
    }
    Ok(())
}

/// The operators offered at checkout, in configured order.
#[derive(Debug, Clone, Default)]
pub struct Carriers {
    list: Arc<Vec<CarrierClient>>,
}

impl Carriers {
    /// Checks the entries ([`check`]) and builds a client per operator.
    pub fn new(configs: &[CarrierConfig]) -> anyhow::Result<Carriers> {
        check(configs).map_err(|(field, message)| anyhow::anyhow!("{field}: {message}"))?;
        let list = configs
            .iter()
            .map(|c| {
                CarrierClient::new(
                    &c.name,
                    &c.base_url,
                    &c.token,
                    Duration::from_millis(c.timeout_ms),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Carriers {
            list: Arc::new(list),
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(CarrierClient::name)
    }

    pub fn get(&self, name: &str) -> Option<&CarrierClient> {
        self.list.iter().find(|c| c.name() == name)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
