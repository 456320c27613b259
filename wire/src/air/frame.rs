//! The air-link frames ([`AirFrame`]), their type bytes ([`frame_type`]) and the encoder.
//!
//! [`encode_frame`] appends one complete frame (length prefix included) to a
//! buffer, or leaves the buffer untouched and returns `InvalidInput` when a
//! field does not fit its length prefix. Decoding lives in `decode.rs`.

use std::io;

use bytes::{BufMut, BytesMut};

use super::{AIR_VERSION, AirErrorCode, RpCause, TerminalKind};
use crate::msisdn::{Imsi, Msisdn};

/// Frame type bytes. Grouped by concern so a hex dump reads easily.
pub mod frame_type {
    pub const HELLO: u8 = 0x01;
    pub const HELLO_ACK: u8 = 0x02;
    pub const ATTACH: u8 = 0x10;
    pub const ATTACH_ACK: u8 = 0x11;
    pub const ATTACH_REJECT: u8 = 0x12;
    pub const DETACH: u8 = 0x13;
    pub const DELIVER: u8 = 0x20;
    pub const DELIVER_ACK: u8 = 0x21;
    pub const DELIVER_ERROR: u8 = 0x22;
    pub const SUBMIT: u8 = 0x30;
    pub const SUBMIT_ACK: u8 = 0x31;
    pub const SUBMIT_ERROR: u8 = 0x32;
    pub const STATUS_REPORT: u8 = 0x40;
    pub const MEMORY_AVAILABLE: u8 = 0x41;
    pub const HEARTBEAT: u8 = 0x50;
    pub const HEARTBEAT_ACK: u8 = 0x51;
    pub const ERROR: u8 = 0x7f;
}

/// Longest string field (u8 length prefix).
pub const MAX_STRING_LEN: usize = u8::MAX as usize;
/// Longest TPDU field (u16 length prefix).
pub const MAX_TPDU_LEN: usize = u16::MAX as usize;

/// One frame between the switch and a cell. Directions are noted per variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AirFrame {
    /// cell → switch, the first frame on a connection.
    Hello { cell: String },
    /// switch → cell.
    HelloAck { heartbeat_secs: u16 },
    /// cell → switch: a terminal powered on, came into coverage, or got a SIM.
    Attach {
        msisdn: Msisdn,
        imsi: Imsi,
        kind: TerminalKind,
    },
    /// switch → cell.
    AttachAck { msisdn: Msisdn },
    /// switch → cell: unknown or barred subscriber.
    AttachReject { msisdn: Msisdn, cause: RpCause },
    /// cell → switch: power off or out of coverage.
    Detach { msisdn: Msisdn },
    /// switch → cell: an SMS-DELIVER TPDU for `msisdn`.
    Deliver {
        reference: u32,
        msisdn: Msisdn,
        tpdu: Vec<u8>,
    },
    /// cell → switch: RP-ACK.
    DeliverAck { reference: u32 },
    /// cell → switch: RP-ERROR; `tpdu` is an SMS-DELIVER-REPORT or empty.
    DeliverError {
        reference: u32,
        cause: RpCause,
        tpdu: Vec<u8>,
    },
    /// cell → switch: an SMS-SUBMIT TPDU from handset `msisdn`.
    Submit {
        reference: u32,
        msisdn: Msisdn,
        tpdu: Vec<u8>,
    },
    /// switch → cell.
    SubmitAck { reference: u32 },
    /// switch → cell.
    SubmitError { reference: u32, cause: RpCause },
    /// switch → cell: an SMS-STATUS-REPORT TPDU.
    StatusReport { msisdn: Msisdn, tpdu: Vec<u8> },
    /// cell → switch: RP-SMMA, the terminal's inbox has room again.
    MemoryAvailable { msisdn: Msisdn },
    /// either way.
    Heartbeat { nonce: u32 },
    /// either way, echoing the nonce.
    HeartbeatAck { nonce: u32 },
    /// either way: the answer to a bad frame; the link goes on.
    Error { code: AirErrorCode, message: String },
}

impl AirFrame {
    /// The frame type byte.
    pub fn frame_type(&self) -> u8 {
        use frame_type::*;
        match self {
            Self::Hello { .. } => HELLO,
            Self::HelloAck { .. } => HELLO_ACK,
            Self::Attach { .. } => ATTACH,
            Self::AttachAck { .. } => ATTACH_ACK,
            Self::AttachReject { .. } => ATTACH_REJECT,
            Self::Detach { .. } => DETACH,
            Self::Deliver { .. } => DELIVER,
            Self::DeliverAck { .. } => DELIVER_ACK,
            Self::DeliverError { .. } => DELIVER_ERROR,
            Self::Submit { .. } => SUBMIT,
            Self::SubmitAck { .. } => SUBMIT_ACK,
            Self::SubmitError { .. } => SUBMIT_ERROR,
            Self::StatusReport { .. } => STATUS_REPORT,
            Self::MemoryAvailable { .. } => MEMORY_AVAILABLE,
            Self::Heartbeat { .. } => HEARTBEAT,
            Self::HeartbeatAck { .. } => HEARTBEAT_ACK,
            Self::Error { .. } => ERROR,
        }
    }

    /// The frame's name, for logs.
    pub fn name(&self) -> &'static str {
        frame_type_name(self.frame_type()).unwrap_or("?")
    }
}

/// The name of a frame type byte, `None` if unknown.
pub fn frame_type_name(t: u8) -> Option<&'static str> {
    use frame_type::*;
    Some(match t {
        HELLO => "hello",
        HELLO_ACK => "hello-ack",
        ATTACH => "attach",
        ATTACH_ACK => "attach-ack",
        ATTACH_REJECT => "attach-reject",
        DETACH => "detach",
        DELIVER => "deliver",
        DELIVER_ACK => "deliver-ack",
        DELIVER_ERROR => "deliver-error",
        SUBMIT => "submit",
        SUBMIT_ACK => "submit-ack",
        SUBMIT_ERROR => "submit-error",
        STATUS_REPORT => "status-report",
        MEMORY_AVAILABLE => "memory-available",
        HEARTBEAT => "heartbeat",
        HEARTBEAT_ACK => "heartbeat-ack",
        ERROR => "error",
        _ => return None,
    })
}

fn too_long(field: &str, len: usize, max: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("air frame field {field} is {len} bytes, above its maximum {max}"),
    )
}

fn put_str(dst: &mut BytesMut, field: &str, s: &str) -> io::Result<()> {
    if s.len() > MAX_STRING_LEN {
        return Err(too_long(field, s.len(), MAX_STRING_LEN));
    }
    dst.put_u8(s.len() as u8);
    dst.put_slice(s.as_bytes());
    Ok(())
}

fn put_tpdu(dst: &mut BytesMut, tpdu: &[u8]) -> io::Result<()> {
    if tpdu.len() > MAX_TPDU_LEN {
        return Err(too_long("tpdu", tpdu.len(), MAX_TPDU_LEN));
    }
    dst.put_u16(tpdu.len() as u16);
    dst.put_slice(tpdu);
    Ok(())
}

fn put_fields(frame: &AirFrame, dst: &mut BytesMut) -> io::Result<()> {
    match frame {
        AirFrame::Hello { cell } => put_str(dst, "cell", cell)?,
        AirFrame::HelloAck { heartbeat_secs } => dst.put_u16(*heartbeat_secs),
        AirFrame::Attach { msisdn, imsi, kind } => {
            put_str(dst, "msisdn", msisdn.as_str())?;
            put_str(dst, "imsi", imsi.as_str())?;
            dst.put_u8(kind.code());
        }
        AirFrame::AttachAck { msisdn }
        | AirFrame::Detach { msisdn }
        | AirFrame::MemoryAvailable { msisdn } => put_str(dst, "msisdn", msisdn.as_str())?,
        AirFrame::AttachReject { msisdn, cause } => {
            put_str(dst, "msisdn", msisdn.as_str())?;
            dst.put_u8(cause.0);
        }
        AirFrame::Deliver {
            reference,
            msisdn,
            tpdu,
        }
        | AirFrame::Submit {
            reference,
            msisdn,
            tpdu,
        } => {
            dst.put_u32(*reference);
            put_str(dst, "msisdn", msisdn.as_str())?;
            put_tpdu(dst, tpdu)?;
        }
        AirFrame::DeliverAck { reference } | AirFrame::SubmitAck { reference } => {
            dst.put_u32(*reference)
        }
        AirFrame::DeliverError {
            reference,
            cause,
            tpdu,
        } => {
            dst.put_u32(*reference);
            dst.put_u8(cause.0);
            put_tpdu(dst, tpdu)?;
        }
        AirFrame::SubmitError { reference, cause } => {
            dst.put_u32(*reference);
            dst.put_u8(cause.0);
        }
        AirFrame::StatusReport { msisdn, tpdu } => {
            put_str(dst, "msisdn", msisdn.as_str())?;
            put_tpdu(dst, tpdu)?;
        }
        AirFrame::Heartbeat { nonce } | AirFrame::HeartbeatAck { nonce } => dst.put_u32(*nonce),
        AirFrame::Error { code, message } => {
            dst.put_u8(code.0);
            put_str(dst, "message", message)?;
        }
    }
    Ok(())
}

/// Append one frame, length prefix included, to `dst`. On error `dst` is unchanged.
pub fn encode_frame(frame: &AirFrame, dst: &mut BytesMut) -> io::Result<()> {
    let start = dst.len();
    dst.put_u32(0); // patched below once the length is known
    dst.put_u8(AIR_VERSION);
    dst.put_u8(frame.frame_type());
    if let Err(e) = put_fields(frame, dst) {
        // A half-written frame left in the buffer would desynchronise the peer.
        dst.truncate(start);
        return Err(e);
    }
    let len = (dst.len() - start - 4) as u32;
    dst[start..start + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}
