//! Delivery receipt text: the de-facto format an SMSC puts in the
//! short_message of a receipt deliver_sm (SMPP 3.4 Appendix B),
//! `id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm
//! stat:DELIVRD err:000 text:<first 20 characters>`.
//!
//! [`Receipt`] holds the fields; [`Receipt::format`] writes the canonical
//! form (smsc-sim builds receipts with it) and [`Receipt::parse`] reads what
//! real SMSCs send (the gateway reads receipts with it), which the spec only
//! calls "typical": keys in any case, `submit_date` for `submit date`,
//! missing `sub`/`dlvrd`/`err`/`text`, dates with seconds, ids in decimal,
//! hex or UUID form, extra fields, status words of any length. Fields a
//! receipt lacks are `None`, and `format` leaves them out, so
//! `parse(format(r)) == r`. [`Receipt::message_state`] maps the `stat` word
//! to the message_state TLV value.

mod date;
mod parse;

use std::fmt::{self, Write as _};
use std::str::FromStr;

use rusmpp::values::MessageState;
use thiserror::Error;

pub use date::ReceiptDate;

use crate::smpp::time::SmppTimeError;

/// How many characters of the original message a receipt's `text` carries.
pub const TEXT_LEN: usize = 20;

/// The `stat` words of SMPP 3.4 Appendix B (plus ENROUTE for intermediate
/// notifications).
pub mod stat {
    pub const ENROUTE: &str = "ENROUTE";
    pub const DELIVRD: &str = "DELIVRD";
    pub const EXPIRED: &str = "EXPIRED";
    pub const DELETED: &str = "DELETED";
    pub const UNDELIV: &str = "UNDELIV";
    pub const ACCEPTD: &str = "ACCEPTD";
    pub const UNKNOWN: &str = "UNKNOWN";
    pub const REJECTD: &str = "REJECTD";
}

/// A delivery receipt's fields, as given (strings are not normalised).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Receipt {
    /// The message_id the SMSC returned in submit_sm_resp.
    pub id: String,
    /// Number of short messages originally submitted.
    pub sub: Option<u32>,
    /// Number of short messages delivered.
    pub dlvrd: Option<u32>,
    pub submit_date: Option<ReceiptDate>,
    pub done_date: Option<ReceiptDate>,
    /// Final (or intermediate) state word, e.g. [`stat::DELIVRD`].
    pub stat: String,
    /// Network or SMSC error code, usually three digits.
    pub err: Option<String>,
    /// The start of the original message; `format` keeps [`TEXT_LEN`] characters.
    pub text: Option<String>,
}

/// Why a text is not a delivery receipt.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReceiptError {
    #[error("delivery receipt has no {0} field")]
    Missing(&'static str),
    #[error("delivery receipt {field} {value:?} is not a count")]
    InvalidCount { field: &'static str, value: String },
    #[error("delivery receipt {field} {value:?} is not a date: {reason}")]
    InvalidDate {
        field: &'static str,
        value: String,
        reason: SmppTimeError,
    },
}

impl Receipt {
    /// The canonical text: counts zero-padded to three digits, a numeric
    /// `err` zero-padded to three digits, `text` cut to [`TEXT_LEN`]
    /// characters, absent fields left out.
    pub fn format(&self) -> String {
        self.to_string()
    }

    /// Reads a receipt the way real SMSCs write them (see the module docs).
    pub fn parse(s: &str) -> Result<Receipt, ReceiptError> {
        parse::parse(s)
    }

    /// The message_state the `stat` word names, in any case; `None` for a
    /// word outside SMPP 3.4 Appendix B and its spelled-out forms.
    pub fn message_state(&self) -> Option<MessageState> {
        Some(match self.stat.to_ascii_uppercase().as_str() {
            "ENROUTE" => MessageState::Enroute,
            "DELIVRD" | "DELIVERED" => MessageState::Delivered,
            "EXPIRED" => MessageState::Expired,
            "DELETED" => MessageState::Deleted,
            "UNDELIV" | "UNDELIVERABLE" => MessageState::Undeliverable,
            "ACCEPTD" | "ACCEPTED" => MessageState::Accepted,
            "UNKNOWN" => MessageState::Unknown,
            "REJECTD" | "REJECTED" => MessageState::Rejected,
            _ => return None,
        })
    }
}

/// The `stat` word for a message state; `None` for states the receipt
/// format has no word for (scheduled, skipped, vendor values).
pub fn stat_word(state: MessageState) -> Option<&'static str> {
    Some(match state {
        MessageState::Enroute => stat::ENROUTE,
        MessageState::Delivered => stat::DELIVRD,
        MessageState::Expired => stat::EXPIRED,
        MessageState::Deleted => stat::DELETED,
        MessageState::Undeliverable => stat::UNDELIV,
        MessageState::Accepted => stat::ACCEPTD,
        MessageState::Unknown => stat::UNKNOWN,
        MessageState::Rejected => stat::REJECTD,
        _ => return None,
    })
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "id:{}", self.id)?;
        if let Some(n) = self.sub {
            write!(f, " sub:{n:03}")?;
        }
        if let Some(n) = self.dlvrd {
            write!(f, " dlvrd:{n:03}")?;
        }
        if let Some(d) = &self.submit_date {
            write!(f, " submit date:{d}")?;
        }
        if let Some(d) = &self.done_date {
            write!(f, " done date:{d}")?;
        }
        write!(f, " stat:{}", self.stat)?;
        if let Some(err) = &self.err {
            if err.bytes().all(|b| b.is_ascii_digit()) {
                write!(f, " err:{err:0>3}")?;
            } else {
                write!(f, " err:{err}")?;
            }
        }
        if let Some(text) = &self.text {
            f.write_str(" text:")?;
            for c in text.chars().take(TEXT_LEN) {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl FromStr for Receipt {
    type Err = ReceiptError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Receipt::parse(s)
    }
}

#[cfg(test)]
mod tests;
