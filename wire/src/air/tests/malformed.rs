//! Frames that are cut cleanly but rejected, over-long and absurd lengths, and
//! the guarantee that a bad frame costs nothing but itself.

use super::*;

const M_HEX: &str = "0c 343437373030393030313031";

fn kind_of(bytes: &str) -> (u8, Option<u32>, AirFrameErrorKind) {
    let e = malformed(&hex(bytes));
    (e.frame_type, e.reference, e.kind)
}

#[test]
fn version_and_type() {
    let (t, _, kind) = kind_of("00000006 02 50 00000007");
    assert_eq!((t, kind), (0x50, AirFrameErrorKind::UnsupportedVersion(2)));
    let (t, _, kind) = kind_of("00000003 01 99 00");
    assert_eq!((t, kind), (0x99, AirFrameErrorKind::UnknownFrameType));
    let e = malformed(&hex("00000002 01 00"));
    assert_eq!(e.code(), AirErrorCode::UNKNOWN_FRAME_TYPE);
    assert_eq!(
        malformed(&hex("00000002 07 01")).code(),
        AirErrorCode::UNSUPPORTED_VERSION
    );
}

#[test]
fn truncated_fields() {
    let truncated = |field| AirFrameErrorKind::Truncated { field };
    assert_eq!(
        kind_of("00000005 01 50 000000"),
        (0x50, None, truncated("nonce"))
    );
    assert_eq!(
        kind_of("00000004 01 01 05 61"),
        (0x01, None, truncated("cell"))
    );
    assert_eq!(kind_of("00000002 01 11"), (0x11, None, truncated("msisdn")));
    let deliver = format!("00000016 01 20 00000009 {M_HEX} 0005 01");
    assert_eq!(kind_of(&deliver), (0x20, Some(9), truncated("tpdu")));
    assert_eq!(
        kind_of("00000007 01 22 00000001 16"),
        (0x22, Some(1), truncated("tpdu"))
    );
    assert_eq!(
        kind_of("00000004 01 7f 03 02"),
        (0x7f, None, truncated("message"))
    );
}

#[test]
fn invalid_values() {
    let (t, r, kind) = kind_of("0000000c 01 30 0000002a 03 303132 0000");
    assert_eq!(
        (t, r),
        (0x30, Some(42)),
        "a bad Submit still names its reference"
    );
    assert!(matches!(
        kind,
        AirFrameErrorKind::InvalidNumber {
            field: "msisdn",
            error: crate::msisdn::NumberError::LeadingZero
        }
    ));
    let (_, _, kind) = kind_of("00000006 01 13 03 2b3132");
    assert!(matches!(
        kind,
        AirFrameErrorKind::InvalidNumber {
            field: "msisdn",
            ..
        }
    ));
    let short_imsi = format!("00000014 01 10 {M_HEX} 03 313233 01");
    assert!(matches!(
        kind_of(&short_imsi).2,
        AirFrameErrorKind::InvalidNumber { field: "imsi", .. }
    ));
    let bad_kind = format!("00000017 01 10 {M_HEX} 06 323334313530 09");
    assert_eq!(
        kind_of(&bad_kind).2,
        AirFrameErrorKind::InvalidTerminalKind(9)
    );
    assert_eq!(
        kind_of("00000005 01 01 02 c328").2,
        AirFrameErrorKind::InvalidUtf8 { field: "cell" }
    );
    assert_eq!(
        kind_of("00000007 01 51 00000007 00").2,
        AirFrameErrorKind::TrailingBytes(1)
    );
    let e = malformed(&hex("00000007 01 21 00000003 ff"));
    assert_eq!(
        (e.reference, e.code()),
        (Some(3), AirErrorCode::MALFORMED_FRAME)
    );
}

#[test]
fn bad_frame_between_good_ones_costs_only_itself() {
    let good1 = encode(&AirFrame::Heartbeat { nonce: 1 });
    let bad = hex("00000009 01 13 05 3132333435 ff");
    let good2 = encode(&AirFrame::DeliverAck { reference: 2 });
    let stream = [good1, bad, good2].concat();
    let (items, failed) = decode_all(&mut AirCodec::default(), &stream);
    assert!(!failed);
    assert!(
        matches!(
            items[..],
            [
                AirInbound::Frame(AirFrame::Heartbeat { nonce: 1 }),
                AirInbound::Malformed(AirFrameError {
                    frame_type: 0x13,
                    kind: AirFrameErrorKind::TrailingBytes(1),
                    ..
                }),
                AirInbound::Frame(AirFrame::DeliverAck { reference: 2 }),
            ]
        ),
        "{items:?}"
    );
}

#[test]
fn over_long_frame_is_reported_then_skipped_across_reads() {
    let mut codec = AirCodec::new(16);
    let mut big = hex("00000020 01 20");
    big.extend([0x55; 30]);
    let good = encode(&AirFrame::Heartbeat { nonce: 9 });
    let stream = [big, good].concat();
    let mut src = BytesMut::new();
    let mut items = Vec::new();
    // Feed in 5-byte reads so the skip spans several calls.
    for chunk in stream.chunks(5) {
        src.extend_from_slice(chunk);
        while let Some(item) = codec.decode(&mut src).expect("skippable") {
            items.push(item);
        }
    }
    assert_eq!(items.len(), 2, "{items:?}");
    let AirInbound::Malformed(e) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(
        (e.frame_type, &e.kind),
        (0x20, &AirFrameErrorKind::TooLong { len: 32, max: 16 })
    );
    assert_eq!(e.code(), AirErrorCode::FRAME_TOO_LONG);
    assert_eq!(
        items[1],
        AirInbound::Frame(AirFrame::Heartbeat { nonce: 9 })
    );
    assert!(src.is_empty());
}

#[test]
fn absurd_or_impossible_lengths_fail_the_stream() {
    for bytes in ["01000001 01 50", "00000001 01", "00000000"] {
        let (items, failed) = decode_all(&mut AirCodec::default(), &hex(bytes));
        assert!(failed && items.is_empty(), "{bytes}: {items:?}");
    }
    // Exactly the skip limit is still skipped.
    let (items, failed) = decode_all(&mut AirCodec::default(), &hex("01000000 01 50"));
    assert!(!failed && items.len() == 1, "{items:?}");
}

#[test]
fn partial_frames_wait_for_more() {
    let bytes = encode(&AirFrame::Hello {
        cell: "cell-1".into(),
    });
    for cut in 0..bytes.len() {
        let (items, failed) = decode_all(&mut AirCodec::default(), &bytes[..cut]);
        assert!(items.is_empty() && !failed, "cut at {cut}");
    }
}

#[test]
fn error_frame_answer_fits_and_names_the_problem() {
    let e = AirFrameError {
        frame_type: 0x20,
        reference: None,
        kind: AirFrameErrorKind::InvalidUtf8 { field: "cell" },
    };
    let AirFrame::Error { code, message } = e.to_error_frame() else {
        panic!()
    };
    assert_eq!(code, AirErrorCode::MALFORMED_FRAME);
    assert_eq!(
        message,
        "bad air frame (type 0x20 deliver): field cell is not valid UTF-8"
    );
    let long = truncate_to_field("李".repeat(100));
    assert_eq!(long.len(), 255);
    assert!(
        encode(&AirFrame::Error {
            code,
            message: long
        })
        .len()
            == 4 + 2 + 2 + 255
    );
    let odd = truncate_to_field(format!("a{}", "李".repeat(100)));
    assert_eq!(odd.len(), 253, "cut back to a char boundary");
}
