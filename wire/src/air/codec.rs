//! [`AirCodec`]: tokio-util framing for the air link.
//!
//! The decoder reads the u32 length, then cuts exactly that many bytes and hands
//! them to `decode_body`, so a bad frame never costs the following ones. A
//! frame longer than the maximum is reported as `Malformed(TooLong)` and its
//! bytes skipped as they arrive; a length over [`SKIP_LIMIT`] or below the
//! 2-byte minimum (version and type) means the peer is not speaking this
//! protocol, and the stream fails with `InvalidData`.

use std::io;

use bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::{
    AirFrame, AirFrameError, AirFrameErrorKind, AirInbound, DEFAULT_MAX_FRAME_LEN,
    decode::decode_body, frame::encode_frame,
};

/// Size of the length prefix.
pub const LEN_PREFIX: usize = 4;
/// Smallest valid length: version and frame type.
pub const MIN_FRAME_LEN: usize = 2;
/// Over-long frames up to this length are skipped so the link survives; longer
/// ones end it, since reading megabytes to stay in step helps nobody.
pub const SKIP_LIMIT: usize = 16 << 20;

/// Air-link codec. `max_frame_len` bounds the length field (the bytes after the prefix).
#[derive(Debug, Clone)]
pub struct AirCodec {
    max_frame_len: usize,
    /// Bytes still to discard from an over-long frame already reported.
    skipping: usize,
}

impl Default for AirCodec {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME_LEN)
    }
}

impl AirCodec {
    pub fn new(max_frame_len: usize) -> Self {
        Self {
            max_frame_len: max_frame_len.max(MIN_FRAME_LEN),
            skipping: 0,
        }
    }

    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

impl Decoder for AirCodec {
    type Item = AirInbound;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<AirInbound>> {
        if self.skipping > 0 {
            let n = self.skipping.min(src.len());
            src.advance(n);
            self.skipping -= n;
            if self.skipping > 0 {
                return Ok(None);
            }
        }
        if src.len() < LEN_PREFIX {
            src.reserve(LEN_PREFIX + MIN_FRAME_LEN);
            return Ok(None);
        }
        let len = u32::from_be_bytes([src[0], src[1], src[2], src[3]]) as usize;
        if len < MIN_FRAME_LEN {
            return Err(invalid(format!(
                "air frame length {len} below the minimum {MIN_FRAME_LEN}"
            )));
        }
        if len > self.max_frame_len {
            if len > SKIP_LIMIT.max(self.max_frame_len) {
                return Err(invalid(format!(
                    "air frame length {len} above the skip limit {SKIP_LIMIT}"
                )));
            }
            // Wait for the type byte so the report does not depend on how reads split.
            if src.len() < LEN_PREFIX + MIN_FRAME_LEN {
                return Ok(None);
            }
            let frame_type = src[LEN_PREFIX + 1];
            let n = (LEN_PREFIX + len).min(src.len());
            src.advance(n);
            self.skipping = LEN_PREFIX + len - n;
            return Ok(Some(AirInbound::Malformed(AirFrameError {
                frame_type,
                reference: None,
                kind: AirFrameErrorKind::TooLong {
                    len,
                    max: self.max_frame_len,
                },
            })));
        }
        if src.len() < LEN_PREFIX + len {
            src.reserve(LEN_PREFIX + len - src.len());
            return Ok(None);
        }
        src.advance(LEN_PREFIX);
        let body = src.split_to(len);
        Ok(Some(decode_body(&body)))
    }
}

impl Encoder<&AirFrame> for AirCodec {
    type Error = io::Error;
    fn encode(&mut self, item: &AirFrame, dst: &mut BytesMut) -> io::Result<()> {
        encode_frame(item, dst)
    }
}

impl Encoder<AirFrame> for AirCodec {
    type Error = io::Error;
    fn encode(&mut self, item: AirFrame, dst: &mut BytesMut) -> io::Result<()> {
        encode_frame(&item, dst)
    }
}
