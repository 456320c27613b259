//! [`AirFrameError`]: a frame that was cut cleanly from the stream but could not
//! be accepted, with what the receiver needs to answer it.
//!
//! The codec yields it as `AirInbound::Malformed`; the receiver answers with
//! [`AirFrameError::to_error_frame`] (or, when [`AirFrameError::reference`] is
//! known, with the matching `*Error` frame) and keeps reading.

use super::{AirErrorCode, AirFrame, frame::MAX_STRING_LEN, frame_type_name};
use crate::msisdn::NumberError;

/// A rejected frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad air frame (type 0x{frame_type:02x} {name}): {kind}", name = frame_type_name(*.frame_type).unwrap_or("unknown"))]
pub struct AirFrameError {
    /// The frame type byte, or 0 when the frame was too short to hold one.
    pub frame_type: u8,
    /// The frame's `reference` when its type has one and it was readable, so a bad
    /// `Submit` can still get a `SubmitError` for the right message.
    pub reference: Option<u32>,
    pub kind: AirFrameErrorKind,
}

/// What was wrong with a rejected frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AirFrameErrorKind {
    #[error("version {0} is not supported (expected {expected})", expected = super::AIR_VERSION)]
    UnsupportedVersion(u8),
    #[error("unknown frame type")]
    UnknownFrameType,
    #[error("frame length {len} is above the maximum {max}; skipped")]
    TooLong { len: usize, max: usize },
    #[error("field {field} is truncated")]
    Truncated { field: &'static str },
    #[error("field {field} is not valid UTF-8")]
    InvalidUtf8 { field: &'static str },
    #[error("field {field}: {error}")]
    InvalidNumber {
        field: &'static str,
        error: NumberError,
    },
    #[error("terminal kind code {0} is unknown")]
    InvalidTerminalKind(u8),
    #[error("{0} bytes left over after the last field")]
    TrailingBytes(usize),
}

impl AirFrameError {
    /// The code to answer with.
    pub fn code(&self) -> AirErrorCode {
        match self.kind {
            AirFrameErrorKind::UnsupportedVersion(_) => AirErrorCode::UNSUPPORTED_VERSION,
            AirFrameErrorKind::UnknownFrameType => AirErrorCode::UNKNOWN_FRAME_TYPE,
            AirFrameErrorKind::TooLong { .. } => AirErrorCode::FRAME_TOO_LONG,
            _ => AirErrorCode::MALFORMED_FRAME,
        }
    }

    /// The `Error` frame answering this one; the message is cut to fit the field.
    pub fn to_error_frame(&self) -> AirFrame {
        AirFrame::Error {
            code: self.code(),
            message: truncate_to_field(self.to_string()),
        }
    }
}

/// Cut `s` at a char boundary so it fits a string field (255 bytes).
pub fn truncate_to_field(mut s: String) -> String {
    if s.len() > MAX_STRING_LEN {
        let mut end = MAX_STRING_LEN;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}
