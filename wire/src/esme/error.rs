//! Errors an ESME caller can branch on.
//!
//! A request ends in a response (`Ok`), an SMSC status ([`EsmeError::Status`]),
//! a [`Timeout`](EsmeError::Timeout), a dropped connection
//! ([`Disconnected`](EsmeError::Disconnected)), or throttling that outlasted the
//! retries ([`Throttled`](EsmeError::Throttled)). Connecting adds
//! [`BindFailed`](EsmeError::BindFailed) with the SMSC's status.

use std::time::Duration;

use rusmpp::{Command, CommandId, CommandStatus};

#[derive(Debug, thiserror::Error)]
pub enum EsmeError {
    #[error("invalid ESME configuration: {0}")]
    Config(String),
    #[error("cannot connect to {address}: {source}")]
    Connect {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error("TLS handshake with {address} failed: {source}")]
    Tls {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error("i/o error during bind: {0}")]
    Io(#[from] std::io::Error),
    /// The SMSC refused the bind (ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL, ...).
    #[error("bind refused: {0:?}")]
    BindFailed(CommandStatus),
    /// The SMSC answered with a status other than ESME_ROK (or with generic_nack).
    #[error("SMSC answered {status:?}")]
    Status {
        status: CommandStatus,
        response: Box<Command>,
    },
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// The connection dropped while the request was outstanding.
    #[error("connection lost before the response arrived")]
    Disconnected,
    /// ESME_RTHROTTLED (or ESME_RMSGQFUL) on every attempt.
    #[error("still throttled after {retries} retries")]
    Throttled { retries: u32 },
    /// The session was unbound or every handle was dropped.
    #[error("the ESME session is closed")]
    Closed,
    /// bind, unbind, outbind and responses are the session's business, not `request`'s.
    #[error("{0:?} cannot be sent with request()")]
    NotARequest(CommandId),
    #[error("PDU of {len} bytes exceeds the maximum of {max}")]
    PduTooLong { len: usize, max: usize },
    /// The response could not be decoded, or answered a different command.
    #[error("unusable response: {0}")]
    BadResponse(String),
}

impl EsmeError {
    /// The SMSC's status, when the error carries one.
    pub fn status(&self) -> Option<CommandStatus> {
        match self {
            EsmeError::BindFailed(s) => Some(*s),
            EsmeError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
