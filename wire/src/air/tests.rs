//! Tests of the air link: golden bytes per frame (`golden`), rejected frames
//! (`malformed`), property tests (`props`) and a link over `tokio::io::duplex` (`link`).

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use super::*;
use crate::msisdn::{Imsi, Msisdn};

mod golden;
mod link;
mod malformed;
mod props;

/// Bytes from whitespace-separated hex.
fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex {s:?}");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex digit"))
        .collect()
}

fn msisdn(s: &str) -> Msisdn {
    s.parse().expect("test MSISDN")
}

fn imsi(s: &str) -> Imsi {
    s.parse().expect("test IMSI")
}

fn encode(frame: &AirFrame) -> Vec<u8> {
    let mut dst = BytesMut::new();
    AirCodec::default()
        .encode(frame, &mut dst)
        .expect("encodable");
    dst.to_vec()
}

/// Every item the codec yields from `bytes`, and whether the stream failed.
fn decode_all(codec: &mut AirCodec, bytes: &[u8]) -> (Vec<AirInbound>, bool) {
    let mut src = BytesMut::from(bytes);
    let mut out = Vec::new();
    loop {
        match codec.decode(&mut src) {
            Ok(Some(item)) => out.push(item),
            Ok(None) => return (out, false),
            Err(_) => return (out, true),
        }
    }
}

/// Decode `bytes`, expecting exactly one item and nothing left.
fn decode_one(bytes: &[u8]) -> AirInbound {
    let (items, failed) = decode_all(&mut AirCodec::default(), bytes);
    assert!(!failed, "stream failed on {bytes:02x?}");
    assert_eq!(items.len(), 1, "items from {bytes:02x?}: {items:?}");
    items.into_iter().next().expect("one item")
}

fn malformed(bytes: &[u8]) -> AirFrameError {
    match decode_one(bytes) {
        AirInbound::Malformed(e) => e,
        other => panic!("expected Malformed, got {other:?}"),
    }
}
