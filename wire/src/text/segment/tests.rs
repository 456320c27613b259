use super::*;
use crate::text::decode;
use crate::text::tests::text_for;
use proptest::prelude::*;

fn count(text: &str, encoding: Encoding, method: Concatenation) -> usize {
    segment_count(text, encoding, method).unwrap()
}

/// The text carried by each part (UDH removed), decoded on its own.
fn part_texts(segments: &[Segment], encoding: Encoding) -> Vec<String> {
    segments
        .iter()
        .map(|s| {
            let udh_len = s.udh.as_ref().map_or(0, Vec::len);
            decode(encoding.data_coding(), &s.data[udh_len..]).expect("each part decodes alone")
        })
        .collect()
}

#[test]
fn gsm7_counts() {
    let a = |n| "a".repeat(n);
    for (n, parts) in [
        (0, 1),
        (1, 1),
        (160, 1),
        (161, 2),
        (306, 2),
        (307, 3),
        (153 * 255, 255),
    ] {
        assert_eq!(
            count(&a(n), Encoding::Gsm7, Concatenation::Udh8(1)),
            parts,
            "{n} chars"
        );
        assert_eq!(
            count(&a(n), Encoding::Gsm7, Concatenation::Sar(1)),
            parts,
            "{n} chars, SAR"
        );
    }
    for (n, parts) in [(160, 1), (161, 2), (304, 2), (305, 3)] {
        assert_eq!(
            count(&a(n), Encoding::Gsm7, Concatenation::Udh16(1)),
            parts,
            "{n} chars"
        );
        assert_eq!(
            count(&a(n), Encoding::Gsm7, Concatenation::Sar(300)),
            parts,
            "{n} chars"
        );
    }
}

#[test]
fn gsm7_escapes_count_two_and_stay_whole() {
    let fits = format!("{}€", "a".repeat(158));
    assert_eq!(count(&fits, Encoding::Gsm7, Concatenation::Udh8(1)), 1);
    let over = format!("{}€", "a".repeat(159));
    assert_eq!(count(&over, Encoding::Gsm7, Concatenation::Udh8(1)), 2);
    // The escape would straddle septets 153/154: it moves whole into part two.
    let text = format!("{}€{}", "a".repeat(152), "b".repeat(20));
    let segments = segment_text(&text, Encoding::Gsm7, Concatenation::Udh8(9)).unwrap();
    assert_eq!(segments[0].data.len(), 6 + 152);
    assert_eq!(&segments[1].data[6..8], [0x1B, 0x65]);
    assert_eq!(part_texts(&segments, Encoding::Gsm7).concat(), text);
}

#[test]
fn ucs2_counts_and_surrogates_stay_whole() {
    let a = |n| "я".repeat(n);
    for (n, parts) in [(70, 1), (71, 2), (134, 2), (135, 3)] {
        assert_eq!(
            count(&a(n), Encoding::Ucs2, Concatenation::Udh8(1)),
            parts,
            "{n} chars"
        );
    }
    assert_eq!(count(&a(132), Encoding::Ucs2, Concatenation::Udh16(1)), 2);
    assert_eq!(count(&a(133), Encoding::Ucs2, Concatenation::Udh16(1)), 3);
    assert_eq!(
        count(&"😀".repeat(35), Encoding::Ucs2, Concatenation::Udh8(1)),
        1
    );
    let text = format!("{}😀xxxxx", "a".repeat(66));
    let segments = segment_text(&text, Encoding::Ucs2, Concatenation::Udh8(1)).unwrap();
    assert_eq!(segments[0].data.len(), 6 + 66 * 2);
    assert_eq!(&segments[1].data[6..10], [0xD8, 0x3D, 0xDE, 0x00]);
    assert_eq!(part_texts(&segments, Encoding::Ucs2).concat(), text);
}

#[test]
fn octet_counts() {
    let data = vec![0xAB; 141];
    assert_eq!(
        segment(&data[..140], Encoding::Binary, Concatenation::Udh8(1))
            .unwrap()
            .len(),
        1
    );
    let parts = segment(&data, Encoding::Binary, Concatenation::Udh8(1)).unwrap();
    assert_eq!(
        parts.iter().map(|s| s.data.len() - 6).collect::<Vec<_>>(),
        [134, 7]
    );
    let parts = segment(&data, Encoding::Latin1, Concatenation::Udh16(1)).unwrap();
    assert_eq!(
        parts.iter().map(|s| s.data.len() - 7).collect::<Vec<_>>(),
        [133, 8]
    );
}

#[test]
fn udh_parts_carry_their_header() {
    let text = "x".repeat(200);
    let s = segment_text(&text, Encoding::Gsm7, Concatenation::Udh8(0xA7)).unwrap();
    assert_eq!(
        s[1].udh.as_deref(),
        Some(&[0x05, 0x00, 0x03, 0xA7, 0x02, 0x02][..])
    );
    assert!(
        s[1].data
            .starts_with(&[0x05, 0x00, 0x03, 0xA7, 0x02, 0x02, b'x'])
    );
    assert!(s[1].udhi && s[1].sar.is_none() && !s[1].message_payload);
    assert_eq!(s[1].esm_class(0x00), 0x40);
    let s = segment_text(&text, Encoding::Gsm7, Concatenation::Udh16(0x1234)).unwrap();
    assert_eq!(
        s[0].udh.as_deref(),
        Some(&[0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01][..])
    );
}

#[test]
fn sar_parts_carry_tlv_values_and_no_header() {
    let s = segment_text(&"x".repeat(200), Encoding::Gsm7, Concatenation::Sar(0x0102)).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[1].sar,
        Some(Sar {
            msg_ref_num: 0x0102,
            total_segments: 2,
            segment_seqnum: 2
        })
    );
    assert_eq!((s[0].data.len(), s[1].data.len()), (152, 48));
    assert!(s[1].udh.is_none() && !s[1].udhi);
    assert_eq!(s[1].esm_class(0x00), 0x00);
}

#[test]
fn single_parts_have_no_header_and_payload_is_never_split() {
    let s = segment_text("hi", Encoding::Gsm7, Concatenation::Sar(7)).unwrap();
    assert_eq!(
        s,
        [Segment {
            udh: None,
            sar: None,
            data: b"hi".to_vec(),
            udhi: false,
            message_payload: false
        }]
    );
    let long = "z".repeat(MAX_PAYLOAD);
    let s = segment_text(&long, Encoding::Gsm7, Concatenation::MessagePayload).unwrap();
    assert_eq!(s.len(), 1);
    assert!(s[0].message_payload && !s[0].udhi && s[0].data.len() == MAX_PAYLOAD);
    let too_long = segment_text(
        &format!("{long}z"),
        Encoding::Gsm7,
        Concatenation::MessagePayload,
    );
    assert_eq!(
        too_long,
        Err(TextError::TooLong {
            len: MAX_PAYLOAD + 1,
            max: MAX_PAYLOAD
        })
    );
}

#[test]
fn limits_are_errors() {
    let text = "a".repeat(153 * 255 + 1);
    assert_eq!(
        segment_text(&text, Encoding::Gsm7, Concatenation::Udh8(1)),
        Err(TextError::TooManySegments(256))
    );
    assert!(matches!(
        segment(&[0, 0x41, 0], Encoding::Ucs2, Concatenation::Udh8(1)),
        Err(TextError::Invalid { offset: 2, .. })
    ));
    assert!(segment_text("😀", Encoding::Gsm7, Concatenation::Udh8(1)).is_err());
}

fn case() -> impl Strategy<Value = (Encoding, String, Concatenation)> {
    let encodings = vec![
        Encoding::Gsm7,
        Encoding::Ucs2,
        Encoding::Ia5,
        Encoding::Latin1,
        Encoding::Binary,
    ];
    let method = prop_oneof![
        any::<u8>().prop_map(Concatenation::Udh8),
        any::<u16>().prop_map(Concatenation::Udh16),
        any::<u16>().prop_map(Concatenation::Sar),
    ];
    prop::sample::select(encodings)
        .prop_flat_map(move |e| (Just(e), text_for(e, 700), method.clone()))
}

proptest! {
    #[test]
    fn parts_are_full_whole_and_in_order((encoding, text, method) in case()) {
        let segments = segment_text(&text, encoding, method).unwrap();
        let whole = encode(&text, encoding).unwrap();
        let bodies: Vec<u8> = segments
            .iter()
            .flat_map(|s| s.data[s.udh.as_ref().map_or(0, Vec::len)..].to_vec())
            .collect();
        prop_assert_eq!(&bodies, &whole);
        // Binary is cut anywhere; text parts must each hold whole characters.
        if encoding != Encoding::Binary {
            prop_assert_eq!(part_texts(&segments, encoding).concat(), text.clone());
        }
        if whole.len() <= capacity(encoding, 0) {
            prop_assert_eq!(segments.len(), 1);
            prop_assert!(segments[0].udh.is_none() && segments[0].sar.is_none());
            return Ok(());
        }
        let udh_len = match method {
            Concatenation::Udh8(_) => 6,
            Concatenation::Sar(r) if r <= 0xFF => 6,
            _ => 7,
        };
        let cap = capacity(encoding, udh_len);
        let total = segments.len();
        let mut offset = 0;
        for (i, s) in segments.iter().enumerate() {
            let body = &s.data[s.udh.as_ref().map_or(0, Vec::len)..];
            prop_assert!(body.len() <= cap);
            offset += body.len();
            // Greedy: a part is short only when the next character would not fit.
            if i + 1 < total {
                prop_assert!(body.len() + unit_len(&whole, offset, encoding) > cap);
            }
            let seq = u8::try_from(i + 1).unwrap();
            let total = u8::try_from(total).unwrap();
            match method {
                Concatenation::Udh8(reference) => prop_assert_eq!(
                    s.udh.clone().unwrap(), vec![5, 0, 3, reference, total, seq]),
                Concatenation::Udh16(reference) => {
                    let [hi, lo] = reference.to_be_bytes();
                    prop_assert_eq!(s.udh.clone().unwrap(), vec![6, 8, 4, hi, lo, total, seq]);
                }
                Concatenation::Sar(msg_ref_num) => prop_assert_eq!(
                    s.sar, Some(Sar { msg_ref_num, total_segments: total, segment_seqnum: seq })),
                Concatenation::MessagePayload => prop_assert!(false),
            }
        }
        prop_assert_eq!(offset, whole.len());
    }
}
