//! TP-OA / TP-DA / TP-RA addresses (TS 23.040 §9.1.2.5).
//!
//! On the wire: Address-Length, Type-of-Address (bit 7 set, type of number
//! in bits 6–4, numbering plan in bits 3–0), then the value. A numeric
//! value is semi-octets, first digit in the low nibble, `F` filling the
//! last octet when the digit count is odd; Address-Length counts digits.
//! `*`, `#`, `a`, `b`, `c` are the semi-octets 0xA–0xE. An alphanumeric
//! value (type of number 101) is GSM 7-bit packed, and Address-Length
//! counts the semi-octets the packed octets use, so 11 characters at most.

use super::TpduError;
use super::reader::Reader;
use super::toa::{NumberingPlan, TypeOfNumber};
use crate::text::{gsm7, pack};

/// Most semi-octets an Address-Value holds (10 octets).
const MAX_SEMI_OCTETS: usize = 20;
/// Most septets an alphanumeric value holds (77 bits in 10 octets).
const MAX_ALPHANUMERIC_SEPTETS: usize = 11;

/// An address: digits (`0-9 * # a b c`, no `+`) or, for
/// [`TypeOfNumber::Alphanumeric`], text in the GSM 7-bit alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TpAddress {
    pub ton: TypeOfNumber,
    pub npi: NumberingPlan,
    pub value: String,
}

impl TpAddress {
    pub fn new(ton: TypeOfNumber, npi: NumberingPlan, value: impl Into<String>) -> Self {
        TpAddress {
            ton,
            npi,
            value: value.into(),
        }
    }

    /// An E.164 number; a leading `+` is dropped.
    pub fn international(digits: &str) -> Self {
        let digits = digits.strip_prefix('+').unwrap_or(digits);
        Self::new(TypeOfNumber::International, NumberingPlan::Isdn, digits)
    }

    pub fn national(digits: &str) -> Self {
        Self::new(TypeOfNumber::National, NumberingPlan::Isdn, digits)
    }

    /// A sender name such as "ShopPay" (at most 11 GSM 7-bit septets).
    pub fn alphanumeric(text: &str) -> Self {
        Self::new(TypeOfNumber::Alphanumeric, NumberingPlan::Unknown, text)
    }

    /// From SMPP source/destination fields (addr_ton, addr_npi, addr), which
    /// share the 23.040 codes. NPIs that do not fit four bits (WAP, 18)
    /// become `Unknown`; an unknown-TON number written `+digits` becomes
    /// international. The result is checked to be encodable.
    pub fn parse_smpp(ton: u8, npi: u8, addr: &str) -> Result<Self, TpduError> {
        if ton > 6 {
            return Err(invalid(addr, "SMPP TON outside 0..=6"));
        }
        let npi = if npi <= 0x0F {
            NumberingPlan::from_code(npi)
        } else {
            NumberingPlan::Unknown
        };
        let mut ton = TypeOfNumber::from_code(ton);
        let mut value = addr;
        if let Some(digits) = addr.strip_prefix('+')
            && matches!(ton, TypeOfNumber::Unknown | TypeOfNumber::International)
        {
            ton = TypeOfNumber::International;
            value = digits;
        }
        let address = Self::new(ton, npi, value);
        address.encode()?;
        Ok(address)
    }

    pub fn is_alphanumeric(&self) -> bool {
        self.ton == TypeOfNumber::Alphanumeric
    }

    /// Address-Length, Type-of-Address and Address-Value.
    pub fn encode(&self) -> Result<Vec<u8>, TpduError> {
        let toa = 0x80 | (self.ton.code() << 4) | self.npi.code();
        if self.is_alphanumeric() {
            let septets = gsm7::encode(&self.value)
                .map_err(|_| invalid(&self.value, "not in the GSM 7-bit alphabet"))?;
            if septets.len() > MAX_ALPHANUMERIC_SEPTETS {
                return Err(invalid(&self.value, "longer than 11 septets"));
            }
            let semi_octets = (septets.len() * 7).div_ceil(4);
            let mut out = vec![semi_octets as u8, toa];
            out.extend(pack::pack(&septets, 0));
            return Ok(out);
        }
        let nibbles = self
            .value
            .chars()
            .map(|c| digit_nibble(c).ok_or_else(|| invalid(&self.value, "not a semi-octet digit")))
            .collect::<Result<Vec<u8>, _>>()?;
        if nibbles.len() > MAX_SEMI_OCTETS {
            return Err(invalid(&self.value, "longer than 20 digits"));
        }
        let mut out = vec![nibbles.len() as u8, toa];
        out.extend(
            nibbles
                .chunks(2)
                .map(|p| p[0] | (p.get(1).copied().unwrap_or(0x0F) << 4)),
        );
        Ok(out)
    }

    pub(crate) fn decode(r: &mut Reader<'_>, field: &'static str) -> Result<Self, TpduError> {
        let length = usize::from(r.u8(field)?);
        let toa = r.u8(field)?;
        let (ton, npi) = (
            TypeOfNumber::from_code(toa >> 4),
            NumberingPlan::from_code(toa),
        );
        if length > MAX_SEMI_OCTETS {
            return Err(invalid("", "Address-Length above 20 semi-octets"));
        }
        let start = r.offset();
        let octets = r.take(length.div_ceil(2), field)?;
        if ton == TypeOfNumber::Alphanumeric {
            let septets = pack::unpack(octets, length * 4 / 7, 0)?;
            return Ok(Self::new(ton, npi, gsm7::decode(&septets)?));
        }
        let mut value = String::with_capacity(length);
        for i in 0..length {
            let octet = octets[i / 2];
            let nibble = if i % 2 == 0 { octet & 0x0F } else { octet >> 4 };
            let bad = TpduError::BadSemiOctet {
                field,
                offset: start + i / 2,
                nibble,
            };
            value.push(nibble_digit(nibble).ok_or(bad)?);
        }
        if length % 2 == 1 && octets[length / 2] >> 4 != 0x0F {
            return Err(TpduError::BadSemiOctet {
                field,
                offset: start + length / 2,
                nibble: octets[length / 2] >> 4,
            });
        }
        Ok(Self::new(ton, npi, value))
    }
}

/// International numbers show with `+`, everything else as stored.
impl std::fmt::Display for TpAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ton == TypeOfNumber::International {
            f.write_str("+")?;
        }
        f.write_str(&self.value)
    }
}

fn invalid(value: &str, reason: &'static str) -> TpduError {
    TpduError::InvalidAddress {
        value: value.to_owned(),
        reason,
    }
}

fn digit_nibble(c: char) -> Option<u8> {
    match c.to_ascii_lowercase() {
        d @ '0'..='9' => Some(d as u8 - b'0'),
        '*' => Some(0x0A),
        '#' => Some(0x0B),
        l @ 'a'..='c' => Some(l as u8 - b'a' + 0x0C),
        _ => None,
    }
}

fn nibble_digit(n: u8) -> Option<char> {
    b"0123456789*#abc"
        .get(usize::from(n))
        .map(|&b| char::from(b))
}
