//! Configuration: the TOML file an operator writes, parsed into validated
//! types. Every field has a default ([`Config::default`] is a loopback SMSC
//! with no accounts), unknown keys are errors, and values are checked as they
//! are read (a [`SystemId`] longer than 15 characters or a probability of 1.5
//! never exists), then the whole is checked for cross-field mistakes
//! (duplicate accounts, fault rules naming an unknown account, ...).
//!
//! Sections: `[smpp]` and `[smpp.tls]`, `[http]`, `[air]`, `[store]`, `[delivery]`
//! ([`server`]), `[[accounts]]` ([`accounts`]), `[hlr]` and
//! `[[hlr.subscribers]]` ([`hlr`]), `[faults]` and `[[faults.rules]]`
//! ([`FaultsConfig`], rules as in [`crate::faults`]). `fixtures/smsc-sim.toml`
//! shows each of them.

pub mod accounts;
pub mod billing;
pub mod hlr;
pub mod pattern;
pub mod server;
pub mod status;
pub(crate) mod time;
pub mod types;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use accounts::{Account, BindType, BindTypes, MessageIdFormat};
pub use hlr::{HlrConfig, HlrProfile, Subscriber, SubscriberMatch};
pub use pattern::{AddressRange, Pattern};
pub use server::{
    AirConfig, DeliveryConfig, HttpConfig, SmppConfig, StoreConfig, SyncMode, TlsConfig,
};
pub use status::{command_status_name, parse_command_status};
pub use types::{Password, Probability, SystemId};

use crate::faults::FaultRule;

/// `[faults]`: fault rules loaded at start (the admin API changes them later).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultsConfig {
    /// Seed of the generator that decides probabilistic rules: the same seed
    /// and the same traffic give the same faults. Default 0.
    pub seed: u64,
    /// Rules in priority order; see [`FaultRule`].
    pub rules: Vec<FaultRule>,
}

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub smpp: SmppConfig,
    pub http: HttpConfig,
    pub air: AirConfig,
    pub store: StoreConfig,
    pub delivery: DeliveryConfig,
    pub accounts: Vec<Account>,
    pub hlr: HlrConfig,
    pub faults: FaultsConfig,
    pub billing: billing::BillingConfig,
}

/// Why a configuration was refused. Each message names the file (or
/// `config` for a string) and the offending field.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key, a wrong type or an invalid value; the
    /// message is the TOML parser's, with line, column and the offending line.
    #[error("{origin}: {message}")]
    Syntax { origin: String, message: String },
    /// Fields that are valid alone but not together.
    #[error("{origin}: {field}: {message}")]
    Invalid {
        origin: String,
        field: String,
        message: String,
    },
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        origin: "config".into(),
        field: field.into(),
        message: message.into(),
    }
}

impl Config {
    /// Read and validate a config file. Relative paths inside it (TLS files,
    /// data_dir) are taken relative to the file's directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let origin = path.display().to_string();
        let mut config = Self::from_toml_str(&text).map_err(|e| match e {
            ConfigError::Syntax { message, .. } => ConfigError::Syntax {
                origin: origin.clone(),
                message,
            },
            ConfigError::Invalid { field, message, .. } => ConfigError::Invalid {
                origin: origin.clone(),
                field,
                message,
            },
            read @ ConfigError::Read { .. } => read,
        })?;
        config.resolve_paths(path.parent().unwrap_or(Path::new(".")));
        Ok(config)
    }

    /// Parse and validate TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            origin: "config".into(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        config.check()?;
        Ok(config)
    }

    /// The account with this system_id.
    pub fn account(&self, system_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.system_id == *system_id)
    }

    fn resolve_paths(&mut self, base: &Path) {
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(tls) = &mut self.smpp.tls {
            resolve(&mut tls.cert);
            resolve(&mut tls.key);
        }
        if let Some(dir) = &mut self.store.data_dir {
            resolve(dir);
        }
    }

    /// Cross-field checks; single values were checked while parsing.
    fn check(&self) -> Result<(), ConfigError> {
        let pdu = self.smpp.max_pdu_len;
        if !(server::MIN_MAX_PDU_LEN..=server::MAX_MAX_PDU_LEN).contains(&pdu) {
            return Err(invalid(
                "smpp.max_pdu_len",
                format!(
                    "{pdu} is outside {}..={}",
                    server::MIN_MAX_PDU_LEN,
                    server::MAX_MAX_PDU_LEN
                ),
            ));
        }
        if !(1..=100_000).contains(&self.smpp.max_connections) {
            return Err(invalid(
                "smpp.max_connections",
                format!("{} is outside 1..=100000", self.smpp.max_connections),
            ));
        }
        let frame = self.air.max_frame_len;
        if !(server::MIN_AIR_FRAME_LEN..=server::MAX_AIR_FRAME_LEN).contains(&frame) {
            return Err(invalid(
                "air.max_frame_len",
                format!(
                    "{frame} is outside {}..={}",
                    server::MIN_AIR_FRAME_LEN,
                    server::MAX_AIR_FRAME_LEN
                ),
            ));
        }
        let listeners = [
            ("smpp.listen", Some(self.smpp.listen)),
            ("smpp.tls.listen", self.smpp.tls.as_ref().map(|t| t.listen)),
            ("http.listen", Some(self.http.listen)),
            ("air.listen", Some(self.air.listen)),
        ];
        for (i, (name, addr)) in listeners.iter().enumerate() {
            let Some(addr) = addr.filter(|a| a.port() != 0) else {
                continue;
            };
            if let Some((other, _)) = listeners[..i].iter().find(|(_, a)| *a == Some(addr)) {
                return Err(invalid(*name, format!("{addr} is already used by {other}")));
            }
        }
        if self.store.memory && self.store.data_dir.is_some() {
            return Err(invalid(
                "store.memory",
                "memory = true excludes store.data_dir; remove one",
            ));
        }
        if self.delivery.max_validity < self.delivery.default_validity {
            return Err(invalid(
                "delivery.max_validity_s",
                "must be at least delivery.default_validity_s",
            ));
        }
        let mut ids = HashSet::new();
        for (i, account) in self.accounts.iter().enumerate() {
            if !ids.insert(account.system_id.as_str()) {
                return Err(invalid(
                    format!("accounts[{i}].system_id"),
                    format!("duplicate account {}", account.system_id),
                ));
            }
        }
        let mut seen = HashSet::new();
        for (i, s) in self.hlr.subscribers.iter().enumerate() {
            if !seen.insert(&s.target) {
                return Err(invalid(
                    format!("hlr.subscribers[{i}]"),
                    format!("{} is listed twice", s.target),
                ));
            }
        }
        if let Err((field, message)) = self.billing.check() {
            return Err(invalid(field, message));
        }
        for (i, rule) in self.faults.rules.iter().enumerate() {
            if let Some(account) = &rule.account
                && !ids.contains(account.as_str())
            {
                return Err(invalid(
                    format!("faults.rules[{i}].account"),
                    format!("no account named {account:?}"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
