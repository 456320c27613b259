//! Why a TPDU could not be encoded or decoded.
//!
//! One error type, [`TpduError`], for every module of [`super`]: decoding
//! never panics on hostile input, it names the field that was wrong and,
//! where it helps, the octet offset. Text and header errors from
//! [`crate::text`] are wrapped, not flattened, so callers can still branch
//! on them.

use crate::text::{TextError, UdhError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TpduError {
    /// The input ended inside `field`, which starts at octet `offset`.
    #[error("TPDU ends inside {field} (at octet {offset})")]
    Truncated { field: &'static str, offset: usize },
    /// Octets were left after the last field the TPDU declares.
    #[error("{count} unexpected octets after the end of the TPDU")]
    TrailingOctets { count: usize },
    /// Empty input: not even a first octet.
    #[error("empty TPDU")]
    Empty,
    /// TP-MTI names a TPDU this module does not handle in that direction
    /// (SMS-SUBMIT-REPORT, SMS-COMMAND, the reserved value 3).
    #[error("TP-MTI {mti} ({name}) is not supported {direction}")]
    UnsupportedMessageType {
        mti: u8,
        name: &'static str,
        direction: &'static str,
    },
    /// A type-specific decoder was given another TPDU type.
    #[error("expected {expected}, found TP-MTI {mti}")]
    WrongMessageType { expected: &'static str, mti: u8 },
    /// A semi-octet that is not allowed where it was found.
    #[error("invalid semi-octet 0x{nibble:X} in {field} at octet {offset}")]
    BadSemiOctet {
        field: &'static str,
        offset: usize,
        nibble: u8,
    },
    /// An address that cannot be written or read.
    #[error("invalid address {value:?}: {reason}")]
    InvalidAddress { value: String, reason: &'static str },
    /// A timestamp with an out-of-range field.
    #[error("invalid {field}: {reason}")]
    InvalidTimestamp {
        field: &'static str,
        reason: &'static str,
    },
    /// A validity period that cannot be written (relative value out of range, ...).
    #[error("invalid TP-VP: {0}")]
    InvalidValidityPeriod(&'static str),
    /// TP-UDL and the user data disagree, or the data does not fit.
    #[error("invalid user data: {0}")]
    UserData(&'static str),
    /// The body does not match what TP-DCS says (text for 8-bit data, ...).
    #[error("user data body does not match TP-DCS 0x{dcs:02X}: {reason}")]
    BodyMismatch { dcs: u8, reason: &'static str },
    /// User data longer than one TPDU carries.
    #[error("user data of {len} {unit} exceeds the {max}-{unit} limit")]
    UserDataTooLong {
        len: usize,
        max: usize,
        unit: &'static str,
    },
    #[error("user data header: {0}")]
    Udh(#[from] UdhError),
    #[error("user data text: {0}")]
    Text(#[from] TextError),
}
