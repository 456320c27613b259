//! TP-UDL and TP-UD: the user data header and the message body (TS 23.040
//! §9.2.3.16, §9.2.3.24).
//!
//! With GSM 7-bit text, TP-UDL counts septets and covers the header too:
//! the header's octets are followed by fill bits up to the next septet
//! boundary, then the packed text ([`crate::text::pack`] does the bits).
//! With 8-bit, UCS-2 or compressed data TP-UDL counts octets. A TPDU's
//! user data is its last field, so decoding takes every remaining octet
//! and insists the count matches TP-UDL exactly.

use super::TpduError;
use super::dcs::{Alphabet, DataCodingScheme};
use crate::text::{UserDataHeader, gsm7, pack, ucs2};

/// Most septets of GSM 7-bit user data (140 octets packed).
pub const MAX_SEPTETS: usize = 160;
/// Most octets of user data.
pub const MAX_OCTETS: usize = 140;

/// TP-UD: the optional header and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    pub header: Option<UserDataHeader>,
    pub body: UserDataBody,
}

/// The body: text for GSM 7-bit and UCS-2 (uncompressed), octets otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserDataBody {
    Text(String),
    Binary(Vec<u8>),
}

impl UserData {
    /// A text body without a header.
    pub fn text(text: impl Into<String>) -> Self {
        UserData {
            header: None,
            body: UserDataBody::Text(text.into()),
        }
    }

    /// An octet body without a header.
    pub fn binary(data: impl Into<Vec<u8>>) -> Self {
        UserData {
            header: None,
            body: UserDataBody::Binary(data.into()),
        }
    }

    /// The text, when the body is text.
    pub fn as_text(&self) -> Option<&str> {
        match &self.body {
            UserDataBody::Text(t) => Some(t),
            UserDataBody::Binary(_) => None,
        }
    }

    /// TP-UDL and the TP-UD octets as `dcs` lays them out.
    pub(crate) fn encode(&self, dcs: DataCodingScheme) -> Result<(u8, Vec<u8>), TpduError> {
        let mut out = match &self.header {
            Some(h) => h.encode()?,
            None => Vec::new(),
        };
        let udh_len = out.len();
        let mismatch = |reason| TpduError::BodyMismatch { dcs: dcs.0, reason };
        let units = match (&self.body, dcs.is_text()) {
            (UserDataBody::Text(text), true) if dcs.counts_septets() => {
                let septets = gsm7::encode(text)?;
                out.extend(pack::pack(&septets, pack::fill_bits_after_udh(udh_len)));
                let udl = pack::udh_septets(udh_len) + septets.len();
                return Ok((checked(udl, MAX_SEPTETS, "septets")?, out));
            }
            (UserDataBody::Text(text), true) => {
                debug_assert_eq!(dcs.alphabet(), Alphabet::Ucs2);
                ucs2::encode(text)
            }
            (UserDataBody::Binary(data), false) => data.clone(),
            (UserDataBody::Text(_), false) => {
                return Err(mismatch("text needs GSM 7-bit or UCS-2"));
            }
            (UserDataBody::Binary(_), true) => return Err(mismatch("octets need 8-bit data")),
        };
        out.extend(units);
        Ok((checked(out.len(), MAX_OCTETS, "octets")?, out))
    }

    /// Reads TP-UD from `data` (everything after TP-UDL).
    pub(crate) fn decode(
        udhi: bool,
        dcs: DataCodingScheme,
        udl: u8,
        data: &[u8],
    ) -> Result<Self, TpduError> {
        let udl = usize::from(udl);
        let (max, needed) = if dcs.counts_septets() {
            (MAX_SEPTETS, (udl * 7).div_ceil(8))
        } else {
            (MAX_OCTETS, udl)
        };
        if udl > max {
            return Err(TpduError::UserData("TP-UDL above the maximum"));
        }
        if data.len() < needed {
            return Err(TpduError::UserData("TP-UDL runs past the end of the TPDU"));
        }
        if data.len() > needed {
            return Err(TpduError::TrailingOctets {
                count: data.len() - needed,
            });
        }
        let (header, udh_len) = if udhi {
            let (header, rest) = UserDataHeader::parse(data)?;
            (Some(header), data.len() - rest.len())
        } else {
            (None, 0)
        };
        let body = &data[udh_len..];
        let body = if dcs.counts_septets() {
            let count = udl
                .checked_sub(pack::udh_septets(udh_len))
                .ok_or(TpduError::UserData("user data header longer than TP-UDL"))?;
            let septets = pack::unpack(body, count, pack::fill_bits_after_udh(udh_len))?;
            UserDataBody::Text(gsm7::decode(&septets)?)
        } else if dcs.is_text() {
            UserDataBody::Text(ucs2::decode(body)?)
        } else {
            UserDataBody::Binary(body.to_vec())
        };
        Ok(UserData { header, body })
    }
}

fn checked(len: usize, max: usize, unit: &'static str) -> Result<u8, TpduError> {
    if len > max {
        return Err(TpduError::UserDataTooLong { len, max, unit });
    }
    Ok(len as u8)
}
