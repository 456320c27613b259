//! GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, in the
//! unpacked form SMPP carries with data_coding 0x00: one septet per octet.
//!
//! Text is mapped character by character: a character of the default table is
//! one septet, a character of the extension table is two (`ESC` 0x1B, then its
//! code), which is why `€` costs two septets of the 160. Packing septets into
//! octets for TPDUs lives in [`super::pack`].

use super::{Encoding, TextError};

/// The escape septet that selects the extension table for the next septet.
pub const ESC: u8 = 0x1B;

/// The default alphabet, indexed by septet. 0x1B is the escape; it is shown
/// here as a space, as handsets without the extension table display it.
const DEFAULT: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', ' ', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// The extension table: (code after ESC, character).
const EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// How one character is written in GSM-7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Septets {
    Single(u8),
    /// ESC followed by this extension-table code.
    Escaped(u8),
}

impl Septets {
    pub fn width(self) -> usize {
        match self {
            Septets::Single(_) => 1,
            Septets::Escaped(_) => 2,
        }
    }
}

/// The septet(s) for `c`, or `None` when GSM-7 cannot carry it.
pub fn septets_for(c: char) -> Option<Septets> {
    // Most ASCII (letters, digits, most punctuation, space) sits at its own
    // code point; this also keeps a space from matching the escape's slot.
    if let Ok(b) = u8::try_from(c)
        && b < 0x80
        && DEFAULT[usize::from(b)] == c
    {
        return Some(Septets::Single(b));
    }
    if let Some(&(code, _)) = EXTENSION.iter().find(|&&(_, e)| e == c) {
        return Some(Septets::Escaped(code));
    }
    DEFAULT
        .iter()
        .position(|&d| d == c)
        .filter(|&i| i != usize::from(ESC))
        .map(|i| Septets::Single(i as u8))
}

/// Septets `text` needs (escapes count two), or `None` if a character does not fit.
pub fn septet_count(text: &str) -> Option<usize> {
    text.chars()
        .map(|c| septets_for(c).map(Septets::width))
        .sum()
}

/// Whether every character of `text` fits the default alphabet or its extension.
pub fn fits(text: &str) -> bool {
    septet_count(text).is_some()
}

/// Encodes `text` as unpacked septets (one per octet).
pub fn encode(text: &str) -> Result<Vec<u8>, TextError> {
    let mut out = Vec::with_capacity(text.len());
    for (index, ch) in text.chars().enumerate() {
        match septets_for(ch) {
            Some(Septets::Single(s)) => out.push(s),
            Some(Septets::Escaped(s)) => out.extend_from_slice(&[ESC, s]),
            None => {
                return Err(TextError::Unencodable {
                    ch,
                    index,
                    encoding: Encoding::Gsm7,
                });
            }
        }
    }
    Ok(out)
}

/// Decodes unpacked septets. An escape followed by a code the extension table
/// does not define yields the default-table character, as TS 23.038 tells
/// handsets to do; a septet above 0x7F, a trailing escape and ESC ESC (an
/// escape to a further table we do not know) are errors.
pub fn decode(septets: &[u8]) -> Result<String, TextError> {
    decode_with(septets, |offset, reason| {
        Err(TextError::Invalid {
            encoding: Encoding::Gsm7,
            offset,
            reason,
        })
    })
}

/// Like [`decode`], with U+FFFD for whatever [`decode`] would reject.
pub fn decode_lossy(septets: &[u8]) -> String {
    decode_with(septets, |_, _| Ok(char::REPLACEMENT_CHARACTER))
        .expect("the lossy handler never fails")
}

fn decode_with(
    septets: &[u8],
    mut invalid: impl FnMut(usize, &'static str) -> Result<char, TextError>,
) -> Result<String, TextError> {
    let mut out = String::with_capacity(septets.len());
    let mut i = 0;
    while i < septets.len() {
        let s = septets[i];
        let ch = if s > 0x7F {
            invalid(i, "septet above 0x7F")?
        } else if s != ESC {
            DEFAULT[usize::from(s)]
        } else {
            match septets.get(i + 1) {
                None => invalid(i, "escape at end of data")?,
                Some(&ESC) => {
                    i += 1;
                    invalid(i - 1, "escape to an unknown extension table")?
                }
                Some(&code) if code > 0x7F => {
                    i += 1;
                    invalid(i, "septet above 0x7F")?
                }
                Some(&code) => {
                    i += 1;
                    EXTENSION
                        .iter()
                        .find(|&&(c, _)| c == code)
                        .map_or(DEFAULT[usize::from(code)], |&(_, e)| e)
                }
            }
        };
        out.push(ch);
        i += 1;
    }
    Ok(out)
}

/// Every character GSM-7 can carry (for tests and property strategies).
pub fn alphabet() -> impl Iterator<Item = char> {
    DEFAULT
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != usize::from(ESC))
        .map(|(_, &c)| c)
        .chain(EXTENSION.iter().map(|&(_, c)| c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn extension_characters_are_escapes() {
        assert_eq!(encode("€").unwrap(), [0x1B, 0x65]);
        assert_eq!(
            encode("[]{}\\^~|\u{0C}").unwrap(),
            [
                0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x2F, 0x1B, 0x14, 0x1B, 0x3D,
                0x1B, 0x40, 0x1B, 0x0A
            ]
        );
        assert_eq!(septet_count("a€b"), Some(4));
    }

    #[test]
    fn default_table_spot_checks() {
        assert_eq!(
            encode("@£$ΔÉ¿à\n").unwrap(),
            [0x00, 0x01, 0x02, 0x10, 0x1F, 0x60, 0x7F, 0x0A]
        );
        assert_eq!(encode("Hi ").unwrap(), [0x48, 0x69, 0x20]);
        assert_eq!(decode(&[0x00, 0x24, 0x5F, 0x40]).unwrap(), "@¤§¡");
    }

    #[test]
    fn unencodable_character_is_reported_with_its_position() {
        let err = encode("ab`c").unwrap_err();
        assert_eq!(
            err,
            TextError::Unencodable {
                ch: '`',
                index: 2,
                encoding: Encoding::Gsm7
            }
        );
        assert_eq!(septet_count("ç"), None);
        assert!(!fits("😀"));
    }

    #[test]
    fn tables_are_a_bijection() {
        for s in (0u8..0x80).filter(|&s| s != ESC) {
            let ch = decode(&[s]).unwrap();
            assert_eq!(encode(&ch).unwrap(), [s], "septet {s:#04x} {ch:?}");
        }
        for &(code, ch) in &EXTENSION {
            assert_eq!(decode(&[ESC, code]).unwrap(), ch.to_string());
            assert_eq!(septets_for(ch), Some(Septets::Escaped(code)));
        }
        assert_eq!(alphabet().count(), 127 + EXTENSION.len());
    }

    #[test]
    fn unknown_escape_falls_back_to_default_table() {
        assert_eq!(decode(&[0x1B, 0x41]).unwrap(), "A");
    }

    #[test]
    fn bad_input_is_an_error_strictly_and_replaced_lossily() {
        for bad in [
            &[0x41, 0x1B][..],
            &[0x80],
            &[0x1B, 0x1B, 0x41],
            &[0x1B, 0xE5],
        ] {
            assert!(decode(bad).is_err(), "{bad:02X?}");
            assert!(decode_lossy(bad).contains('\u{FFFD}'), "{bad:02X?}");
        }
        assert_eq!(decode_lossy(&[0x41, 0x1B]), "A\u{FFFD}");
    }

    fn gsm_text() -> impl Strategy<Value = String> {
        let chars: Vec<char> = alphabet().collect();
        prop::collection::vec(prop::sample::select(chars), 0..400)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn round_trip(text in gsm_text()) {
            let septets = encode(&text).unwrap();
            prop_assert_eq!(septets.len(), septet_count(&text).unwrap());
            prop_assert_eq!(decode(&septets).unwrap(), text);
        }

        #[test]
        fn lossy_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_lossy(&bytes);
            if let Ok(text) = decode(&bytes) {
                prop_assert_eq!(decode_lossy(&bytes), text);
            }
        }
    }
}
