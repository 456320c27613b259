//! The server sections of the config file: `[smpp]` (with the optional
//! `[smpp.tls]`), `[http]`, `[air]`, `[store]` and `[delivery]`. Every field has a
//! default, so an empty file is a working loopback SMSC.

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::time;

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Smallest accepted max_pdu_len: room for a submit_sm with every C-string at
/// its maximum and a full 254-octet short_message.
pub const MIN_MAX_PDU_LEN: u32 = 512;
/// Largest accepted max_pdu_len (a message_payload TLV carries at most 64 KiB).
pub const MAX_MAX_PDU_LEN: u32 = 1 << 20;

/// Smallest accepted `[air] max_frame_len`, the same bound as handset-sim's
/// `[cell] max_frame_len`: room for a deliver frame with a full SMS.
pub const MIN_AIR_FRAME_LEN: u32 = 1024;
/// Largest accepted `[air] max_frame_len` (as handset-sim's): 1 MiB, so a
/// peer cannot make the switch buffer more for one frame.
pub const MAX_AIR_FRAME_LEN: u32 = 1 << 20;

/// `[smpp]`: the SMPP listener, session limits and timers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmppConfig {
    /// Plain TCP listen address (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Largest command_length accepted; longer PDUs get generic_nack
    /// ESME_RINVCMDLEN. Between 512 and 1 MiB.
    pub max_pdu_len: u32,
    /// `bind_timeout_s`: a connection that has not bound by then is closed.
    #[serde(rename = "bind_timeout_s", deserialize_with = "time::secs_positive")]
    pub bind_timeout: Duration,
    /// `inactivity_timeout_s`: a bound session with no PDU from the ESME for
    /// this long is unbound. 0 turns it off.
    #[serde(
        rename = "inactivity_timeout_s",
        deserialize_with = "time::secs_or_off"
    )]
    pub inactivity_timeout: Option<Duration>,
    /// `enquire_link_s`: how often the SMSC sends enquire_link to an idle
    /// receiver or transceiver bind. 0 turns the keepalive off.
    #[serde(rename = "enquire_link_s", deserialize_with = "time::secs_or_off")]
    pub enquire_link: Option<Duration>,
    /// `response_timeout_s`: how long the SMSC waits for the ESME's answer to
    /// its own requests (deliver_sm, enquire_link, unbind).
    #[serde(
        rename = "response_timeout_s",
        deserialize_with = "time::secs_positive"
    )]
    pub response_timeout: Duration,
    /// `drain_timeout_s`: on shutdown or unbind, how long outstanding
    /// responses are awaited before the connection is closed. 0 closes at once.
    #[serde(rename = "drain_timeout_s", deserialize_with = "time::secs")]
    pub drain_timeout: Duration,
    /// `[smpp.tls]`: an optional TLS listener beside the plain one.
    pub tls: Option<TlsConfig>,
    /// Connections open at once on the SMPP listeners (plain and TLS
    /// together, bound or not); more are closed at accept. 1-100000.
    pub max_connections: usize,
    /// Refused binds per (peer IP, system_id) and minute before that pair's
    /// binds are refused unchecked for the rest of the minute (password
    /// guessing). 0 turns it off.
    pub max_bind_failures_per_min: u32,
}

impl Default for SmppConfig {
    fn default() -> Self {
        Self {
            listen: loopback(2775),
            max_pdu_len: 4096,
            bind_timeout: Duration::from_secs(30),
            inactivity_timeout: Some(Duration::from_secs(300)),
            enquire_link: Some(Duration::from_secs(30)),
            response_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(5),
            tls: None,
            max_connections: 1000,
            max_bind_failures_per_min: 20,
        }
    }
}

fn default_tls_listen() -> SocketAddr {
    loopback(2776)
}

/// `[smpp.tls]`: SMPP over TLS (rustls). Relative paths are resolved against
/// the config file's directory.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// TLS listen address.
    #[serde(default = "default_tls_listen")]
    pub listen: SocketAddr,
    /// PEM file with the server certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM file with the certificate's private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// `[http]`: the admin API and `/metrics`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Listen address of the admin HTTP API (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Connections open at once; more are closed at accept.
    pub max_connections: NonZeroUsize,
    /// `header_timeout_s`: a request's headers must arrive within this of
    /// its first byte (a slowloris trickle is cut there).
    #[serde(rename = "header_timeout_s", deserialize_with = "time::secs_positive")]
    pub header_timeout: Duration,
    /// `idle_timeout_s`: a connection silent both ways this long, with no
    /// request being answered, is closed.
    #[serde(rename = "idle_timeout_s", deserialize_with = "time::secs_positive")]
    pub idle_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: loopback(8775),
            max_connections: NonZeroUsize::new(256).expect("not zero"),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// `[air]`: the air-link listener that handset-sim cells connect to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AirConfig {
    /// Listen address (port 0 picks a free port).
    pub listen: SocketAddr,
    /// `heartbeat_s`: the interval a cell is told to heartbeat at; a cell
    /// silent for three intervals is dropped and its terminals detached.
    #[serde(rename = "heartbeat_s", deserialize_with = "time::secs_positive")]
    pub heartbeat: Duration,
    /// `deliver_timeout_s`: how long the switch waits for a terminal's
    /// deliver-ack before it counts the attempt as a temporary failure.
    #[serde(rename = "deliver_timeout_s", deserialize_with = "time::secs_positive")]
    pub deliver_timeout: Duration,
    /// Longest air-link frame accepted, between [`MIN_AIR_FRAME_LEN`] and
    /// [`MAX_AIR_FRAME_LEN`].
    pub max_frame_len: u32,
    /// Cell connections open at once; more are closed at accept.
    pub max_cells: NonZeroUsize,
    /// `hello_timeout_s`: a connection that has not said Hello by then
    /// (silent, or a frame sent halfway) is closed.
    #[serde(rename = "hello_timeout_s", deserialize_with = "time::secs_positive")]
    pub hello_timeout: Duration,
}

impl Default for AirConfig {
    fn default() -> Self {
        Self {
            listen: loopback(4775),
            heartbeat: Duration::from_secs(30),
            deliver_timeout: Duration::from_secs(10),
            max_frame_len: 64 * 1024,
            max_cells: NonZeroUsize::new(64).expect("not zero"),
            hello_timeout: Duration::from_secs(10),
        }
    }
}

pub use crate::store::SyncMode;

/// `[store]`: where the message store lives.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Directory of the SQLite database. None leaves the choice to the CLI
    /// (`--data-dir`, `--memory`, or its default). Relative paths are
    /// resolved against the config file's directory.
    pub data_dir: Option<PathBuf>,
    /// Keep everything in memory (load tests); nothing survives a restart.
    /// Excludes `data_dir`.
    pub memory: bool,
    /// `"normal"` or `"full"`, see [`SyncMode`].
    pub sync: SyncMode,
}

/// `[delivery]`: validity and retries of the store-and-forward engine.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryConfig {
    /// `default_validity_s`: validity of a message submitted without
    /// validity_period.
    #[serde(
        rename = "default_validity_s",
        deserialize_with = "time::secs_positive"
    )]
    pub default_validity: Duration,
    /// `max_validity_s`: longer requested validity periods are cut to this.
    /// At least `default_validity_s`.
    #[serde(rename = "max_validity_s", deserialize_with = "time::secs_positive")]
    pub max_validity: Duration,
    /// `retry_schedule_s`: wait after the 1st, 2nd, ... failed attempt; the
    /// last interval repeats until the message expires. Empty: one attempt.
    #[serde(
        rename = "retry_schedule_s",
        deserialize_with = "time::secs_list_positive"
    )]
    pub retry_schedule: Vec<Duration>,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            default_validity: Duration::from_secs(48 * 3600),
            max_validity: Duration::from_secs(7 * 24 * 3600),
            retry_schedule: [30, 60, 300, 900, 3600].map(Duration::from_secs).to_vec(),
        }
    }
}

impl DeliveryConfig {
    /// Wait before the next attempt after `failed` failed attempts (1-based),
    /// or None when the schedule allows no retry.
    pub fn retry_after(&self, failed: u32) -> Option<Duration> {
        let last = self.retry_schedule.len().checked_sub(1)?;
        let i = usize::try_from(failed.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .min(last);
        Some(self.retry_schedule[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_schedule_repeats_last_interval() {
        let d = DeliveryConfig::default();
        assert_eq!(d.retry_after(1), Some(Duration::from_secs(30)));
        assert_eq!(d.retry_after(2), Some(Duration::from_secs(60)));
        assert_eq!(d.retry_after(5), Some(Duration::from_secs(3600)));
        assert_eq!(d.retry_after(50), Some(Duration::from_secs(3600)));
        let none = DeliveryConfig {
            retry_schedule: vec![],
            ..d
        };
        assert_eq!(none.retry_after(1), None);
    }
}
