//! Configuration: the TOML file an operator writes, parsed into validated
//! types. Every section has defaults ([`Config::default`] is a loopback
//! gateway with no SMSC and no fixtures), unknown keys are errors, values
//! are checked as they are read, and then the whole is checked for
//! cross-field mistakes (an identity given to two customers, an account no
//! `[[bank_accounts]]` entry opens, two SMSCs with one name). Every error
//! names the file (or `config` for a string) and the field.
//!
//! Sections: `[http]`, `[merchant_api]`, `[store]`, `[admin]`, `[lockout]`,
//! `[webhooks]`, `[sms]` ([`sections`]); `[passwords]` ([`passwords`]);
//! `[codes]` ([`CodePolicy`]); `[[smsc]]` ([`SmscConfig`]); `[bank]`
//! ([`SimBankConfig`]); fixture data `[[customers]]`, `[[merchants]]`,
//! `[[bank_accounts]]` ([`fixtures`]). `fixtures/gateway.toml` shows them.

mod check;
pub mod fixtures;
pub mod passwords;
pub mod sections;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use fixtures::{BankAccountFixture, CustomerFixture, MerchantFixture, TerminalFixture};
pub use passwords::{PasswordParams, PasswordProfile, PasswordsConfig};
pub use sections::{
    AdminConfig, HttpConfig, LockoutConfig, MerchantApiConfig, SmsConfig, StoreConfig,
    WebhooksConfig,
};

use crate::bank::SimBankConfig;
use crate::codes::CodePolicy;
use crate::sms::SmscConfig;

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub http: HttpConfig,
    pub merchant_api: MerchantApiConfig,
    pub store: StoreConfig,
    pub admin: AdminConfig,
    pub passwords: PasswordsConfig,
    pub lockout: LockoutConfig,
    pub codes: CodePolicy,
    pub smsc: Vec<SmscConfig>,
    pub bank: SimBankConfig,
    pub webhooks: WebhooksConfig,
    pub sms: SmsConfig,
    /// `[sim_swap]`: ask the operator whether the SIM changed before
    /// sending a code (absent: no check).
    pub sim_swap: Option<crate::operator::SimSwapConfig>,
    /// `[bank_link]`: registration from the bank (absent: off).
    pub bank_link: sections::BankLinkConfig,
    /// `[push]`: confirmation from the handset (service number, TTL, PIN lockout).
    pub push: crate::payments::push::PushConfig,
    /// `[vouchers]`: prepaid vouchers (float accounts, limits, lockout,
    /// end-of-day return).
    pub vouchers: crate::vouchers::VoucherConfig,
    /// `[[carriers]]`: operators for "Pay with your phone bill" (carrier billing).
    pub carriers: Vec<crate::carrier::CarrierConfig>,
    pub customers: Vec<CustomerFixture>,
    pub merchants: Vec<MerchantFixture>,
    pub bank_accounts: Vec<BankAccountFixture>,
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

impl ConfigError {
    fn with_origin(self, origin: &str) -> ConfigError {
        match self {
            ConfigError::Syntax { message, .. } => ConfigError::Syntax {
                origin: origin.to_owned(),
                message,
            },
            ConfigError::Invalid { field, message, .. } => ConfigError::Invalid {
                origin: origin.to_owned(),
                field,
                message,
            },
            read @ ConfigError::Read { .. } => read,
        }
    }
}

impl Config {
    /// Reads and validates a config file. Relative paths inside it (data
    /// directory, SMSC CA files) are taken relative to the file's directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let origin = path.display().to_string();
        let mut config = Config::from_toml_str(&text).map_err(|e| e.with_origin(&origin))?;
        config.resolve_paths(path.parent().unwrap_or(Path::new(".")));
        Ok(config)
    }

    /// Parses and validates TOML text.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            origin: "config".into(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        config.check()?;
        Ok(config)
    }

    /// The argon2id parameters `[passwords]` resolves to.
    pub fn password_params(&self) -> PasswordParams {
        self.passwords.params()
    }

    fn resolve_paths(&mut self, base: &Path) {
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(dir) = &mut self.store.data_dir {
            resolve(dir);
        }
        for smsc in &mut self.smsc {
            if let Some(tls) = &mut smsc.tls {
                resolve(&mut tls.ca_pem_path);
            }
        }
        if let Some(ca) = &mut self.webhooks.ca_pem_path {
            resolve(ca);
        }
    }
}
