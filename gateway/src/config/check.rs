//! Cross-field checks of a parsed [`Config`]; single values were checked
//! while parsing. The first mistake found is reported with its field path
//! ("customers[2].identities[0]"). A config without `[[smsc]]` is refused
//! last, so its other mistakes are reported first: `serve` cannot start
//! without an SMSC, and `check-config` must not pass a file `serve` refuses.

use std::collections::{HashMap, HashSet};

use super::{Config, ConfigError, sections::MIN_ADMIN_TOKEN_LEN};

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        origin: "config".into(),
        field: field.into(),
        message: message.into(),
    }
}

impl Config {
    pub(super) fn check(&self) -> Result<(), ConfigError> {
        self.check_server()?;
        self.check_fixtures()?;
        self.check_smsc_present()
    }

    /// The same words `serve` fails with ([`crate::sms::StartError::NoSmsc`]).
    fn check_smsc_present(&self) -> Result<(), ConfigError> {
        if self.smsc.is_empty() {
            return Err(invalid(
                "smsc",
                "no [[smsc]] configured: the gateway sends the codes through at least one SMSC",
            ));
        }
        Ok(())
    }

    fn check_server(&self) -> Result<(), ConfigError> {
        let (http, merchant) = (self.http.listen, self.merchant_api.listen);
        if http.port() != 0 && http == merchant {
            return Err(invalid(
                "merchant_api.listen",
                format!("{merchant} is already http.listen"),
            ));
        }
        if let Some(url) = &self.http.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(invalid(
                "http.public_url",
                "must start with http:// or https://",
            ));
        }
        if !(1..=100_000).contains(&self.http.max_connections) {
            return Err(invalid("http.max_connections", "must be within 1..=100000"));
        }
        if !(1..=300).contains(&self.http.header_timeout_s) {
            return Err(invalid(
                "http.header_timeout_s",
                "must be within 1..=300 seconds",
            ));
        }
        if !(1..=3600).contains(&self.http.idle_timeout_s) {
            return Err(invalid(
                "http.idle_timeout_s",
                "must be within 1..=3600 seconds",
            ));
        }
        if self.merchant_api.hosts.is_empty() {
            return Err(invalid(
                "merchant_api.hosts",
                "name at least one host for the server certificate",
            ));
        }
        if self.store.memory && self.store.data_dir.is_some() {
            return Err(invalid(
                "store.memory",
                "memory = true excludes store.data_dir; remove one",
            ));
        }
        if let Some(token) = &self.admin.token
            && token.len() < MIN_ADMIN_TOKEN_LEN
        {
            return Err(invalid(
                "admin.token",
                format!("must be at least {MIN_ADMIN_TOKEN_LEN} characters"),
            ));
        }
        if let Some(token) = &self.bank_link.token
            && token.len() < MIN_ADMIN_TOKEN_LEN
        {
            return Err(invalid(
                "bank_link.token",
                format!("must be at least {MIN_ADMIN_TOKEN_LEN} characters"),
            ));
        }
        self.passwords
            .params()
            .validate()
            .map_err(|m| invalid("passwords", m))?;
        if self.lockout.max_password_failures == 0 || self.lockout.max_backup_failures == 0 {
            return Err(invalid(
                "lockout",
                "max_password_failures and max_backup_failures must be at least 1",
            ));
        }
        if self.webhooks.max_attempts == 0 {
            return Err(invalid("webhooks.max_attempts", "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&self.bank.failure_rate) {
            return Err(invalid("bank.failure_rate", "must be between 0 and 1"));
        }
        if let Some(sim_swap) = &self.sim_swap {
            sim_swap
                .validate()
                .map_err(|(field, m)| invalid(format!("sim_swap.{field}"), m))?;
        }
        let mut names = HashSet::new();
        for (i, smsc) in self.smsc.iter().enumerate() {
            smsc.validate()
                .map_err(|m| invalid(format!("smsc[{i}]"), m))?;
            if !names.insert(smsc.name.as_str()) {
                return Err(invalid(
                    format!("smsc[{i}].name"),
                    format!("duplicate SMSC {:?}", smsc.name),
                ));
            }
        }
        Ok(())
    }

    fn check_fixtures(&self) -> Result<(), ConfigError> {
        let mut accounts = HashMap::new();
        for (i, a) in self.bank_accounts.iter().enumerate() {
            if a.number.trim().is_empty() {
                return Err(invalid(
                    format!("bank_accounts[{i}].number"),
                    "must not be empty",
                ));
            }
            if accounts.insert(a.number.as_str(), a.currency()).is_some() {
                return Err(invalid(
                    format!("bank_accounts[{i}].number"),
                    format!("duplicate account {}", a.number),
                ));
            }
        }
        // Accounts are checked against [[bank_accounts]] only when there
        // are some: a gateway in front of a real bank lists none.
        let known = |field: String, number: &str| {
            if accounts.is_empty() || accounts.contains_key(number) {
                Ok(())
            } else {
                Err(invalid(
                    field,
                    format!("no [[bank_accounts]] entry opens {number}"),
                ))
            }
        };
        let mut identities = HashMap::new();
        for (i, c) in self.customers.iter().enumerate() {
            let at = |f: &str| format!("customers[{i}].{f}");
            if c.identities.is_empty() {
                return Err(invalid(
                    at("identities"),
                    "give at least one online identity",
                ));
            }
            for (j, id) in c.identities.iter().enumerate() {
                if let Some(other) = identities.insert(id.clone(), i) {
                    return Err(invalid(
                        at(&format!("identities[{j}]")),
                        format!("{id} is already an identity of customers[{other}]"),
                    ));
                }
            }
            if c.terminals.is_empty() {
                return Err(invalid(
                    at("terminals"),
                    "register at least one terminal for the codes",
                ));
            }
            for (j, a) in c.accounts.iter().enumerate() {
                known(at(&format!("accounts[{j}]")), a)?;
            }
            for (field, limit) in [
                ("limit_per_payment", &c.limit_per_payment),
                ("limit_per_day", &c.limit_per_day),
            ] {
                if limit.is_some_and(|m| m.minor <= 0) {
                    return Err(invalid(at(field), "must be above zero"));
                }
            }
        }
        let mut ids = HashSet::new();
        for (i, m) in self.merchants.iter().enumerate() {
            if !ids.insert(&m.id) {
                return Err(invalid(
                    format!("merchants[{i}].id"),
                    format!("duplicate merchant {}", m.id),
                ));
            }
            if m.webhook_secret.len() < 16 {
                return Err(invalid(
                    format!("merchants[{i}].webhook_secret"),
                    "must be at least 16 characters",
                ));
            }
            if let Some(url) = &m.webhook_url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                return Err(invalid(
                    format!("merchants[{i}].webhook_url"),
                    "must start with http:// or https://",
                ));
            }
            known(format!("merchants[{i}].account"), &m.account)?;
        }
        Ok(())
    }
}
