//! The air link between the switch (smsc-sim) and a cell (handset-sim).
//!
//! One TCP connection per cell; every handset of the cell attaches through it.
//! The cell opens with `Hello`, then attaches its terminals; the switch delivers
//! SMS-DELIVER TPDUs and the cell answers each with an ack or an RP-ERROR cause.
//! Bytes flow through [`AirCodec`] (`tokio_util` framing) into [`AirInbound`]:
//! a good [`AirFrame`], or an [`AirFrameError`] that the receiver answers with an
//! `Error` frame before reading on. [`AirFramed`] is the connection type.
//!
//! # Byte layout
//!
//! Every frame: `u32` length of what follows (big-endian), `u8` version
//! ([`AIR_VERSION`] = 1), `u8` frame type, then the fields in order.
//! `str8` is a `u8` byte count + UTF-8 (≤ 255 bytes); `bytes16` is a `u16`
//! big-endian byte count + bytes (≤ 65535); integers are big-endian.
//! MSISDN and IMSI are `str8` of ASCII digits, without `+`.
//!
//! | type | frame            | direction     | fields                                              |
//! |------|------------------|---------------|-----------------------------------------------------|
//! | 0x01 | Hello            | cell → switch | cell `str8`                                         |
//! | 0x02 | HelloAck         | switch → cell | heartbeat_secs `u16`                                |
//! | 0x10 | Attach           | cell → switch | msisdn `str8`, imsi `str8`, kind `u8`               |
//! | 0x11 | AttachAck        | switch → cell | msisdn `str8`                                       |
//! | 0x12 | AttachReject     | switch → cell | msisdn `str8`, cause `u8`                           |
//! | 0x13 | Detach           | cell → switch | msisdn `str8`                                       |
//! | 0x20 | Deliver          | switch → cell | reference `u32`, msisdn `str8`, tpdu `bytes16`      |
//! | 0x21 | DeliverAck       | cell → switch | reference `u32`                                     |
//! | 0x22 | DeliverError     | cell → switch | reference `u32`, cause `u8`, tpdu `bytes16`         |
//! | 0x30 | Submit           | cell → switch | reference `u32`, msisdn `str8`, tpdu `bytes16`      |
//! | 0x31 | SubmitAck        | switch → cell | reference `u32`                                     |
//! | 0x32 | SubmitError      | switch → cell | reference `u32`, cause `u8`                         |
//! | 0x40 | StatusReport     | switch → cell | msisdn `str8`, tpdu `bytes16`                       |
//! | 0x41 | MemoryAvailable  | cell → switch | msisdn `str8`                                       |
//! | 0x50 | Heartbeat        | either        | nonce `u32`                                         |
//! | 0x51 | HeartbeatAck     | either        | nonce `u32`                                         |
//! | 0x7f | Error            | either        | code `u8` ([`AirErrorCode`]), message `str8`        |
//!
//! kind: 1 phone, 2 pager, 3 pda, 4 stb-card ([`TerminalKind`]). cause: RP-cause
//! of 3GPP TS 24.011 §8.2.5.4 ([`RpCause`]). Example, `Heartbeat { nonce: 7 }`:
//! `00 00 00 06 01 50 00 00 00 07`.
//!
//! # Decoder rules
//!
//! The decoder always cuts exactly `length` bytes, so it never loses step. A bad
//! version, unknown type, truncated field, invalid UTF-8 / MSISDN / IMSI / kind, or
//! bytes left after the last field give `AirInbound::Malformed` and the link goes
//! on. A length above the codec's maximum ([`DEFAULT_MAX_FRAME_LEN`]) is reported
//! as `Malformed` and skipped; above [`SKIP_LIMIT`] (16 MiB) or below 2 the stream
//! fails. The encoder refuses fields that do not fit with `InvalidInput`.

mod cause;
mod codec;
mod decode;
mod error;
mod frame;
mod kind;
#[cfg(test)]
mod tests;

pub use cause::{AirErrorCode, RpCause};
pub use codec::{AirCodec, LEN_PREFIX, MIN_FRAME_LEN, SKIP_LIMIT};
pub use decode::decode_body;
pub use error::{AirFrameError, AirFrameErrorKind, truncate_to_field};
pub use frame::{
    AirFrame, MAX_STRING_LEN, MAX_TPDU_LEN, encode_frame, frame_type, frame_type_name,
};
pub use kind::{TerminalKind, UnknownTerminalKind};

/// Version byte of every frame.
pub const AIR_VERSION: u8 = 1;
/// Default maximum of the length field.
pub const DEFAULT_MAX_FRAME_LEN: usize = 64 * 1024;

/// One item read from the air link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AirInbound {
    /// A frame that decoded cleanly and used exactly its length.
    Frame(AirFrame),
    /// A frame cut from the stream but not accepted; answer it and read on.
    Malformed(AirFrameError),
}

/// An air-link connection: a `Stream` of `io::Result<AirInbound>` and a `Sink<AirFrame>`.
pub type AirFramed<S> = tokio_util::codec::Framed<S, AirCodec>;

/// Wrap a connection with the default codec.
pub fn framed<S: tokio::io::AsyncRead + tokio::io::AsyncWrite>(io: S) -> AirFramed<S> {
    tokio_util::codec::Framed::new(io, AirCodec::default())
}
