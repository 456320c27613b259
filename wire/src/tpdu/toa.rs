//! Type-of-Address (TS 23.040 §9.1.2.5): the octet before an address value.
//!
//! Bit 7 is always set; bits 6–4 are the [`TypeOfNumber`], bits 3–0 the
//! [`NumberingPlan`]. SMPP's addr_ton and addr_npi use the same codes,
//! which is what [`super::TpAddress::parse_smpp`] relies on.

/// Type of number, bits 6–4 of Type-of-Address; SMPP's TON uses the same values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeOfNumber {
    Unknown,
    International,
    National,
    NetworkSpecific,
    Subscriber,
    Alphanumeric,
    Abbreviated,
    Reserved,
}

impl TypeOfNumber {
    const ALL: [TypeOfNumber; 8] = [
        Self::Unknown,
        Self::International,
        Self::National,
        Self::NetworkSpecific,
        Self::Subscriber,
        Self::Alphanumeric,
        Self::Abbreviated,
        Self::Reserved,
    ];

    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The type the low three bits of `code` name.
    pub const fn from_code(code: u8) -> Self {
        Self::ALL[(code & 0x07) as usize]
    }
}

/// Numbering plan, bits 3–0 of Type-of-Address. `Reserved` keeps the other
/// codes (service-centre specific 5 and 6, extension 15, ...); only its low
/// four bits are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberingPlan {
    Unknown,
    /// ISDN / telephone numbering plan (E.164).
    Isdn,
    /// Data numbering plan (X.121).
    Data,
    Telex,
    National,
    Private,
    Ermes,
    Reserved(u8),
}

impl NumberingPlan {
    pub const fn code(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Isdn => 1,
            Self::Data => 3,
            Self::Telex => 4,
            Self::National => 8,
            Self::Private => 9,
            Self::Ermes => 10,
            Self::Reserved(code) => code & 0x0F,
        }
    }

    /// The plan the low four bits of `code` name.
    pub const fn from_code(code: u8) -> Self {
        match code & 0x0F {
            0 => Self::Unknown,
            1 => Self::Isdn,
            3 => Self::Data,
            4 => Self::Telex,
            8 => Self::National,
            9 => Self::Private,
            10 => Self::Ermes,
            other => Self::Reserved(other),
        }
    }
}
