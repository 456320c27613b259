//! Exact bytes of every frame, derived by hand from the layout table in the
//! module docs, checked both ways (encode and decode).

use super::*;

const M: &str = "447700900101";
const M_HEX: &str = "0c 343437373030393030313031";
const IMSI: &str = "234150000000101";
const IMSI_HEX: &str = "0f 323334313530303030303030313031";

fn check(frame: AirFrame, bytes: &str) {
    let expected = hex(bytes);
    assert_eq!(encode(&frame), expected, "encoding {frame:?}");
    assert_eq!(decode_one(&expected), AirInbound::Frame(frame));
}

#[test]
fn hello_and_ack() {
    check(
        AirFrame::Hello {
            cell: "cell-1".into(),
        },
        "00000009 01 01 06 63656c6c2d31",
    );
    check(
        AirFrame::Hello { cell: "李".into() },
        "00000006 01 01 03 e69d8e",
    );
    check(
        AirFrame::Hello {
            cell: String::new(),
        },
        "00000003 01 01 00",
    );
    check(
        AirFrame::HelloAck { heartbeat_secs: 30 },
        "00000004 01 02 001e",
    );
}

#[test]
fn attach_family() {
    let attach = AirFrame::Attach {
        msisdn: msisdn(M),
        imsi: imsi(IMSI),
        kind: TerminalKind::Pager,
    };
    check(attach, &format!("00000020 01 10 {M_HEX} {IMSI_HEX} 02"));
    let stb = AirFrame::Attach {
        msisdn: msisdn(M),
        imsi: imsi(IMSI),
        kind: TerminalKind::StbCard,
    };
    check(stb, &format!("00000020 01 10 {M_HEX} {IMSI_HEX} 04"));
    check(
        AirFrame::AttachAck { msisdn: msisdn(M) },
        &format!("0000000f 01 11 {M_HEX}"),
    );
    let reject = AirFrame::AttachReject {
        msisdn: msisdn(M),
        cause: RpCause::UNKNOWN_SUBSCRIBER,
    };
    check(reject, &format!("00000010 01 12 {M_HEX} 1e"));
    check(
        AirFrame::Detach { msisdn: msisdn(M) },
        &format!("0000000f 01 13 {M_HEX}"),
    );
    check(
        AirFrame::MemoryAvailable { msisdn: msisdn(M) },
        &format!("0000000f 01 41 {M_HEX}"),
    );
}

#[test]
fn deliver_family() {
    let deliver = AirFrame::Deliver {
        reference: 0x0102_0304,
        msisdn: msisdn(M),
        tpdu: vec![0x04, 0x0b],
    };
    check(
        deliver,
        &format!("00000017 01 20 01020304 {M_HEX} 0002 040b"),
    );
    check(
        AirFrame::DeliverAck {
            reference: 0xdead_beef,
        },
        "00000006 01 21 deadbeef",
    );
    let err = AirFrame::DeliverError {
        reference: 5,
        cause: RpCause::MEMORY_CAPACITY_EXCEEDED,
        tpdu: vec![0x00, 0xd3],
    };
    check(err, "0000000b 01 22 00000005 16 0002 00d3");
    let bare = AirFrame::DeliverError {
        reference: 5,
        cause: RpCause::DESTINATION_OUT_OF_ORDER,
        tpdu: vec![],
    };
    check(bare, "00000009 01 22 00000005 1b 0000");
}

#[test]
fn submit_family_and_status_report() {
    let submit = AirFrame::Submit {
        reference: 9,
        msisdn: msisdn("8613800138000"),
        tpdu: vec![0x01, 0x00],
    };
    check(
        submit,
        "00000018 01 30 00000009 0d 38363133383030313338303030 0002 0100",
    );
    check(
        AirFrame::SubmitAck { reference: 9 },
        "00000006 01 31 00000009",
    );
    let err = AirFrame::SubmitError {
        reference: 9,
        cause: RpCause::INVALID_MESSAGE,
    };
    check(err, "00000007 01 32 00000009 5f");
    let report = AirFrame::StatusReport {
        msisdn: msisdn(M),
        tpdu: vec![0x06],
    };
    check(report, &format!("00000012 01 40 {M_HEX} 0001 06"));
}

#[test]
fn heartbeat_and_error() {
    check(AirFrame::Heartbeat { nonce: 7 }, "00000006 01 50 00000007");
    check(
        AirFrame::HeartbeatAck { nonce: 7 },
        "00000006 01 51 00000007",
    );
    let err = AirFrame::Error {
        code: AirErrorCode::MALFORMED_FRAME,
        message: "bad".into(),
    };
    check(err, "00000007 01 7f 03 03 626164");
}

#[test]
fn field_limits_are_inclusive() {
    let cell = "c".repeat(MAX_STRING_LEN);
    let bytes = encode(&AirFrame::Hello { cell: cell.clone() });
    assert_eq!(bytes.len(), 4 + 2 + 1 + 255);
    assert_eq!(&bytes[..7], &hex("00000102 01 01 ff"));
    let tpdu = vec![0xaa; MAX_TPDU_LEN];
    let frame = AirFrame::StatusReport {
        msisdn: msisdn(M),
        tpdu,
    };
    let bytes = encode(&frame);
    assert_eq!(&bytes[..4], &(2u32 + 13 + 2 + 65535).to_be_bytes());
    assert_eq!(&bytes[19..21], &hex("ffff"));
    // The default maximum (64 KiB) is below this frame; a larger codec takes it whole.
    let (items, failed) = decode_all(&mut AirCodec::new(1 << 17), &bytes);
    assert!(
        !failed && items == [AirInbound::Frame(frame)],
        "large frame did not round-trip"
    );
    let (items, _) = decode_all(&mut AirCodec::default(), &bytes);
    assert!(matches!(
        items[..],
        [AirInbound::Malformed(AirFrameError {
            kind: AirFrameErrorKind::TooLong { .. },
            ..
        })]
    ));
}

#[test]
fn encoder_rejects_fields_that_do_not_fit_and_leaves_buffer_alone() {
    let mut codec = AirCodec::default();
    let mut dst = BytesMut::from(&b"keep"[..]);
    let too_long = [
        AirFrame::Hello {
            cell: "c".repeat(256),
        },
        AirFrame::Error {
            code: AirErrorCode::INTERNAL,
            message: "é".repeat(128),
        },
        AirFrame::Deliver {
            reference: 1,
            msisdn: msisdn(M),
            tpdu: vec![0; MAX_TPDU_LEN + 1],
        },
        AirFrame::DeliverError {
            reference: 1,
            cause: RpCause(0),
            tpdu: vec![0; MAX_TPDU_LEN + 1],
        },
    ];
    for frame in too_long {
        let err = codec.encode(&frame, &mut dst).expect_err("field too long");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{frame:?}");
        assert_eq!(&dst[..], b"keep", "{}", frame.name());
    }
}
