use super::*;
use proptest::prelude::*;

const ALL: [Encoding; 5] = [
    Encoding::Gsm7,
    Encoding::Ia5,
    Encoding::Latin1,
    Encoding::Ucs2,
    Encoding::Binary,
];

#[test]
fn data_coding_maps_both_ways() {
    for e in ALL {
        assert_eq!(Encoding::from_data_coding(e.data_coding()), Some(e), "{e}");
    }
    assert_eq!(Encoding::from_data_coding(0x02), Some(Encoding::Binary));
    assert_eq!(Encoding::from_data_coding(0xF0), Some(Encoding::Gsm7));
    assert_eq!(Encoding::from_data_coding(0xF5), Some(Encoding::Binary));
    assert_eq!(Encoding::from_data_coding(0xD1), Some(Encoding::Gsm7));
    assert_eq!(Encoding::from_data_coding(0xE0), Some(Encoding::Ucs2));
    for unsupported in [0x05, 0x06, 0x07, 0x09, 0x0E, 0x10, 0xBF] {
        assert_eq!(
            Encoding::from_data_coding(unsupported),
            None,
            "{unsupported:#04x}"
        );
    }
}

#[test]
fn golden_vectors() {
    assert_eq!(encode("€", Encoding::Gsm7).unwrap(), [0x1B, 0x65]);
    assert_eq!(
        encode("😀", Encoding::Ucs2).unwrap(),
        [0xD8, 0x3D, 0xDE, 0x00]
    );
    assert_eq!(decode(0x08, &[0xD8, 0x3D, 0xDE, 0x00]).unwrap(), "😀");
    assert_eq!(decode(0x00, &[0x1B, 0x65, 0x31, 0x30]).unwrap(), "€10");
    assert_eq!(decode(0x03, &[0xE9]).unwrap(), "é");
    assert_eq!(decode(0x04, b"\x00\x01").unwrap(), "\u{0}\u{1}");
}

#[test]
fn decode_rejects_what_it_cannot_read() {
    assert_eq!(
        decode(0x06, b"abc"),
        Err(TextError::UnsupportedDataCoding(0x06))
    );
    assert!(matches!(
        decode(0x04, &[0x41, 0xFF]),
        Err(TextError::Invalid { offset: 1, .. })
    ));
    assert!(decode(0x08, &[0x00]).is_err());
    assert!(decode(0x00, &[0x90]).is_err());
}

#[test]
fn lossy_decode_always_answers() {
    assert_eq!(decode_lossy(0x06, b"ab\xC0"), "ab\u{FFFD}");
    assert_eq!(decode_lossy(0x04, &[0x41, 0xFF]), "A\u{FFFD}");
    assert_eq!(decode_lossy(0x00, &[0x1B, 0x65, 0x90]), "€\u{FFFD}");
    assert_eq!(decode_lossy(0x08, &[0xD8, 0x3D]), "\u{FFFD}");
    assert_eq!(decode_lossy(0x03, &[0xE9]), "é");
}

#[test]
fn smallest_encoding_prefers_gsm7_then_ucs2() {
    assert_eq!(
        smallest_encoding("Code 123456 for €10 [shop]"),
        Encoding::Gsm7
    );
    assert_eq!(smallest_encoding("Grüße Ñandù"), Encoding::Gsm7);
    assert_eq!(smallest_encoding("ça"), Encoding::Ucs2);
    assert_eq!(smallest_encoding("😀"), Encoding::Ucs2);
    assert_eq!(smallest_encoding_with_latin1("ça"), Encoding::Latin1);
    assert_eq!(smallest_encoding_with_latin1("abc"), Encoding::Gsm7);
    assert_eq!(smallest_encoding_with_latin1("ça€"), Encoding::Ucs2);
}

#[test]
fn unit_counts() {
    assert_eq!(unit_count("a€", Encoding::Gsm7), Ok(3));
    assert_eq!(unit_count("a😀", Encoding::Ucs2), Ok(3));
    assert_eq!(unit_count("aé", Encoding::Latin1), Ok(2));
    assert_eq!(unit_count("aé", Encoding::Binary), Ok(3));
    assert!(matches!(
        unit_count("a😀", Encoding::Gsm7),
        Err(TextError::Unencodable {
            ch: '😀',
            index: 1,
            ..
        })
    ));
    assert!(unit_count("é", Encoding::Ia5).is_err());
}

/// Text every character of which `encoding` can carry.
pub(crate) fn text_for(encoding: Encoding, max: usize) -> BoxedStrategy<String> {
    match encoding {
        Encoding::Gsm7 => {
            let chars: Vec<char> = gsm7::alphabet().collect();
            prop::collection::vec(prop::sample::select(chars), 0..max)
                .prop_map(|v| v.into_iter().collect())
                .boxed()
        }
        Encoding::Ia5 => prop::collection::vec(0u8..0x80, 0..max)
            .prop_map(|v| v.into_iter().map(char::from).collect())
            .boxed(),
        Encoding::Latin1 => prop::collection::vec(any::<u8>(), 0..max)
            .prop_map(|v| v.into_iter().map(char::from).collect())
            .boxed(),
        Encoding::Ucs2 | Encoding::Binary => prop::collection::vec(any::<char>(), 0..max)
            .prop_map(|v| v.into_iter().collect())
            .boxed(),
    }
}

fn encoding_and_text() -> impl Strategy<Value = (Encoding, String)> {
    prop::sample::select(ALL.to_vec()).prop_flat_map(|e| (Just(e), text_for(e, 300)))
}

proptest! {
    #[test]
    fn encode_decode_round_trip((encoding, text) in encoding_and_text()) {
        let bytes = encode(&text, encoding).unwrap();
        prop_assert_eq!(bytes.len(), unit_count(&text, encoding).unwrap() * encoding.unit_octets());
        prop_assert_eq!(decode(encoding.data_coding(), &bytes).unwrap(), text.clone());
        prop_assert_eq!(decode_lossy(encoding.data_coding(), &bytes), text);
    }

    #[test]
    fn chosen_encoding_always_encodes((_, text) in encoding_and_text()) {
        for chosen in [smallest_encoding(&text), smallest_encoding_with_latin1(&text)] {
            let bytes = encode(&text, chosen).unwrap();
            prop_assert_eq!(decode(chosen.data_coding(), &bytes).unwrap(), text.clone());
        }
    }

    #[test]
    fn lossy_decode_never_panics(dc in any::<u8>(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let lossy = decode_lossy(dc, &bytes);
        if let Ok(text) = decode(dc, &bytes) {
            prop_assert_eq!(lossy, text);
        }
    }
}
