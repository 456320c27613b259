//! The server sections of the config file: `[cell]` (which switch to attach
//! to, how to reconnect) and `[http]` (the API and phones page). Every field
//! has a default, so an empty file is a loopback cell with no terminals.

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::time::Duration;

use serde::Deserialize;

use super::de;

/// Longest cell id: it travels in a `Hello` frame and shows in logs and pages.
pub const MAX_CELL_ID_LEN: usize = 64;

/// `[cell]`: this process is one cell of the switch.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CellConfig {
    /// Name sent in `Hello`; 1..=64 printable characters.
    pub id: String,
    /// The switch's air-link address, `host:port`.
    pub air: String,
    /// `reconnect_initial_ms`: first wait after the link drops or a connect
    /// fails; each further failure doubles it, up to `reconnect_max_ms`.
    #[serde(
        rename = "reconnect_initial_ms",
        deserialize_with = "de::millis_positive"
    )]
    pub reconnect_initial: Duration,
    /// `reconnect_max_ms`: the cap of the backoff (before jitter).
    #[serde(rename = "reconnect_max_ms", deserialize_with = "de::millis_positive")]
    pub reconnect_max: Duration,
    /// `handshake_timeout_s`: connect plus `Hello`/`HelloAck` must finish in this.
    #[serde(rename = "handshake_timeout_s", deserialize_with = "de::secs_positive")]
    pub handshake_timeout: Duration,
    /// `submit_timeout_s`: an MO message not acknowledged by then is failed.
    #[serde(rename = "submit_timeout_s", deserialize_with = "de::secs_positive")]
    pub submit_timeout: Duration,
    /// `reassembly_timeout_s`: parts of a concatenated message wait this long
    /// for the rest, then are dropped.
    #[serde(
        rename = "reassembly_timeout_s",
        deserialize_with = "de::secs_positive"
    )]
    pub reassembly_timeout: Duration,
    /// Longest air-link frame accepted from the switch.
    pub max_frame_len: u32,
}

impl Default for CellConfig {
    fn default() -> Self {
        Self {
            id: "cell-1".into(),
            air: "127.0.0.1:4775".into(),
            reconnect_initial: Duration::from_millis(500),
            reconnect_max: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(10),
            submit_timeout: Duration::from_secs(30),
            reassembly_timeout: Duration::from_secs(300),
            max_frame_len: 64 * 1024,
        }
    }
}

/// `[http]`: the API, the event stream and the phones page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Listen address (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Connections open at once (event streams and long polls included);
    /// more are closed at accept.
    pub max_connections: NonZeroUsize,
    /// `header_timeout_s`: a request's headers must arrive within this of
    /// its first byte (a slowloris trickle is cut there).
    #[serde(rename = "header_timeout_s", deserialize_with = "de::secs_positive")]
    pub header_timeout: Duration,
    /// `idle_timeout_s`: a connection silent both ways this long, with no
    /// request being answered (a long poll is), is closed.
    #[serde(rename = "idle_timeout_s", deserialize_with = "de::secs_positive")]
    pub idle_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8776)),
            max_connections: NonZeroUsize::new(1024).expect("not zero"),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Why `air` is not a usable `host:port`.
pub(crate) fn check_air(air: &str) -> Result<(), String> {
    let Some((host, port)) = air.rsplit_once(':') else {
        return Err(format!("{air:?} is not host:port"));
    };
    if host.is_empty() {
        return Err(format!("{air:?} has no host"));
    }
    match port.parse::<u16>() {
        Ok(0) => Err(format!("{air:?}: port 0 cannot be connected to")),
        Ok(_) => Ok(()),
        Err(_) => Err(format!("{air:?}: {port:?} is not a port number")),
    }
}

/// Why `id` is not a usable cell id.
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    let len = id.chars().count();
    if len == 0 || len > MAX_CELL_ID_LEN {
        return Err(format!(
            "must be 1..={MAX_CELL_ID_LEN} characters, got {len}"
        ));
    }
    if id.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(())
}
