//! The one-octet-per-character encodings: ISO-8859-1 (data_coding 0x03) and
//! IA5 / ASCII (0x01). Each character maps straight to its code point, so
//! counting is counting characters; anything above the range is unencodable.

use super::{Encoding, TextError};

fn encode_upto(text: &str, max: char, encoding: Encoding) -> Result<Vec<u8>, TextError> {
    text.chars()
        .enumerate()
        .map(|(index, ch)| {
            if ch <= max {
                Ok(ch as u8)
            } else {
                Err(TextError::Unencodable {
                    ch,
                    index,
                    encoding,
                })
            }
        })
        .collect()
}

/// Encodes `text` as Latin-1; characters above U+00FF are an error.
pub fn encode_latin1(text: &str) -> Result<Vec<u8>, TextError> {
    encode_upto(text, '\u{FF}', Encoding::Latin1)
}

/// Every octet is a Latin-1 character, so decoding cannot fail.
pub fn decode_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Encodes `text` as IA5 (ASCII); characters above U+007F are an error.
pub fn encode_ia5(text: &str) -> Result<Vec<u8>, TextError> {
    encode_upto(text, '\u{7F}', Encoding::Ia5)
}

/// Decodes IA5; an octet above 0x7F is an error.
pub fn decode_ia5(bytes: &[u8]) -> Result<String, TextError> {
    match bytes.iter().position(|&b| b > 0x7F) {
        Some(offset) => Err(TextError::Invalid {
            encoding: Encoding::Ia5,
            offset,
            reason: "octet above 0x7F",
        }),
        None => Ok(decode_latin1(bytes)),
    }
}

/// Decodes IA5 with U+FFFD for octets above 0x7F.
pub fn decode_ia5_lossy(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b <= 0x7F {
                char::from(b)
            } else {
                char::REPLACEMENT_CHARACTER
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn latin1_maps_code_points_to_octets() {
        assert_eq!(encode_latin1("Aé£ÿ").unwrap(), [0x41, 0xE9, 0xA3, 0xFF]);
        assert_eq!(decode_latin1(&[0x41, 0xE9, 0xA3, 0xFF]), "Aé£ÿ");
        let err = encode_latin1("a€").unwrap_err();
        assert_eq!(
            err,
            TextError::Unencodable {
                ch: '€',
                index: 1,
                encoding: Encoding::Latin1
            }
        );
    }

    #[test]
    fn ia5_is_seven_bit() {
        assert_eq!(encode_ia5("{a}").unwrap(), b"{a}");
        assert!(encode_ia5("é").is_err());
        assert!(matches!(
            decode_ia5(b"ab\xE9"),
            Err(TextError::Invalid { offset: 2, .. })
        ));
        assert_eq!(decode_ia5_lossy(b"ab\xE9"), "ab\u{FFFD}");
    }

    proptest! {
        #[test]
        fn latin1_round_trip(text in "[\u{0}-\u{FF}]{0,300}") {
            let bytes = encode_latin1(&text).unwrap();
            prop_assert_eq!(bytes.len(), text.chars().count());
            prop_assert_eq!(decode_latin1(&bytes), text);
        }

        #[test]
        fn ia5_round_trip(text in "[\u{0}-\u{7F}]{0,300}") {
            let bytes = encode_ia5(&text).unwrap();
            prop_assert_eq!(decode_ia5(&bytes).unwrap(), text);
        }
    }
}
