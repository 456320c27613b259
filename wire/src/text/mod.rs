//! Message text: encodings, segmentation and reassembly for SMPP and TPDUs.
//!
//! [`Encoding`] names the alphabets SMPP's data_coding selects (GSM-7 default
//! alphabet, IA5, Latin-1, UCS-2/UTF-16, 8-bit binary) and maps to and from
//! the data_coding octet. [`encode`] turns text into short_message bytes,
//! [`decode`] turns bytes back given a data_coding, [`decode_lossy`] never
//! fails (receipt `text:` fields, admin views). Outbound, a text goes
//! [`smallest_encoding`] → [`segment::segment_text`] → one [`Segment`] per
//! PDU; inbound, parts go through a [`Reassembler`] and come out whole.
//! GSM-7 is carried unpacked (one septet per octet) as in SMPP; [`pack`] has
//! the packed form for TPDUs, and [`udh`] the user data header.

pub mod gsm7;
pub mod latin1;
pub mod pack;
pub mod reassembly;
pub mod segment;
pub mod ucs2;
pub mod udh;

use std::fmt;

pub use reassembly::{Outcome, Part, Reassembled, Reassembler};
pub use segment::{Concatenation, Sar, Segment, segment, segment_count, segment_text};
pub use udh::{InformationElement, UdhError, UserDataHeader};

/// The alphabet of a short message, as data_coding selects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GSM 03.38 default alphabet with its extension table (data_coding 0x00).
    Gsm7,
    /// IA5 / ASCII (0x01).
    Ia5,
    /// ISO-8859-1 (0x03).
    Latin1,
    /// UCS-2, read and written as UTF-16BE so surrogate pairs survive (0x08).
    Ucs2,
    /// 8-bit data passed through unchanged (0x04; 0x02 is read as this too).
    Binary,
}

impl Encoding {
    /// The data_coding octet to send for this encoding.
    pub const fn data_coding(self) -> u8 {
        match self {
            Encoding::Gsm7 => 0x00,
            Encoding::Ia5 => 0x01,
            Encoding::Latin1 => 0x03,
            Encoding::Ucs2 => 0x08,
            Encoding::Binary => 0x04,
        }
    }

    /// The encoding a received data_coding selects, including the TS 23.038
    /// message-waiting (0xC0–0xEF) and message-class (0xF0–0xFF) groups.
    pub const fn from_data_coding(data_coding: u8) -> Option<Encoding> {
        match data_coding {
            0x00 => Some(Encoding::Gsm7),
            0x01 => Some(Encoding::Ia5),
            0x02 | 0x04 => Some(Encoding::Binary),
            0x03 => Some(Encoding::Latin1),
            0x08 => Some(Encoding::Ucs2),
            0xC0..=0xDF => Some(Encoding::Gsm7),
            // SMPP 3.4 calls 0xE0–0xEF reserved; TS 23.038 made it MWI with UCS-2.
            0xE0..=0xEF => Some(Encoding::Ucs2),
            0xF0..=0xFF if data_coding & 0x04 == 0 => Some(Encoding::Gsm7),
            0xF0..=0xFF => Some(Encoding::Binary),
            _ => None,
        }
    }

    /// Octets of encoded data per counting unit (septet, UTF-16 unit, octet).
    pub const fn unit_octets(self) -> usize {
        match self {
            Encoding::Ucs2 => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ia5 => "IA5",
            Encoding::Latin1 => "Latin-1",
            Encoding::Ucs2 => "UCS-2",
            Encoding::Binary => "8-bit binary",
        })
    }
}

/// Why a text could not be encoded, decoded or segmented.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("character {ch:?} at position {index} cannot be encoded in {encoding}")]
    Unencodable {
        ch: char,
        index: usize,
        encoding: Encoding,
    },
    #[error("data_coding 0x{0:02X} is not supported")]
    UnsupportedDataCoding(u8),
    #[error("invalid {encoding} data at octet {offset}: {reason}")]
    Invalid {
        encoding: Encoding,
        offset: usize,
        reason: &'static str,
    },
    #[error("packed data needs {needed} octets, only {available} present")]
    Truncated { needed: usize, available: usize },
    #[error("message needs {0} segments; concatenation allows 255")]
    TooManySegments(usize),
    #[error("message of {len} octets exceeds the {max}-octet limit")]
    TooLong { len: usize, max: usize },
}

/// Encodes `text` for a short_message (or message_payload) in `encoding`.
/// Binary passes the text's UTF-8 octets through unchanged.
pub fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, TextError> {
    match encoding {
        Encoding::Gsm7 => gsm7::encode(text),
        Encoding::Ia5 => latin1::encode_ia5(text),
        Encoding::Latin1 => latin1::encode_latin1(text),
        Encoding::Ucs2 => Ok(ucs2::encode(text)),
        Encoding::Binary => Ok(text.as_bytes().to_vec()),
    }
}

/// Decodes short_message bytes sent with `data_coding` (binary must be UTF-8).
pub fn decode(data_coding: u8, bytes: &[u8]) -> Result<String, TextError> {
    let encoding = Encoding::from_data_coding(data_coding)
        .ok_or(TextError::UnsupportedDataCoding(data_coding))?;
    match encoding {
        Encoding::Gsm7 => gsm7::decode(bytes),
        Encoding::Ia5 => latin1::decode_ia5(bytes),
        Encoding::Latin1 => Ok(latin1::decode_latin1(bytes)),
        Encoding::Ucs2 => ucs2::decode(bytes),
        Encoding::Binary => String::from_utf8(bytes.to_vec()).map_err(|e| TextError::Invalid {
            encoding,
            offset: e.utf8_error().valid_up_to(),
            reason: "binary data is not UTF-8",
        }),
    }
}

/// Decodes whatever arrives, with U+FFFD where bytes do not fit. Unsupported
/// data_codings are read as ASCII, the part every alphabet agrees on.
pub fn decode_lossy(data_coding: u8, bytes: &[u8]) -> String {
    match Encoding::from_data_coding(data_coding) {
        Some(Encoding::Gsm7) => gsm7::decode_lossy(bytes),
        Some(Encoding::Latin1) => latin1::decode_latin1(bytes),
        Some(Encoding::Ucs2) => ucs2::decode_lossy(bytes),
        Some(Encoding::Binary) => String::from_utf8_lossy(bytes).into_owned(),
        Some(Encoding::Ia5) | None => latin1::decode_ia5_lossy(bytes),
    }
}

/// GSM-7 when every character fits it (escapes included), otherwise UCS-2.
/// Latin-1 is never chosen here: many handsets do not display it.
pub fn smallest_encoding(text: &str) -> Encoding {
    if gsm7::fits(text) {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Like [`smallest_encoding`], but Latin-1 instead of UCS-2 when it suffices,
/// for destinations known to support it.
pub fn smallest_encoding_with_latin1(text: &str) -> Encoding {
    match smallest_encoding(text) {
        Encoding::Ucs2 if text.chars().all(|c| c <= '\u{FF}') => Encoding::Latin1,
        e => e,
    }
}

/// Length of `text` in `encoding`'s counting unit: septets for GSM-7 (an
/// escape counts two), UTF-16 code units for UCS-2, octets otherwise.
pub fn unit_count(text: &str, encoding: Encoding) -> Result<usize, TextError> {
    match encoding {
        Encoding::Gsm7 => match gsm7::septet_count(text) {
            Some(n) => Ok(n),
            // Encoding fails at the first misfit and reports which one it is.
            None => gsm7::encode(text).map(|v| v.len()),
        },
        Encoding::Ucs2 => Ok(ucs2::unit_count(text)),
        Encoding::Ia5 | Encoding::Latin1 => encode(text, encoding).map(|v| v.len()),
        Encoding::Binary => Ok(text.len()),
    }
}

#[cfg(test)]
mod tests;
