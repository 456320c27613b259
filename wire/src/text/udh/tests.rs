use super::*;
use proptest::prelude::*;

#[test]
fn parses_concat_8_and_returns_the_rest() {
    let data = [0x05, 0x00, 0x03, 0xA7, 0x02, 0x01, b'h', b'i'];
    let (udh, rest) = UserDataHeader::parse(&data).unwrap();
    assert_eq!(
        udh.elements,
        [InformationElement::Concat8 {
            reference: 0xA7,
            total: 2,
            seq: 1
        }]
    );
    assert_eq!(rest, b"hi");
    assert_eq!(
        udh.concatenation(),
        Some(Concat {
            reference: 0xA7,
            total: 2,
            seq: 1
        })
    );
    assert_eq!(udh.encode().unwrap(), data[..6]);
}

#[test]
fn parses_concat_16_ports_and_unknown_elements() {
    let data = [
        0x13, 0x08, 0x04, 0x12, 0x34, 0x03, 0x03, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x70, 0x01,
        0xAA, 0x04, 0x02, 0x10, 0x20,
    ];
    let (udh, rest) = UserDataHeader::parse(&data).unwrap();
    assert_eq!(
        udh.elements,
        [
            InformationElement::Concat16 {
                reference: 0x1234,
                total: 3,
                seq: 3
            },
            InformationElement::Port16 {
                destination: 0x0B84,
                originator: 0x23F0
            },
            InformationElement::Other {
                iei: 0x70,
                data: vec![0xAA]
            },
            InformationElement::Port8 {
                destination: 0x10,
                originator: 0x20
            },
        ]
    );
    assert!(rest.is_empty());
    assert_eq!(
        udh.concatenation(),
        Some(Concat {
            reference: 0x1234,
            total: 3,
            seq: 3
        })
    );
    assert_eq!(udh.encode().unwrap(), data);
}

#[test]
fn bad_lengths_are_errors() {
    assert_eq!(UserDataHeader::parse(&[]), Err(UdhError::Empty));
    assert_eq!(
        UserDataHeader::parse(&[0x05, 0x00, 0x03]),
        Err(UdhError::HeaderTruncated {
            udhl: 5,
            available: 2
        })
    );
    assert_eq!(
        UserDataHeader::parse(&[0x04, 0x00, 0x03, 0x01, 0x02]),
        Err(UdhError::ElementTruncated { iei: 0, offset: 1 })
    );
    assert_eq!(
        UserDataHeader::parse(&[0x01, 0x70]),
        Err(UdhError::ElementTruncated {
            iei: 0x70,
            offset: 1
        })
    );
    assert_eq!(
        UserDataHeader::parse(&[0x04, 0x00, 0x02, 0x01, 0x02]),
        Err(UdhError::BadLength {
            iei: 0,
            len: 2,
            expected: 3
        })
    );
    assert_eq!(
        UserDataHeader::parse(&[0x05, 0x08, 0x03, 0x01, 0x02, 0x01]),
        Err(UdhError::BadLength {
            iei: 8,
            len: 3,
            expected: 4
        })
    );
}

#[test]
fn unusable_concat_values_are_ignored() {
    for (total, seq) in [(0, 0), (2, 0), (2, 3)] {
        let udh = UserDataHeader {
            elements: vec![InformationElement::Concat8 {
                reference: 1,
                total,
                seq,
            }],
        };
        assert_eq!(udh.concatenation(), None, "total {total} seq {seq}");
    }
}

#[test]
fn oversized_element_cannot_be_encoded() {
    let udh = UserDataHeader {
        elements: vec![InformationElement::Other {
            iei: 0x70,
            data: vec![0; 300],
        }],
    };
    assert_eq!(udh.encode(), Err(UdhError::TooLong(300)));
}

fn element() -> impl Strategy<Value = InformationElement> {
    prop_oneof![
        (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(reference, total, seq)| {
            InformationElement::Concat8 {
                reference,
                total,
                seq,
            }
        }),
        (any::<u16>(), any::<u8>(), any::<u8>()).prop_map(|(reference, total, seq)| {
            InformationElement::Concat16 {
                reference,
                total,
                seq,
            }
        }),
        (any::<u8>(), any::<u8>()).prop_map(|(destination, originator)| {
            InformationElement::Port8 {
                destination,
                originator,
            }
        }),
        (any::<u16>(), any::<u16>()).prop_map(|(destination, originator)| {
            InformationElement::Port16 {
                destination,
                originator,
            }
        }),
        // 0x70–0x7F are SIM toolkit security headers: never typed, always raw.
        (0x70u8..0x80, prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(iei, data)| InformationElement::Other { iei, data }),
    ]
}

proptest! {
    #[test]
    fn encode_parse_round_trip(
        elements in prop::collection::vec(element(), 0..8),
        rest in prop::collection::vec(any::<u8>(), 0..20),
    ) {
        let udh = UserDataHeader { elements };
        let mut data = udh.encode().unwrap();
        let header_len = data.len();
        data.extend_from_slice(&rest);
        let (parsed, tail) = UserDataHeader::parse(&data).unwrap();
        prop_assert_eq!(parsed, udh);
        prop_assert_eq!(tail, &data[header_len..]);
    }

    #[test]
    fn parse_never_panics(data in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok((_, rest)) = UserDataHeader::parse(&data) {
            prop_assert_eq!(rest.len(), data.len() - 1 - usize::from(data[0]));
        }
    }
}
