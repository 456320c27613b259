//! Fuzz entry points: one function per decoder a server feeds with bytes
//! it does not control, shared by the cargo-fuzz targets in `fuzz/` and the
//! corpus replay in `tests/fuzz_corpus.rs`, so both exercise the same code.
//!
//! Each function takes arbitrary bytes, drives a decoder the way the servers
//! do (streams through the codecs, chunked as reads may split them) and
//! panics only when an invariant breaks: whatever decodes must re-encode to
//! something that decodes to the same value. Plain stable Rust, no fuzzer
//! dependency: [`smpp_frame`], [`tpdu`], [`air_frame`], [`receipt`] and
//! [`text`] (which lives in [`text_targets`]).

mod text_targets;

use bytes::BytesMut;
use tokio_util::codec::Decoder;

use crate::air::{AirCodec, AirInbound, decode_body, encode_frame};
use crate::receipt::Receipt;
use crate::smpp::frame::{encode_command, encode_header_only};
use crate::smpp::{FrameCodec, Inbound};
use crate::tpdu::{
    SmsDeliver, SmsDeliverReport, SmsStatusReport, SmsSubmit, TpduError, decode_mo, decode_mt,
};

pub use text_targets::text;

/// Splits `data` into a control byte and the stream after it.
fn control(data: &[u8]) -> (u8, &[u8]) {
    data.split_first().map_or((0, data), |(&c, rest)| (c, rest))
}

/// Feeds `stream` to `decoder` in `chunk`-byte reads, handing every item to
/// `item`, until the stream ends or the decoder fails (which closes the
/// connection in the servers). Returns the number of items.
fn drive<D: Decoder>(
    decoder: &mut D,
    stream: &[u8],
    chunk: usize,
    mut item: impl FnMut(D::Item),
) -> usize {
    let mut src = BytesMut::new();
    let mut items = 0;
    for piece in stream.chunks(chunk.max(1)) {
        src.extend_from_slice(piece);
        loop {
            match decoder.decode(&mut src) {
                Ok(Some(it)) => {
                    items += 1;
                    item(it);
                }
                Ok(None) => break,
                Err(_) => return items,
            }
        }
    }
    items
}

/// SMPP: the first byte picks the read size (1–64) and a small or the
/// default maximum PDU length; the rest is the stream a session reads.
/// Every command re-encodes to a PDU that decodes to the same command.
pub fn smpp_frame(data: &[u8]) {
    let (c, stream) = control(data);
    let chunk = usize::from(c & 0x3f) + 1;
    let mut codec = if c & 0x40 != 0 {
        FrameCodec::new(64)
    } else {
        FrameCodec::default()
    };
    let items = drive(&mut codec, stream, chunk, |item| match item {
        Inbound::Command(command) => {
            let mut wire = BytesMut::new();
            encode_command(&command, &mut wire);
            match FrameCodec::new(wire.len()).decode(&mut wire) {
                Ok(Some(Inbound::Command(again))) => assert_eq!(again, command),
                other => panic!("{command:?} re-encoded does not decode: {other:?}"),
            }
            assert!(wire.is_empty(), "re-encoded PDU left bytes behind");
        }
        Inbound::Malformed(e) => {
            // The session answers every malformed PDU; the answer must encode.
            let mut answer = BytesMut::new();
            encode_header_only(e.command_id, e.status, e.sequence_number, &mut answer);
            assert_eq!(answer.len(), 16);
        }
    });
    assert!(
        items <= stream.len() / 16,
        "{items} PDUs from {} bytes",
        stream.len()
    );
}

/// Fails the run when a decoded TPDU does not survive encode → decode.
fn round_trip<T: PartialEq + std::fmt::Debug>(
    value: Result<T, TpduError>,
    encode: impl Fn(&T) -> Result<Vec<u8>, TpduError>,
    decode: impl Fn(&[u8]) -> Result<T, TpduError>,
) {
    if let Ok(t) = value {
        let bytes = encode(&t).unwrap_or_else(|e| panic!("{t:?} does not re-encode: {e}"));
        assert_eq!(
            decode(&bytes).as_ref(),
            Ok(&t),
            "re-encoded as {bytes:02x?}"
        );
    }
}

/// TPDUs: both direction dispatchers and every single decoder.
pub fn tpdu(data: &[u8]) {
    round_trip(decode_mt(data), |t| t.encode(), decode_mt);
    round_trip(decode_mo(data), |t| t.encode(), decode_mo);
    round_trip(
        SmsDeliver::decode(data),
        SmsDeliver::encode,
        SmsDeliver::decode,
    );
    round_trip(
        SmsSubmit::decode(data),
        SmsSubmit::encode,
        SmsSubmit::decode,
    );
    round_trip(
        SmsStatusReport::decode(data),
        SmsStatusReport::encode,
        SmsStatusReport::decode,
    );
    round_trip(
        SmsDeliverReport::decode(data),
        SmsDeliverReport::encode,
        SmsDeliverReport::decode,
    );
    let ack = SmsDeliverReport::decode_ack;
    round_trip(ack(data), SmsDeliverReport::encode, ack);
    let error = SmsDeliverReport::decode_error;
    round_trip(error(data), SmsDeliverReport::encode, error);
}

/// Air link: the first byte picks the read size (1–64) and a small or the
/// default maximum frame length. Every frame re-encodes to itself.
pub fn air_frame(data: &[u8]) {
    let (c, stream) = control(data);
    let chunk = usize::from(c & 0x3f) + 1;
    let mut codec = if c & 0x40 != 0 {
        AirCodec::new(300)
    } else {
        AirCodec::default()
    };
    let items = drive(&mut codec, stream, chunk, |item| match item {
        AirInbound::Frame(frame) => {
            let mut wire = BytesMut::new();
            encode_frame(&frame, &mut wire)
                .unwrap_or_else(|e| panic!("{frame:?} does not re-encode: {e}"));
            assert_eq!(decode_body(&wire[4..]), AirInbound::Frame(frame));
        }
        AirInbound::Malformed(e) => {
            // The receiver answers with an Error frame; it must fit the wire.
            let mut answer = BytesMut::new();
            encode_frame(&e.to_error_frame(), &mut answer)
                .unwrap_or_else(|err| panic!("error frame for {e:?} does not encode: {err}"));
        }
    });
    assert!(
        items <= stream.len() / 6,
        "{items} frames from {} bytes",
        stream.len()
    );
}

/// Receipts, as the gateway reads a short_message: lossy UTF-8, then parse.
/// Formatting normalises (counts padded, text cut to 20 characters), so the
/// check is that the fields survive format → parse and that the canonical
/// form is a fixed point.
pub fn receipt(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(r) = Receipt::parse(&text) else {
        return;
    };
    assert!(!r.id.is_empty() && !r.stat.is_empty(), "{r:?}");
    let _ = r.message_state();
    let formatted = r.format();
    let canonical = Receipt::parse(&formatted)
        .unwrap_or_else(|e| panic!("{formatted:?} (from {r:?}) does not parse: {e}"));
    assert_eq!(
        (
            &canonical.id,
            canonical.sub,
            canonical.dlvrd,
            &canonical.stat
        ),
        (&r.id, r.sub, r.dlvrd, &r.stat),
        "{formatted:?}"
    );
    assert_eq!(
        (&canonical.submit_date, &canonical.done_date),
        (&r.submit_date, &r.done_date),
        "{formatted:?}"
    );
    assert_eq!(Receipt::parse(&canonical.format()).as_ref(), Ok(&canonical));
}
