//! TP-DCS, the data coding scheme (TS 23.038 §4).
//!
//! [`DataCodingScheme`] wraps the octet and reads it by coding group:
//! general data coding `00xx xxxx` (bit 5 compressed, bit 4 "class
//! present", bits 3–2 alphabet, bits 1–0 class), the same layout with
//! automatic deletion `01xx xxxx`, message waiting indication `1100`,
//! `1101` (GSM 7-bit) and `1110` (UCS-2), and data coding / message class
//! `1111 0abb` (GSM 7-bit or 8-bit, always a class). Reserved values (the
//! alphabet `11`, groups `1000`–`1011`, bit 3 of group `1111`) are
//! reported by [`DataCodingScheme::is_reserved`] and read as 8-bit data:
//! the documented fallback keeps every octet so nothing is lost, where the
//! 23.038 rule (assume GSM 7-bit) could misread the length.

/// The alphabet of TP-UD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alphabet {
    /// GSM 7-bit default alphabet, packed; TP-UDL counts septets.
    Gsm7,
    /// 8-bit data; TP-UDL counts octets.
    EightBit,
    /// UCS-2 (read as UTF-16BE); TP-UDL counts octets.
    Ucs2,
}

/// Message class; class 0 is a "flash" message shown at once and not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageClass {
    Class0,
    Class1,
    Class2,
    Class3,
}

impl MessageClass {
    pub const fn code(self) -> u8 {
        self as u8
    }

    pub const fn from_code(code: u8) -> Self {
        match code & 0x03 {
            0 => Self::Class0,
            1 => Self::Class1,
            2 => Self::Class2,
            _ => Self::Class3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DataCodingScheme(pub u8);

impl DataCodingScheme {
    /// GSM 7-bit, no class: the octet 0x00.
    pub const GSM7: DataCodingScheme = DataCodingScheme(0x00);
    /// UCS-2, no class: the octet 0x08.
    pub const UCS2: DataCodingScheme = DataCodingScheme(0x08);
    /// 8-bit data, no class: the octet 0x04.
    pub const EIGHT_BIT: DataCodingScheme = DataCodingScheme(0x04);

    /// A general data coding octet: `000c aaxx`, `c` set when a class is given.
    pub const fn new(alphabet: Alphabet, class: Option<MessageClass>) -> Self {
        let alphabet_bits = match alphabet {
            Alphabet::Gsm7 => 0x00,
            Alphabet::EightBit => 0x04,
            Alphabet::Ucs2 => 0x08,
        };
        match class {
            None => DataCodingScheme(alphabet_bits),
            Some(c) => DataCodingScheme(0x10 | alphabet_bits | c.code()),
        }
    }

    fn group(self) -> u8 {
        self.0 >> 4
    }

    fn is_general(self) -> bool {
        self.0 & 0x80 == 0
    }

    /// Whether the octet uses a reserved coding group or alphabet.
    pub fn is_reserved(self) -> bool {
        match self.group() {
            0x0..=0x7 => self.0 & 0x0C == 0x0C,
            0x8..=0xB => true,
            0xF => self.0 & 0x08 != 0,
            _ => false,
        }
    }

    /// The alphabet of the user data; reserved values read as 8-bit.
    pub fn alphabet(self) -> Alphabet {
        if self.is_reserved() {
            return Alphabet::EightBit;
        }
        match self.group() {
            0x0..=0x7 => match self.0 & 0x0C {
                0x00 => Alphabet::Gsm7,
                0x04 => Alphabet::EightBit,
                _ => Alphabet::Ucs2,
            },
            0xC | 0xD => Alphabet::Gsm7,
            0xE => Alphabet::Ucs2,
            _ if self.0 & 0x04 == 0 => Alphabet::Gsm7,
            _ => Alphabet::EightBit,
        }
    }

    /// The message class, when the octet gives one.
    pub fn class(self) -> Option<MessageClass> {
        match self.group() {
            0x0..=0x7 if self.0 & 0x10 != 0 => Some(MessageClass::from_code(self.0)),
            0xF if !self.is_reserved() => Some(MessageClass::from_code(self.0)),
            _ => None,
        }
    }

    /// Whether the text is compressed (TS 23.042); such user data is
    /// carried as octets and handed over undecoded.
    pub fn compressed(self) -> bool {
        self.is_general() && self.0 & 0x20 != 0
    }

    /// Whether the message is marked for automatic deletion (group `01xx`).
    pub fn auto_delete(self) -> bool {
        self.0 & 0xC0 == 0x40
    }

    /// Whether TP-UDL counts septets (GSM 7-bit text, not compressed).
    pub fn counts_septets(self) -> bool {
        self.alphabet() == Alphabet::Gsm7 && !self.compressed()
    }

    /// Whether the user data is text this module decodes (GSM 7-bit or
    /// UCS-2, not compressed); otherwise it stays octets.
    pub fn is_text(self) -> bool {
        self.alphabet() != Alphabet::EightBit && !self.compressed()
    }
}
