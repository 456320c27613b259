//! Property tests: every frame round-trips however the reads split; random
//! bytes never panic; random bodies behind honest lengths never desynchronise.

use proptest::prelude::*;

use super::*;

fn any_msisdn() -> impl Strategy<Value = Msisdn> {
    "[1-9][0-9]{2,14}".prop_map(|s| msisdn(&s))
}

fn any_imsi() -> impl Strategy<Value = Imsi> {
    "[0-9]{6,15}".prop_map(|s| imsi(&s))
}

fn any_text() -> impl Strategy<Value = String> {
    // Up to 63 chars of up to 4 bytes: always within the 255-byte field.
    prop_oneof!["\\PC{0,63}", "[a-z]{250,255}"]
}

fn any_tpdu() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..200)
}

fn any_frame() -> impl Strategy<Value = AirFrame> {
    let kind = prop::sample::select(TerminalKind::ALL.to_vec());
    let cause = any::<u8>().prop_map(RpCause);
    prop_oneof![
        any_text().prop_map(|cell| AirFrame::Hello { cell }),
        any::<u16>().prop_map(|heartbeat_secs| AirFrame::HelloAck { heartbeat_secs }),
        (any_msisdn(), any_imsi(), kind).prop_map(|(msisdn, imsi, kind)| AirFrame::Attach {
            msisdn,
            imsi,
            kind
        }),
        any_msisdn().prop_map(|msisdn| AirFrame::AttachAck { msisdn }),
        (any_msisdn(), cause.clone())
            .prop_map(|(msisdn, cause)| AirFrame::AttachReject { msisdn, cause }),
        any_msisdn().prop_map(|msisdn| AirFrame::Detach { msisdn }),
        (any::<u32>(), any_msisdn(), any_tpdu()).prop_map(|(reference, msisdn, tpdu)| {
            AirFrame::Deliver {
                reference,
                msisdn,
                tpdu,
            }
        }),
        any::<u32>().prop_map(|reference| AirFrame::DeliverAck { reference }),
        (any::<u32>(), cause.clone(), any_tpdu()).prop_map(|(reference, cause, tpdu)| {
            AirFrame::DeliverError {
                reference,
                cause,
                tpdu,
            }
        }),
        (any::<u32>(), any_msisdn(), any_tpdu()).prop_map(|(reference, msisdn, tpdu)| {
            AirFrame::Submit {
                reference,
                msisdn,
                tpdu,
            }
        }),
        any::<u32>().prop_map(|reference| AirFrame::SubmitAck { reference }),
        (any::<u32>(), cause)
            .prop_map(|(reference, cause)| AirFrame::SubmitError { reference, cause }),
        (any_msisdn(), any_tpdu())
            .prop_map(|(msisdn, tpdu)| AirFrame::StatusReport { msisdn, tpdu }),
        any_msisdn().prop_map(|msisdn| AirFrame::MemoryAvailable { msisdn }),
        any::<u32>().prop_map(|nonce| AirFrame::Heartbeat { nonce }),
        any::<u32>().prop_map(|nonce| AirFrame::HeartbeatAck { nonce }),
        (any::<u8>(), any_text()).prop_map(|(c, message)| AirFrame::Error {
            code: AirErrorCode(c),
            message
        }),
    ]
}

proptest! {
    #[test]
    fn frames_round_trip_across_any_read_split(
        frames in prop::collection::vec(any_frame(), 1..8),
        chunk in 1usize..64,
    ) {
        let stream: Vec<u8> = frames.iter().flat_map(encode).collect();
        let mut codec = AirCodec::default();
        let mut src = BytesMut::new();
        let mut got = Vec::new();
        for piece in stream.chunks(chunk) {
            src.extend_from_slice(piece);
            while let Some(item) = codec.decode(&mut src).expect("valid stream") {
                got.push(item);
            }
        }
        let want: Vec<AirInbound> = frames.into_iter().map(AirInbound::Frame).collect();
        prop_assert_eq!(got, want);
        prop_assert!(src.is_empty());
    }

    #[test]
    fn random_bytes_never_panic_nor_multiply(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        max in prop::sample::select(vec![2usize, 16, 300, DEFAULT_MAX_FRAME_LEN]),
    ) {
        let (items, _) = decode_all(&mut AirCodec::new(max), &bytes);
        prop_assert!(items.len() <= bytes.len() / 6, "{} items from {} bytes", items.len(), bytes.len());
    }

    #[test]
    fn random_bodies_behind_honest_lengths_keep_step(
        bodies in prop::collection::vec(
            (prop_oneof![Just(AIR_VERSION), any::<u8>()],
             prop_oneof![prop::sample::select(vec![0x01u8, 0x02, 0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22,
                                                   0x30, 0x31, 0x32, 0x40, 0x41, 0x50, 0x51, 0x7f]),
                         any::<u8>()],
             prop::collection::vec(any::<u8>(), 0..40)),
            1..10),
        trailer in any::<u32>(),
    ) {
        let mut stream = Vec::new();
        for (version, frame_type, fields) in &bodies {
            stream.extend_from_slice(&(2 + fields.len() as u32).to_be_bytes());
            stream.extend_from_slice(&[*version, *frame_type]);
            stream.extend_from_slice(fields);
        }
        // A known-good frame after the noise must still come out intact.
        stream.extend(encode(&AirFrame::Heartbeat { nonce: trailer }));
        let (items, failed) = decode_all(&mut AirCodec::default(), &stream);
        prop_assert!(!failed);
        prop_assert_eq!(items.len(), bodies.len() + 1);
        for (item, (_, frame_type, _)) in items.iter().zip(&bodies) {
            match item {
                AirInbound::Frame(f) => prop_assert_eq!(f.frame_type(), *frame_type),
                AirInbound::Malformed(e) => prop_assert_eq!(e.frame_type, *frame_type),
            }
        }
        prop_assert_eq!(items.last(), Some(&AirInbound::Frame(AirFrame::Heartbeat { nonce: trailer })));
    }
}
