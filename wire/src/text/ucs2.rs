//! UCS-2 as SMPP and handsets use it today (data_coding 0x08): UTF-16 big
//! endian, so characters outside the Basic Multilingual Plane (emoji) travel
//! as surrogate pairs. Counting is in UTF-16 code units, the unit of the
//! 70/67 limits; [`is_high_surrogate`] lets the splitter keep pairs whole.

use super::{Encoding, TextError};

/// Encodes `text` as UTF-16BE.
pub fn encode(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// UTF-16 code units `text` needs.
pub fn unit_count(text: &str) -> usize {
    text.encode_utf16().count()
}

pub fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn units(bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
    bytes
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
}

/// Decodes UTF-16BE; an odd length or an unpaired surrogate is an error.
pub fn decode(bytes: &[u8]) -> Result<String, TextError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(TextError::Invalid {
            encoding: Encoding::Ucs2,
            offset: bytes.len() - 1,
            reason: "odd number of octets",
        });
    }
    let mut out = String::with_capacity(bytes.len() / 2);
    for r in char::decode_utf16(units(bytes)) {
        match r {
            Ok(c) => out.push(c),
            Err(_) => {
                // Everything before the bad unit decoded, so its length in
                // UTF-16 gives the offending octet offset.
                let offset = out.encode_utf16().count() * 2;
                return Err(TextError::Invalid {
                    encoding: Encoding::Ucs2,
                    offset,
                    reason: "unpaired surrogate",
                });
            }
        }
    }
    Ok(out)
}

/// Decodes UTF-16BE with U+FFFD for unpaired surrogates and a trailing odd octet.
pub fn decode_lossy(bytes: &[u8]) -> String {
    let mut out: String = char::decode_utf16(units(bytes))
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if !bytes.len().is_multiple_of(2) {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emoji_is_a_surrogate_pair() {
        assert_eq!(encode("😀"), [0xD8, 0x3D, 0xDE, 0x00]);
        assert_eq!(unit_count("😀"), 2);
        assert_eq!(decode(&[0xD8, 0x3D, 0xDE, 0x00]).unwrap(), "😀");
        assert!(is_high_surrogate(0xD83D));
        assert!(!is_high_surrogate(0xDE00));
    }

    #[test]
    fn bmp_characters_are_one_unit() {
        assert_eq!(encode("Aé€"), [0x00, 0x41, 0x00, 0xE9, 0x20, 0xAC]);
        assert_eq!(unit_count("Aé€"), 3);
    }

    #[test]
    fn malformed_utf16_is_rejected_strictly() {
        let odd = decode(&[0x00, 0x41, 0x00]).unwrap_err();
        assert!(
            matches!(odd, TextError::Invalid { offset: 2, .. }),
            "{odd:?}"
        );
        let lone = decode(&[0x00, 0x41, 0xD8, 0x3D, 0x00, 0x42]).unwrap_err();
        assert!(
            matches!(lone, TextError::Invalid { offset: 2, .. }),
            "{lone:?}"
        );
        assert_eq!(
            decode_lossy(&[0x00, 0x41, 0xD8, 0x3D, 0x00, 0x42]),
            "A\u{FFFD}B"
        );
        assert_eq!(decode_lossy(&[0x00, 0x41, 0x00]), "A\u{FFFD}");
    }

    proptest! {
        #[test]
        fn round_trip(text in any::<String>()) {
            let bytes = encode(&text);
            prop_assert_eq!(bytes.len(), 2 * unit_count(&text));
            prop_assert_eq!(decode(&bytes).unwrap(), text);
        }

        #[test]
        fn lossy_agrees_with_strict_when_valid(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
            let lossy = decode_lossy(&bytes);
            if let Ok(text) = decode(&bytes) {
                prop_assert_eq!(lossy, text);
            }
        }
    }
}
