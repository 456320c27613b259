//! SMS to the customer's terminal through one or more SMSCs over SMPP.
//!
//! [`SmsGateway::start`] opens a `wire::esme` session (or a transmitter and a
//! receiver) to every configured SMSC ([`SmscConfig`]) and returns the gateway
//! plus a stream of [`DeliveryReport`]s. [`SmsGateway::send`] encodes a text
//! (GSM 7-bit when it fits, else UCS-2, concatenated with an 8-bit UDH when
//! longer than one part, see [`pdu`]), then tries the SMSCs by priority: one
//! whose link is down, or whose submit fails transiently (system error, queue
//! full, still throttled after the ESME's retries, timeout, lost connection),
//! is skipped for the next; a refusal ([`SendError::Rejected`]) is final; when
//! none accepts, [`SendError::AllSmscsDown`]. Receipts arriving on any session
//! become `DeliveryReport`s whose `message_id` is normalised ([`ids`]) to the
//! form [`SentSms::message_ids`] has. Submits to one SMSC are paced to its
//! `max_rate` (module `pace`). [`templates`] writes the texts.
//! Message text is never logged (it holds codes); ids and references are.
//!
//! Failover after a timeout or a lost connection can deliver a message twice
//! (the first SMSC may have taken it); a code SMS sent twice is harmless, a
//! code SMS never sent blocks the payment.

mod config;
mod gateway;
pub mod ids;
mod link;
mod mo;
mod pace;
pub mod pdu;
mod receipts;
pub mod sealed;
pub mod templates;

pub use config::{BindKind, SmppPassword, SmscConfig, SmscTls};
pub use gateway::{SmsGateway, SmscStatus};
pub use ids::IdFormat;
pub use mo::MoSms;
pub use templates::Locale;

/// What an SMSC accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSms {
    /// Name of the SMSC that took the message.
    pub smsc: String,
    /// One normalised message id per part, in order.
    pub message_ids: Vec<String>,
    pub segments: usize,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No SMSC is bound, or every one failed transiently: try again later.
    #[error("no SMS center is available")]
    AllSmscsDown,
    /// An SMSC refused the message (the SMPP status name, e.g. ESME_RINVDSTADR).
    #[error("the SMS center refused the message: {0}")]
    Rejected(String),
    /// The message cannot be sent as given (empty, too long, bad address).
    #[error("message cannot be sent: {0}")]
    Invalid(String),
}

/// A delivery receipt, correlated to a part's message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub smsc: String,
    /// Normalised: equal to the `SentSms::message_ids` entry it reports on.
    pub message_id: String,
    /// The receipt's state word: DELIVRD, UNDELIV, EXPIRED, REJECTD, ENROUTE, ...
    pub stat: String,
    /// The receipt's error code, when it gave one.
    pub err: Option<String>,
    /// When the gateway received it, Unix ms.
    pub at: i64,
}

impl DeliveryReport {
    pub fn delivered(&self) -> bool {
        self.stat == wire::receipt::stat::DELIVRD
    }
}

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("smsc {smsc:?}: {message}")]
    Config { smsc: String, message: String },
    #[error("no [[smsc]] configured")]
    NoSmsc,
}
