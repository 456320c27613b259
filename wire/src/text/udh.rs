//! User data header (TS 23.040 §9.2.3.24): the octets at the front of user
//! data when esm_class has UDHI (0x40) or TP-UDHI is set.
//!
//! Layout: UDHL (length of what follows), then information elements, each
//! IEI, IEDL, data. [`UserDataHeader::parse`] splits user data into the header
//! and the rest without ever reading past the input; the elements the project
//! uses (concatenation with 8- and 16-bit reference, application port
//! addressing) are typed, others are kept raw so they survive a round trip.

/// Concatenated short messages, 8-bit reference.
pub const IEI_CONCAT_8: u8 = 0x00;
/// Application port addressing, 8-bit ports.
pub const IEI_PORT_8: u8 = 0x04;
/// Application port addressing, 16-bit ports.
pub const IEI_PORT_16: u8 = 0x05;
/// Concatenated short messages, 16-bit reference.
pub const IEI_CONCAT_16: u8 = 0x08;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InformationElement {
    Concat8 { reference: u8, total: u8, seq: u8 },
    Concat16 { reference: u16, total: u8, seq: u8 },
    Port8 { destination: u8, originator: u8 },
    Port16 { destination: u16, originator: u16 },
    Other { iei: u8, data: Vec<u8> },
}

/// A concatenation element's values, whichever width its reference has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concat {
    pub reference: u16,
    pub total: u8,
    pub seq: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UdhError {
    #[error("user data is empty, no UDHL")]
    Empty,
    #[error("UDHL {udhl} exceeds the {available} octets after it")]
    HeaderTruncated { udhl: usize, available: usize },
    #[error("information element 0x{iei:02X} at offset {offset} runs past the header")]
    ElementTruncated { iei: u8, offset: usize },
    #[error("information element 0x{iei:02X} has length {len}, expected {expected}")]
    BadLength {
        iei: u8,
        len: usize,
        expected: usize,
    },
    #[error("header of {0} octets does not fit UDHL")]
    TooLong(usize),
}

/// A parsed user data header: its information elements in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDataHeader {
    pub elements: Vec<InformationElement>,
}

impl UserDataHeader {
    /// Splits `user_data` into its header and the data after it.
    pub fn parse(user_data: &[u8]) -> Result<(UserDataHeader, &[u8]), UdhError> {
        let (&udhl, rest) = user_data.split_first().ok_or(UdhError::Empty)?;
        let udhl = usize::from(udhl);
        if udhl > rest.len() {
            return Err(UdhError::HeaderTruncated {
                udhl,
                available: rest.len(),
            });
        }
        let (mut header, data) = rest.split_at(udhl);
        let mut elements = Vec::new();
        let mut offset = 1;
        while let Some((&iei, after)) = header.split_first() {
            let (&len, after) = after
                .split_first()
                .ok_or(UdhError::ElementTruncated { iei, offset })?;
            let len = usize::from(len);
            if len > after.len() {
                return Err(UdhError::ElementTruncated { iei, offset });
            }
            let (body, next) = after.split_at(len);
            elements.push(element(iei, body)?);
            header = next;
            offset += 2 + len;
        }
        Ok((UserDataHeader { elements }, data))
    }

    /// The header's octets, UDHL first.
    pub fn encode(&self) -> Result<Vec<u8>, UdhError> {
        let mut out = vec![0];
        for e in &self.elements {
            let (iei, body) = match e {
                InformationElement::Concat8 {
                    reference,
                    total,
                    seq,
                } => (IEI_CONCAT_8, vec![*reference, *total, *seq]),
                InformationElement::Concat16 {
                    reference,
                    total,
                    seq,
                } => {
                    let [hi, lo] = reference.to_be_bytes();
                    (IEI_CONCAT_16, vec![hi, lo, *total, *seq])
                }
                InformationElement::Port8 {
                    destination,
                    originator,
                } => (IEI_PORT_8, vec![*destination, *originator]),
                InformationElement::Port16 {
                    destination,
                    originator,
                } => (
                    IEI_PORT_16,
                    [destination.to_be_bytes(), originator.to_be_bytes()].concat(),
                ),
                InformationElement::Other { iei, data } => (*iei, data.clone()),
            };
            let len = u8::try_from(body.len()).map_err(|_| UdhError::TooLong(body.len()))?;
            out.extend_from_slice(&[iei, len]);
            out.extend_from_slice(&body);
        }
        out[0] = u8::try_from(out.len() - 1).map_err(|_| UdhError::TooLong(out.len() - 1))?;
        Ok(out)
    }

    /// The concatenation values, if the header carries a usable element. As
    /// TS 23.040 requires, an element with a zero count, a zero sequence
    /// number or one beyond the count is ignored; the last usable one wins.
    pub fn concatenation(&self) -> Option<Concat> {
        self.elements
            .iter()
            .filter_map(|e| match *e {
                InformationElement::Concat8 {
                    reference,
                    total,
                    seq,
                } => Some(Concat {
                    reference: u16::from(reference),
                    total,
                    seq,
                }),
                InformationElement::Concat16 {
                    reference,
                    total,
                    seq,
                } => Some(Concat {
                    reference,
                    total,
                    seq,
                }),
                _ => None,
            })
            .rfind(|c| c.total > 0 && c.seq > 0 && c.seq <= c.total)
    }
}

fn element(iei: u8, body: &[u8]) -> Result<InformationElement, UdhError> {
    let expect = |expected: usize| {
        if body.len() == expected {
            Ok(())
        } else {
            Err(UdhError::BadLength {
                iei,
                len: body.len(),
                expected,
            })
        }
    };
    let be16 = |i: usize| u16::from_be_bytes([body[i], body[i + 1]]);
    Ok(match iei {
        IEI_CONCAT_8 => {
            expect(3)?;
            InformationElement::Concat8 {
                reference: body[0],
                total: body[1],
                seq: body[2],
            }
        }
        IEI_CONCAT_16 => {
            expect(4)?;
            InformationElement::Concat16 {
                reference: be16(0),
                total: body[2],
                seq: body[3],
            }
        }
        IEI_PORT_8 => {
            expect(2)?;
            InformationElement::Port8 {
                destination: body[0],
                originator: body[1],
            }
        }
        IEI_PORT_16 => {
            expect(4)?;
            InformationElement::Port16 {
                destination: be16(0),
                originator: be16(2),
            }
        }
        _ => InformationElement::Other {
            iei,
            data: body.to_vec(),
        },
    })
}

#[cfg(test)]
mod tests;
