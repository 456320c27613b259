//! How an [`Esme`](super::Esme) connects, binds and paces itself.
//!
//! [`EsmeConfig`] holds the bind identity (system_id, password, system_type,
//! [`BindMode`], interface_version, address range), the window and timers, the
//! reconnect [`Backoff`], throttle handling and optional [`TlsSettings`].
//! [`EsmeConfig::new`] gives defaults that suit a real operator's SMSC; tests
//! shorten the timers. `bind_pdu` checks the identity against the field sizes
//! of SMPP 3.4 once, so a bad config fails at `connect`, not at every re-bind.

use std::{sync::Arc, time::Duration};

use rusmpp::{
    Pdu,
    pdus::{BindReceiver, BindTransceiver, BindTransmitter},
    types::COctetString,
    values::{InterfaceVersion, Npi, Ton},
};
use rustls_pki_types::ServerName;

use super::{error::EsmeError, transport::Connector};
use crate::smpp::frame::{DEFAULT_MAX_PDU_LEN, HEADER_LEN};

/// Largest sequence number SMPP allows; the next one is 1 again.
pub const MAX_SEQUENCE_NUMBER: u32 = 0x7FFF_FFFF;

/// Which bind PDU opens the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindMode {
    Transmitter,
    Receiver,
    Transceiver,
}

/// Exponential backoff between reconnect attempts: `min`, then ×`factor`, capped at `max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub min: Duration,
    pub max: Duration,
    pub factor: f64,
}

impl Backoff {
    /// The delay that follows `current`.
    pub fn next(&self, current: Duration) -> Duration {
        // try_from: a huge factor must saturate at `max`, not panic.
        Duration::try_from_secs_f64(current.as_secs_f64() * self.factor)
            .unwrap_or(self.max)
            .clamp(self.min, self.max)
    }
}

/// TLS for the SMPP connection (SMPP over TLS, often port 3550).
#[derive(Debug, Clone)]
pub struct TlsSettings {
    pub client_config: Arc<rustls::ClientConfig>,
    /// Name the SMSC's certificate must carry (a DNS name or an IP address).
    pub server_name: ServerName<'static>,
}

/// Everything an ESME session needs. See the module docs.
#[derive(Debug, Clone)]
pub struct EsmeConfig {
    /// `host:port` of the SMSC.
    pub address: String,
    pub system_id: String,
    pub password: String,
    pub system_type: String,
    pub bind_mode: BindMode,
    /// 0x34 (SMPP 3.4, default), 0x50 (SMPP 5.0) or 0x00..=0x33 (3.3 and earlier).
    pub interface_version: u8,
    pub addr_ton: u8,
    pub addr_npi: u8,
    pub address_range: String,
    /// Most requests outstanding at once; further callers wait for a slot.
    pub window: usize,
    /// Time a request may take, from leaving the window queue to its response
    /// (waiting for a re-bind included). Also bounds connect and bind.
    pub response_timeout: Duration,
    /// enquire_link is sent after this long without hearing from the SMSC.
    pub enquire_link_interval: Duration,
    /// No enquire_link_resp within this → the connection is dead.
    pub enquire_link_timeout: Duration,
    pub reconnect: Backoff,
    /// Reconnect after the SMSC sends unbind (true) or close for good (false).
    pub reconnect_on_peer_unbind: bool,
    /// Pause for all sending after ESME_RTHROTTLED or ESME_RMSGQFUL.
    pub throttle_backoff: Duration,
    /// Automatic retries of a throttled request before it fails.
    pub throttle_retries: u32,
    /// Largest PDU accepted from the SMSC and sent to it, header included.
    pub max_pdu_len: usize,
    /// Capacity of the event stream. A full stream stops reading from the SMSC.
    pub event_capacity: usize,
    /// Sequence number of the first PDU (1..=0x7FFFFFFF); tests start near the wrap.
    pub first_sequence_number: u32,
    pub tls: Option<TlsSettings>,
    /// Opens the transport instead of TCP to `address` (in-memory SMSCs, proxies).
    pub connector: Option<Connector>,
}

impl EsmeConfig {
    /// A transceiver bind with production-minded defaults.
    pub fn new(
        address: impl Into<String>,
        system_id: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            address: address.into(),
            system_id: system_id.into(),
            password: password.into(),
            system_type: String::new(),
            bind_mode: BindMode::Transceiver,
            interface_version: 0x34,
            addr_ton: 0,
            addr_npi: 0,
            address_range: String::new(),
            window: 10,
            response_timeout: Duration::from_secs(10),
            enquire_link_interval: Duration::from_secs(30),
            enquire_link_timeout: Duration::from_secs(10),
            reconnect: Backoff {
                min: Duration::from_secs(1),
                max: Duration::from_secs(60),
                factor: 2.0,
            },
            reconnect_on_peer_unbind: true,
            throttle_backoff: Duration::from_secs(1),
            throttle_retries: 5,
            max_pdu_len: DEFAULT_MAX_PDU_LEN,
            event_capacity: 1024,
            first_sequence_number: 1,
            tls: None,
            connector: None,
        }
    }

    /// Check the numbers and build the bind PDU the session sends on every (re)connect.
    pub(crate) fn bind_pdu(&self) -> Result<Pdu, EsmeError> {
        let bad = |what: &str| EsmeError::Config(what.to_string());
        if self.window == 0 {
            return Err(bad("window must be at least 1"));
        }
        if self.window > tokio::sync::Semaphore::MAX_PERMITS || self.window > u32::MAX as usize {
            return Err(bad("window too large"));
        }
        for (name, d) in [
            ("response_timeout", self.response_timeout),
            ("enquire_link_interval", self.enquire_link_interval),
            ("enquire_link_timeout", self.enquire_link_timeout),
            ("reconnect.min", self.reconnect.min),
        ] {
            if d.is_zero() {
                return Err(bad(&format!("{name} must be above zero")));
            }
        }
        let factor_ok = self.reconnect.factor.is_finite() && self.reconnect.factor >= 1.0;
        if self.reconnect.max < self.reconnect.min || !factor_ok {
            return Err(bad("reconnect backoff needs min <= max and factor >= 1"));
        }
        if self.max_pdu_len < HEADER_LEN + 1 || self.event_capacity == 0 {
            return Err(bad("max_pdu_len and event_capacity are too small"));
        }
        if !(1..=MAX_SEQUENCE_NUMBER).contains(&self.first_sequence_number) {
            return Err(bad("first_sequence_number must be in 1..=0x7FFFFFFF"));
        }
        if !matches!(self.interface_version, 0x00..=0x34 | 0x50) {
            return Err(bad("interface_version must be 0x34, 0x50 or at most 0x33"));
        }
        fn field<const N: usize>(name: &str, value: &str) -> Result<COctetString<1, N>, EsmeError> {
            COctetString::from_string(value.to_string()).map_err(|_| {
                EsmeError::Config(format!(
                    "{name} must be ASCII of at most {} characters",
                    N - 1
                ))
            })
        }
        let system_id = field::<16>("system_id", &self.system_id)?;
        let password = field::<9>("password", &self.password)?;
        let system_type = field::<13>("system_type", &self.system_type)?;
        let address_range = field::<41>("address_range", &self.address_range)?;
        let version = InterfaceVersion::from(self.interface_version);
        let (ton, npi) = (Ton::from(self.addr_ton), Npi::from(self.addr_npi));
        Ok(match self.bind_mode {
            BindMode::Transmitter => Pdu::BindTransmitter(BindTransmitter::new(
                system_id,
                password,
                system_type,
                version,
                ton,
                npi,
                address_range,
            )),
            BindMode::Receiver => Pdu::BindReceiver(BindReceiver::new(
                system_id,
                password,
                system_type,
                version,
                ton,
                npi,
                address_range,
            )),
            BindMode::Transceiver => Pdu::BindTransceiver(BindTransceiver::new(
                system_id,
                password,
                system_type,
                version,
                ton,
                npi,
                address_range,
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> EsmeConfig {
        EsmeConfig::new("127.0.0.1:2775", "gateway", "gateway")
    }

    #[test]
    fn backoff_grows_by_factor_and_saturates() {
        let b = Backoff {
            min: Duration::from_secs(1),
            max: Duration::from_secs(5),
            factor: 2.0,
        };
        let mut d = b.min;
        let steps: Vec<u64> = (0..4)
            .map(|_| {
                d = b.next(d);
                d.as_secs()
            })
            .collect();
        assert_eq!(steps, vec![2, 4, 5, 5]);
        let huge = Backoff { factor: 1e300, ..b };
        assert_eq!(huge.next(Duration::from_secs(3)), b.max);
    }

    #[test]
    fn bind_pdu_follows_mode_and_version() {
        let mut c = config();
        c.bind_mode = BindMode::Receiver;
        c.interface_version = 0x50;
        match c.bind_pdu().unwrap() {
            Pdu::BindReceiver(b) => {
                assert_eq!(u8::from(b.interface_version), 0x50);
                assert_eq!(b.system_id.to_string(), "gateway");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_values_are_config_errors() {
        type Breaks = fn(&mut EsmeConfig);
        let cases: Vec<(&str, Breaks)> = vec![
            ("system_id", |c| c.system_id = "a-system-id-too-long".into()),
            ("password", |c| c.password = "ninechars".into()),
            ("password", |c| c.password = "pässwd".into()),
            ("window", |c| c.window = 0),
            ("interface_version", |c| c.interface_version = 0x40),
            ("first_sequence_number", |c| {
                c.first_sequence_number = 0x8000_0000
            }),
            ("backoff", |c| c.reconnect.factor = 0.5),
            ("response_timeout", |c| c.response_timeout = Duration::ZERO),
        ];
        for (field, breaks) in cases {
            let mut c = config();
            breaks(&mut c);
            match c.bind_pdu() {
                Err(EsmeError::Config(msg)) => assert!(msg.contains(field), "{field}: {msg}"),
                other => panic!("{field}: expected a config error, got {other:?}"),
            }
        }
        assert!(config().bind_pdu().is_ok());
    }
}
