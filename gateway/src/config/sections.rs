//! The server sections of the configuration: `[http]`, `[merchant_api]`,
//! `[store]`, `[admin]`, `[lockout]`, `[webhooks]` and `[sms]`. Each has
//! defaults for every field and refuses unknown keys.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use crate::sms::Locale;
use crate::store::SyncMode;

/// `[http]`: checkout pages, the JSON checkout API and the admin API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Default 127.0.0.1:8080; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The URL shoppers reach the checkout at ("https://pay.example.com");
    /// default: `http://` and the bound address.
    pub public_url: Option<String>,
    /// Connections served at once on each listener (this one and the
    /// merchant API); more are closed at accept. 1-100000, default 1024.
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers, on either
    /// listener; idle keep-alive connections close after it too. 1-300,
    /// default 10.
    pub header_timeout_s: u64,
    /// Seconds a connection may stay silent both ways (connected and
    /// saying nothing, or kept alive between requests) before it closes,
    /// on either listener. 1-3600, default 60.
    pub idle_timeout_s: u64,
    /// Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For
    /// names the shopper for per-IP limits; default none (the TCP peer).
    pub trusted_proxies: Vec<crate::http::client_ip::Cidr>,
}

impl HttpConfig {
    /// The listeners' limits.
    pub fn limits(&self) -> crate::http::serve::Limits {
        crate::http::serve::Limits {
            max_connections: self.max_connections,
            header_timeout: std::time::Duration::from_secs(self.header_timeout_s),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout_s),
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            max_connections: 1024,
            header_timeout_s: 10,
            idle_timeout_s: 60,
            trusted_proxies: Vec::new(),
        }
    }
}

/// `[merchant_api]`: the merchant API over mutual TLS.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MerchantApiConfig {
    /// Default 127.0.0.1:8443.
    pub listen: SocketAddr,
    /// DNS names and IP addresses the server certificate is issued for.
    pub hosts: Vec<String>,
}

impl Default for MerchantApiConfig {
    fn default() -> Self {
        MerchantApiConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            hosts: vec!["localhost".into(), "127.0.0.1".into()],
        }
    }
}

/// `[store]`: where the database, the CA and the code key live.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Default: chosen by the CLI (`--data-dir`).
    pub data_dir: Option<PathBuf>,
    /// Nothing on disk (tests, load runs); excludes `data_dir`.
    pub memory: bool,
    /// "full" (default: fsync every commit) or "normal".
    pub sync: SyncMode,
}

/// `[admin]`: the admin API's bearer token; no token, no admin API.
#[derive(Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    pub token: Option<String>,
}

/// Shortest admin token accepted.
pub const MIN_ADMIN_TOKEN_LEN: usize = 16;

impl fmt::Debug for AdminConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token.as_ref().map(|_| "<redacted>");
        f.debug_struct("AdminConfig")
            .field("token", &token)
            .finish()
    }
}

/// `[bank_link]`: the customer's bank may open and cancel the SMS payment
/// method for its accounts (`POST /bank/v1/sms-method`) with this bearer
/// token; absent, that endpoint does not exist.
#[derive(Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BankLinkConfig {
    pub token: Option<String>,
}

impl fmt::Debug for BankLinkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token.as_ref().map(|_| "<redacted>");
        f.debug_struct("BankLinkConfig")
            .field("token", &token)
            .finish()
    }
}

/// `[lockout]`: wrong passwords before the identity locks, and wrong backup
/// codes before only an administrator can unlock it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LockoutConfig {
    pub max_password_failures: u32,
    pub max_backup_failures: u32,
}

impl Default for LockoutConfig {
    fn default() -> Self {
        LockoutConfig {
            max_password_failures: 3,
            max_backup_failures: 3,
        }
    }
}

/// `[webhooks]`: delivery attempts before an outbox row is given up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    pub max_attempts: u32,
    /// PEM file of certificates trusted for https:// webhook URLs besides
    /// the system's roots (relative to the config file).
    pub ca_pem_path: Option<PathBuf>,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        WebhooksConfig {
            max_attempts: 20,
            ca_pem_path: None,
        }
    }
}

impl WebhooksConfig {
    /// The worker's settings: its defaults with these attempts (the extra
    /// roots are read by [`WebhooksConfig::extra_roots`]).
    pub fn worker_config(&self) -> crate::webhooks::WebhookConfig {
        crate::webhooks::WebhookConfig {
            max_attempts: self.max_attempts,
            ..crate::webhooks::WebhookConfig::default()
        }
    }

    /// The certificates of `ca_pem_path`, or why they cannot be used.
    pub fn extra_roots(&self) -> Result<Vec<reqwest::Certificate>, String> {
        let Some(path) = &self.ca_pem_path else {
            return Ok(Vec::new());
        };
        let pem = std::fs::read(path)
            .map_err(|e| format!("webhooks.ca_pem_path {}: {e}", path.display()))?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("webhooks.ca_pem_path {}: {e}", path.display()))?;
        if roots.is_empty() {
            return Err(format!(
                "webhooks.ca_pem_path {}: no certificate in the file",
                path.display()
            ));
        }
        Ok(roots)
    }
}

/// `[sms]`: the locale of SMS texts for customers without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsConfig {
    pub locale: Locale,
}
