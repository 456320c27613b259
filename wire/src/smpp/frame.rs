//! SMPP framing that keeps PDU boundaries.
//!
//! `FrameCodec` reads the 16-byte header, checks `command_length` against the
//! minimum (16) and the configured maximum, cuts exactly `command_length` bytes
//! and decodes only those with rusmpp, requiring the body to be consumed in
//! full. A PDU that cannot be decoded is not a stream error: it is yielded as
//! [`Inbound::Malformed`] carrying the header's command_id and sequence_number,
//! so the session can answer `generic_nack` or the matching `*_resp` and stay
//! bound. rusmpp's own `CommandCodec` is not used because it loses the boundary
//! after a bad body (see the crate evaluation in DESIGN's references).

use bytes::{Buf, BufMut, BytesMut};
use rusmpp::{
    Command, CommandId, CommandStatus,
    decode::DecodeWithLength,
    encode::{Length, owned::Encode},
};
use tokio_util::codec::{Decoder, Encoder};

use super::status::status_for_decode_error;

/// Size of the SMPP header: command_length, command_id, command_status, sequence_number.
pub const HEADER_LEN: usize = 16;
/// Default maximum PDU length accepted (header included).
pub const DEFAULT_MAX_PDU_LEN: usize = 4096;
/// Over-long PDUs up to this size are skipped so the session survives; longer
/// ones close the connection, since reading gigabytes to stay aligned helps nobody.
pub const SKIP_LIMIT: usize = 1 << 20;

/// One item read from the wire.
#[derive(Debug)]
pub enum Inbound {
    /// A PDU that decoded cleanly and used exactly `command_length` bytes.
    Command(Box<Command>),
    /// A PDU whose header was readable but whose length or body was not valid.
    Malformed(FrameError),
}

/// A PDU that could not be accepted, with what the session needs to answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    pub command_id: CommandId,
    pub sequence_number: u32,
    /// Status to answer with (ESME_RINVCMDLEN, ESME_RINVCMDID, a field status, ...).
    pub status: CommandStatus,
    /// True when the answer must be generic_nack rather than the matching response
    /// (invalid length, unknown command_id, or a malformed response PDU).
    pub generic_nack: bool,
    /// Human-readable reason, for logs and tests.
    pub reason: String,
}

/// A fatal framing failure: the connection can no longer be read in step.
#[derive(Debug, thiserror::Error)]
pub enum FramingError {
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("command_length {0} exceeds the skip limit; closing")]
    Oversized(usize),
}

/// An outbound item: a typed command, or a header-only response (SMPP 3.4 sends
/// no body on error responses), or raw bytes for fault injection.
#[derive(Debug)]
pub enum Outbound {
    Command(Box<Command>),
    HeaderOnly {
        command_id: CommandId,
        status: CommandStatus,
        sequence_number: u32,
    },
}

impl From<Command> for Outbound {
    fn from(c: Command) -> Self {
        Outbound::Command(Box::new(c))
    }
}

/// Codec with exact PDU boundaries. See the module docs.
#[derive(Debug)]
pub struct FrameCodec {
    max_len: usize,
    /// Bytes still to discard from an over-long PDU already answered.
    skipping: usize,
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_PDU_LEN)
    }
}

impl FrameCodec {
    pub fn new(max_len: usize) -> Self {
        Self {
            max_len: max_len.max(HEADER_LEN),
            skipping: 0,
        }
    }

    pub fn max_len(&self) -> usize {
        self.max_len
    }
}

fn header(src: &[u8]) -> (usize, u32, u32, u32) {
    let word = |i: usize| u32::from_be_bytes([src[i], src[i + 1], src[i + 2], src[i + 3]]);
    (word(0) as usize, word(4), word(8), word(12))
}

fn nack(id: u32, seq: u32, status: CommandStatus, reason: String) -> Inbound {
    Inbound::Malformed(FrameError {
        command_id: CommandId::from(id),
        sequence_number: seq,
        status,
        generic_nack: true,
        reason,
    })
}

/// Decode one complete frame (`frame` holds exactly command_length bytes).
pub fn decode_frame(mut frame: BytesMut) -> Inbound {
    let (len, id, _status, seq) = header(&frame);
    let command_id = CommandId::from(id);
    if let CommandId::Other(_) = command_id {
        return nack(
            id,
            seq,
            CommandStatus::EsmeRinvcmdid,
            format!("unknown command_id 0x{id:08x}"),
        );
    }
    frame.advance(4);
    match Command::decode(&mut frame, len - 4) {
        Ok((command, used)) if used == len - 4 && frame.is_empty() => {
            // rusmpp accepts a fixed-size TLV whose declared length is larger than its
            // type and silently drops the excess; re-measuring the decoded command finds it.
            if command.length() + 4 != len {
                return Inbound::Malformed(FrameError {
                    command_id,
                    sequence_number: seq,
                    status: CommandStatus::EsmeRinvtlvlen,
                    generic_nack: command_id.is_response(),
                    reason: format!(
                        "declared lengths disagree with the decoded body ({} vs {})",
                        len,
                        command.length() + 4
                    ),
                });
            }
            Inbound::Command(Box::new(command))
        }
        Ok((_, used)) => nack(
            id,
            seq,
            CommandStatus::EsmeRinvcmdlen,
            format!("{} trailing bytes after the body", len - 4 - used),
        ),
        Err(err) => {
            let (status, length_problem) = status_for_decode_error(command_id, &err);
            Inbound::Malformed(FrameError {
                command_id,
                sequence_number: seq,
                status,
                generic_nack: length_problem || command_id.is_response(),
                reason: err.to_string(),
            })
        }
    }
}

impl Decoder for FrameCodec {
    type Item = Inbound;
    type Error = FramingError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Inbound>, FramingError> {
        if self.skipping > 0 {
            let n = self.skipping.min(src.len());
            src.advance(n);
            self.skipping -= n;
            if self.skipping > 0 {
                return Ok(None);
            }
        }
        if src.len() < HEADER_LEN {
            src.reserve(HEADER_LEN);
            return Ok(None);
        }
        let (len, id, _, seq) = header(src);
        if len < HEADER_LEN {
            // The header is all we can trust; drop it and answer, staying aligned on
            // the assumption that the peer wrote a full header.
            src.advance(HEADER_LEN);
            return Ok(Some(nack(
                id,
                seq,
                CommandStatus::EsmeRinvcmdlen,
                format!("command_length {len} below the 16-byte header"),
            )));
        }
        if len > self.max_len {
            if len > SKIP_LIMIT.max(self.max_len) {
                return Err(FramingError::Oversized(len));
            }
            let n = len.min(src.len());
            src.advance(n);
            self.skipping = len - n;
            return Ok(Some(nack(
                id,
                seq,
                CommandStatus::EsmeRinvcmdlen,
                format!("command_length {len} above the maximum {}", self.max_len),
            )));
        }
        if src.len() < len {
            src.reserve(len - src.len());
            return Ok(None);
        }
        Ok(Some(decode_frame(src.split_to(len))))
    }
}

/// Append one command to `dst` (used by the codec and by batched writers).
pub fn encode_command(command: &Command, dst: &mut BytesMut) {
    let len = 4 + command.length();
    dst.reserve(len);
    dst.put_u32(len as u32);
    command.encode(dst);
}

/// Append a header-only PDU to `dst`.
pub fn encode_header_only(id: CommandId, status: CommandStatus, seq: u32, dst: &mut BytesMut) {
    dst.reserve(HEADER_LEN);
    dst.put_u32(HEADER_LEN as u32);
    dst.put_u32(id.into());
    dst.put_u32(status.into());
    dst.put_u32(seq);
}

impl Encoder<&Command> for FrameCodec {
    type Error = std::io::Error;
    fn encode(&mut self, item: &Command, dst: &mut BytesMut) -> Result<(), std::io::Error> {
        encode_command(item, dst);
        Ok(())
    }
}

impl Encoder<Command> for FrameCodec {
    type Error = std::io::Error;
    fn encode(&mut self, item: Command, dst: &mut BytesMut) -> Result<(), std::io::Error> {
        encode_command(&item, dst);
        Ok(())
    }
}

impl Encoder<Outbound> for FrameCodec {
    type Error = std::io::Error;
    fn encode(&mut self, item: Outbound, dst: &mut BytesMut) -> Result<(), std::io::Error> {
        match item {
            Outbound::Command(c) => encode_command(&c, dst),
            Outbound::HeaderOnly {
                command_id,
                status,
                sequence_number,
            } => encode_header_only(command_id, status, sequence_number, dst),
        }
        Ok(())
    }
}
