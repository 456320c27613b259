//! Splitting encoded user data into short messages.
//!
//! A message that fits one short message (160 septets, 70 UTF-16 units or 140
//! octets) goes as one [`Segment`] with no header. Longer ones are split by
//! [`Concatenation`]: a UDH in each part (8-bit reference leaves 153 / 67 /
//! 134, 16-bit leaves 152 / 66 / 133), SAR TLVs (the SMSC adds the UDH on the
//! air, so parts are sized the same), or everything in one message_payload.
//! IA5 and Latin-1 are sized as 8-bit data, one octet per character.
//! Splits fall between whole characters: a GSM-7 escape and its code, or a
//! UTF-16 surrogate pair, always stay in the same part.

use super::udh::{InformationElement, UserDataHeader};
use super::{Encoding, TextError, encode, gsm7, ucs2};
use crate::smpp::esm;

/// Octets of user data in one short message on the air (TS 23.040 TP-UD).
const USER_DATA_OCTETS: usize = 140;
/// The message_payload TLV's length field is 16 bits.
pub const MAX_PAYLOAD: usize = u16::MAX as usize;

/// How a message longer than one short message is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concatenation {
    /// UDH with IEI 0x00 and this 8-bit reference.
    Udh8(u8),
    /// UDH with IEI 0x08 and this 16-bit reference.
    Udh16(u16),
    /// sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs.
    Sar(u16),
    /// One PDU whose message_payload TLV holds everything (up to 64 KiB).
    MessagePayload,
}

/// The SAR TLV values of one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sar {
    pub msg_ref_num: u16,
    pub total_segments: u8,
    pub segment_seqnum: u8,
}

/// One PDU's worth of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The UDH (UDHL first) when concatenating by UDH; also the front of `data`.
    pub udh: Option<Vec<u8>>,
    /// The SAR TLV values when concatenating by SAR.
    pub sar: Option<Sar>,
    /// short_message bytes, UDH included; message_payload bytes when `message_payload`.
    pub data: Vec<u8>,
    /// esm_class must have UDHI (0x40) set.
    pub udhi: bool,
    /// `data` goes in the message_payload TLV and short_message stays empty.
    pub message_payload: bool,
}

impl Segment {
    /// `base` esm_class with UDHI added when this segment needs it.
    pub fn esm_class(&self, base: u8) -> u8 {
        if self.udhi { base | esm::UDHI } else { base }
    }
}

/// Octets of encoded text that fit one short message after a UDH of `udh_len`.
fn capacity(encoding: Encoding, udh_len: usize) -> usize {
    let room = USER_DATA_OCTETS - udh_len;
    match encoding {
        // The UDH is counted in whole septets, then each septet is one octet unpacked.
        Encoding::Gsm7 => (room * 8) / 7,
        Encoding::Ucs2 => room / 2 * 2,
        Encoding::Ia5 | Encoding::Latin1 | Encoding::Binary => room,
    }
}

/// Octets of the indivisible unit starting at `i`.
fn unit_len(data: &[u8], i: usize, encoding: Encoding) -> usize {
    let len = match encoding {
        Encoding::Gsm7 if data[i] == gsm7::ESC => 2,
        Encoding::Ucs2 => match data.get(i..i + 2) {
            Some(&[hi, lo]) if ucs2::is_high_surrogate(u16::from_be_bytes([hi, lo])) => 4,
            _ => 2,
        },
        _ => 1,
    };
    len.min(data.len() - i)
}

/// Greedy split of `data` into chunks of at most `cap` octets on unit boundaries.
fn chunks(data: &[u8], encoding: Encoding, cap: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < data.len() {
        let n = unit_len(data, i, encoding);
        if i + n - start > cap {
            out.push(&data[start..i]);
            start = i;
        }
        i += n;
    }
    if start < data.len() || out.is_empty() {
        out.push(&data[start..]);
    }
    out
}

fn single(data: &[u8]) -> Segment {
    Segment {
        udh: None,
        sar: None,
        data: data.to_vec(),
        udhi: false,
        message_payload: false,
    }
}

/// Splits already-encoded user data (`encoding` tells where characters
/// start). UCS-2 data must have an even length.
pub fn segment(
    data: &[u8],
    encoding: Encoding,
    method: Concatenation,
) -> Result<Vec<Segment>, TextError> {
    if encoding == Encoding::Ucs2 && !data.len().is_multiple_of(2) {
        let offset = data.len() - 1;
        return Err(TextError::Invalid {
            encoding,
            offset,
            reason: "odd number of octets",
        });
    }
    let udh_len = match method {
        Concatenation::MessagePayload if data.len() > MAX_PAYLOAD => {
            return Err(TextError::TooLong {
                len: data.len(),
                max: MAX_PAYLOAD,
            });
        }
        Concatenation::MessagePayload => {
            return Ok(vec![Segment {
                message_payload: true,
                ..single(data)
            }]);
        }
        Concatenation::Udh8(_) => 6,
        Concatenation::Udh16(_) => 7,
        // The SMSC must fit the reference in the UDH it builds for the air.
        Concatenation::Sar(reference) => {
            if reference <= 0xFF {
                6
            } else {
                7
            }
        }
    };
    if data.len() <= capacity(encoding, 0) {
        return Ok(vec![single(data)]);
    }
    let parts = chunks(data, encoding, capacity(encoding, udh_len));
    let total = u8::try_from(parts.len()).map_err(|_| TextError::TooManySegments(parts.len()))?;
    Ok((1..=total)
        .zip(parts)
        .map(|(seq, part)| concatenated(method, total, seq, part))
        .collect())
}

fn concatenated(method: Concatenation, total: u8, seq: u8, part: &[u8]) -> Segment {
    let element = match method {
        Concatenation::Udh8(reference) => InformationElement::Concat8 {
            reference,
            total,
            seq,
        },
        Concatenation::Udh16(reference) => InformationElement::Concat16 {
            reference,
            total,
            seq,
        },
        Concatenation::Sar(msg_ref_num) => {
            let sar = Sar {
                msg_ref_num,
                total_segments: total,
                segment_seqnum: seq,
            };
            return Segment {
                sar: Some(sar),
                ..single(part)
            };
        }
        Concatenation::MessagePayload => {
            return Segment {
                message_payload: true,
                ..single(part)
            };
        }
    };
    let udh = UserDataHeader {
        elements: vec![element],
    }
    .encode()
    .expect("a concatenation header is 6 or 7 octets");
    let data = [udh.as_slice(), part].concat();
    Segment {
        udh: Some(udh),
        sar: None,
        data,
        udhi: true,
        message_payload: false,
    }
}

/// Encodes `text` in `encoding`, then [`segment`]s it.
pub fn segment_text(
    text: &str,
    encoding: Encoding,
    method: Concatenation,
) -> Result<Vec<Segment>, TextError> {
    segment(&encode(text, encoding)?, encoding, method)
}

/// How many PDUs `text` takes in `encoding` with `method`.
pub fn segment_count(
    text: &str,
    encoding: Encoding,
    method: Concatenation,
) -> Result<usize, TextError> {
    segment_text(text, encoding, method).map(|s| s.len())
}

#[cfg(test)]
mod tests;
