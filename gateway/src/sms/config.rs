//! One SMSC as the operator configures it: the `[[smsc]]` table.
//!
//! [`SmscConfig`] is plain data with serde defaults (unknown keys are errors),
//! so the gateway's config file embeds it directly. [`SmscConfig::validate`]
//! checks what serde cannot (SMPP field sizes, backoff order), and
//! [`SmscConfig::esme_configs`] turns it into the `wire::esme` sessions it
//! needs: one transceiver, or a transmitter plus a receiver (`bind = "tx+rx"`).
//! TLS trusts the CA in `tls.ca_pem_path` only.

use std::{path::PathBuf, time::Duration};

use serde::Deserialize;
use wire::esme::{Backoff, BindMode, EsmeConfig};

use super::ids::IdFormat;

/// How the gateway binds to one SMSC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum BindKind {
    /// One bind_transceiver session sends and receives receipts.
    #[default]
    #[serde(rename = "transceiver")]
    Transceiver,
    /// A bind_transmitter session sends; a bind_receiver session gets receipts.
    #[serde(rename = "tx+rx")]
    TxRx,
}

/// `[smsc.tls]`: SMPP over TLS.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmscTls {
    /// PEM file with the CA certificate(s) the SMSC's certificate must chain to.
    pub ca_pem_path: PathBuf,
    /// Name the SMSC's certificate must carry; default: the host of `address`.
    #[serde(default)]
    pub server_name: Option<String>,
}

/// The bind password; never printed.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SmppPassword(pub String);

impl std::fmt::Debug for SmppPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One `[[smsc]]` entry. See the module docs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmscConfig {
    /// Name in logs, `SentSms::smsc` and `DeliveryReport::smsc`; unique.
    pub name: String,
    /// `host:port`.
    pub address: String,
    #[serde(default)]
    pub tls: Option<SmscTls>,
    pub system_id: String,
    pub password: SmppPassword,
    #[serde(default)]
    pub system_type: String,
    #[serde(default)]
    pub bind: BindKind,
    /// 0x34 (default), 0x50, or 0x33 and below.
    #[serde(default = "default_interface_version")]
    pub interface_version: u8,
    /// Sender shown on the phone: digits, or up to 20 ASCII characters (a GSM
    /// phone shows 11 letters; operators may cut longer); "" lets the SMSC choose.
    #[serde(default)]
    pub source_addr: String,
    /// Default: 1 (international) for digits, 5 (alphanumeric) otherwise.
    #[serde(default)]
    pub source_ton: Option<u8>,
    /// Default: 1 (ISDN) for digits, 0 otherwise.
    #[serde(default)]
    pub source_npi: Option<u8>,
    /// Outstanding requests per session.
    #[serde(default = "default_window")]
    pub window: usize,
    /// submit_sm per second this gateway sends to the SMSC; 0 is unlimited.
    #[serde(default)]
    pub max_rate: u32,
    /// Keepalive interval (enquire_link) in seconds.
    #[serde(default = "default_enquire_link_s")]
    pub enquire_link_s: u64,
    #[serde(default = "default_reconnect_min_ms")]
    pub reconnect_min_ms: u64,
    #[serde(default = "default_reconnect_max_ms")]
    pub reconnect_max_ms: u64,
    /// Lower is tried first.
    #[serde(default)]
    pub priority: u32,
    /// Form of the SMSC's message ids, for matching receipts (see `ids`).
    #[serde(default)]
    pub message_id_format: IdFormat,
    /// Bound on connect, bind and each request.
    #[serde(default = "default_response_timeout_ms")]
    pub response_timeout_ms: u64,
    /// Pause after ESME_RTHROTTLED before the same PDU is retried.
    #[serde(default = "default_throttle_backoff_ms")]
    pub throttle_backoff_ms: u64,
    #[serde(default = "default_throttle_retries")]
    pub throttle_retries: u32,
}

fn default_interface_version() -> u8 {
    0x34
}
fn default_window() -> usize {
    10
}
fn default_enquire_link_s() -> u64 {
    30
}
fn default_reconnect_min_ms() -> u64 {
    1_000
}
fn default_reconnect_max_ms() -> u64 {
    60_000
}
fn default_response_timeout_ms() -> u64 {
    10_000
}
fn default_throttle_backoff_ms() -> u64 {
    1_000
}
fn default_throttle_retries() -> u32 {
    5
}

impl SmscConfig {
    /// An entry with every optional field at its default (tests, examples).
    pub fn new(name: &str, address: &str, system_id: &str, password: &str) -> SmscConfig {
        SmscConfig {
            name: name.into(),
            address: address.into(),
            tls: None,
            system_id: system_id.into(),
            password: SmppPassword(password.into()),
            system_type: String::new(),
            bind: BindKind::default(),
            interface_version: default_interface_version(),
            source_addr: String::new(),
            source_ton: None,
            source_npi: None,
            window: default_window(),
            max_rate: 0,
            enquire_link_s: default_enquire_link_s(),
            reconnect_min_ms: default_reconnect_min_ms(),
            reconnect_max_ms: default_reconnect_max_ms(),
            priority: 0,
            message_id_format: IdFormat::default(),
            response_timeout_ms: default_response_timeout_ms(),
            throttle_backoff_ms: default_throttle_backoff_ms(),
            throttle_retries: default_throttle_retries(),
        }
    }

    /// Checks what serde cannot; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let ascii_max = |field: &str, v: &str, max: usize| {
            if v.is_ascii() && v.len() <= max {
                Ok(())
            } else {
                Err(format!("{field} must be ASCII of at most {max} characters"))
            }
        };
        if self.name.trim().is_empty() {
            return Err("name must not be empty".into());
        }
        if !self.address.contains(':') {
            return Err(format!("address {:?} must be host:port", self.address));
        }
        ascii_max("system_id", &self.system_id, 15)?;
        ascii_max("password", &self.password.0, 8)?;
        ascii_max("system_type", &self.system_type, 12)?;
        ascii_max("source_addr", &self.source_addr, 20)?;
        if !matches!(self.interface_version, 0x00..=0x34 | 0x50) {
            return Err("interface_version must be 0x34, 0x50 or at most 0x33".into());
        }
        if self.window == 0 || self.enquire_link_s == 0 || self.response_timeout_ms == 0 {
            return Err("window, enquire_link_s and response_timeout_ms must be above 0".into());
        }
        if self.reconnect_min_ms == 0 || self.reconnect_max_ms < self.reconnect_min_ms {
            return Err("reconnect_min_ms must be above 0 and at most reconnect_max_ms".into());
        }
        Ok(())
    }

    /// (TON, NPI) of the source address, explicit or derived from its form.
    pub fn source_ton_npi(&self) -> (u8, u8) {
        let digits = !self.source_addr.is_empty()
            && self
                .source_addr
                .trim_start_matches('+')
                .bytes()
                .all(|b| b.is_ascii_digit());
        let (ton, npi) = match (self.source_addr.is_empty(), digits) {
            (true, _) => (0, 0),
            (false, true) => (1, 1),
            (false, false) => (5, 0),
        };
        (
            self.source_ton.unwrap_or(ton),
            self.source_npi.unwrap_or(npi),
        )
    }

    /// The sessions this SMSC needs: the one that sends comes first.
    pub fn esme_configs(&self) -> Result<Vec<EsmeConfig>, String> {
        self.validate()?;
        let mut base = EsmeConfig::new(&self.address, &self.system_id, &self.password.0);
        base.system_type = self.system_type.clone();
        base.interface_version = self.interface_version;
        base.window = self.window;
        base.response_timeout = Duration::from_millis(self.response_timeout_ms);
        base.enquire_link_interval = Duration::from_secs(self.enquire_link_s);
        base.enquire_link_timeout = base.response_timeout;
        base.reconnect = Backoff {
            min: Duration::from_millis(self.reconnect_min_ms),
            max: Duration::from_millis(self.reconnect_max_ms),
            factor: 2.0,
        };
        base.throttle_backoff = Duration::from_millis(self.throttle_backoff_ms);
        base.throttle_retries = self.throttle_retries;
        if let Some(tls) = &self.tls {
            base.tls = Some(tls::settings(tls, &self.address)?);
        }
        Ok(match self.bind {
            BindKind::Transceiver => vec![base],
            BindKind::TxRx => {
                let mut tx = base.clone();
                tx.bind_mode = BindMode::Transmitter;
                let mut rx = base;
                rx.bind_mode = BindMode::Receiver;
                vec![tx, rx]
            }
        })
    }
}

mod tls;

#[cfg(test)]
mod tests;
