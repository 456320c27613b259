//! Decoding one frame body (version byte onwards) into an [`AirInbound`].
//!
//! The codec has already cut exactly `length` bytes, so nothing here can
//! desynchronise the stream: every failure becomes `AirInbound::Malformed`
//! with the frame type and, when readable, the reference.

use super::{
    AIR_VERSION, AirErrorCode, AirFrame, AirFrameError, AirFrameErrorKind, AirInbound, RpCause,
    TerminalKind, frame::frame_type as ft,
};
use crate::msisdn::{Imsi, Msisdn};

type Kind = AirFrameErrorKind;

/// Reads fields from a frame body, recording the reference once read.
struct Fields<'a> {
    rest: &'a [u8],
    reference: Option<u32>,
}

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Kind> {
        if self.rest.len() < n {
            return Err(Kind::Truncated { field });
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, Kind> {
        Ok(self.take(1, field)?[0])
    }

    fn u16(&mut self, field: &'static str) -> Result<u16, Kind> {
        let b = self.take(2, field)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, Kind> {
        let b = self.take(4, field)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn reference(&mut self) -> Result<u32, Kind> {
        let r = self.u32("reference")?;
        self.reference = Some(r);
        Ok(r)
    }

    fn string(&mut self, field: &'static str) -> Result<&'a str, Kind> {
        let len = self.u8(field)? as usize;
        std::str::from_utf8(self.take(len, field)?).map_err(|_| Kind::InvalidUtf8 { field })
    }

    fn tpdu(&mut self) -> Result<Vec<u8>, Kind> {
        let len = self.u16("tpdu")? as usize;
        Ok(self.take(len, "tpdu")?.to_vec())
    }

    fn msisdn(&mut self) -> Result<Msisdn, Kind> {
        let field = "msisdn";
        self.string(field)?
            .parse()
            .map_err(|error| Kind::InvalidNumber { field, error })
    }

    fn imsi(&mut self) -> Result<Imsi, Kind> {
        let field = "imsi";
        self.string(field)?
            .parse()
            .map_err(|error| Kind::InvalidNumber { field, error })
    }

    fn kind(&mut self) -> Result<TerminalKind, Kind> {
        let code = self.u8("kind")?;
        TerminalKind::from_code(code).ok_or(Kind::InvalidTerminalKind(code))
    }

    fn cause(&mut self) -> Result<RpCause, Kind> {
        Ok(RpCause(self.u8("cause")?))
    }
}

fn fields(t: u8, f: &mut Fields<'_>) -> Result<AirFrame, Kind> {
    Ok(match t {
        ft::HELLO => AirFrame::Hello {
            cell: f.string("cell")?.to_owned(),
        },
        ft::HELLO_ACK => AirFrame::HelloAck {
            heartbeat_secs: f.u16("heartbeat_secs")?,
        },
        ft::ATTACH => AirFrame::Attach {
            msisdn: f.msisdn()?,
            imsi: f.imsi()?,
            kind: f.kind()?,
        },
        ft::ATTACH_ACK => AirFrame::AttachAck {
            msisdn: f.msisdn()?,
        },
        ft::ATTACH_REJECT => AirFrame::AttachReject {
            msisdn: f.msisdn()?,
            cause: f.cause()?,
        },
        ft::DETACH => AirFrame::Detach {
            msisdn: f.msisdn()?,
        },
        ft::DELIVER => AirFrame::Deliver {
            reference: f.reference()?,
            msisdn: f.msisdn()?,
            tpdu: f.tpdu()?,
        },
        ft::DELIVER_ACK => AirFrame::DeliverAck {
            reference: f.reference()?,
        },
        ft::DELIVER_ERROR => AirFrame::DeliverError {
            reference: f.reference()?,
            cause: f.cause()?,
            tpdu: f.tpdu()?,
        },
        ft::SUBMIT => AirFrame::Submit {
            reference: f.reference()?,
            msisdn: f.msisdn()?,
            tpdu: f.tpdu()?,
        },
        ft::SUBMIT_ACK => AirFrame::SubmitAck {
            reference: f.reference()?,
        },
        ft::SUBMIT_ERROR => AirFrame::SubmitError {
            reference: f.reference()?,
            cause: f.cause()?,
        },
        ft::STATUS_REPORT => AirFrame::StatusReport {
            msisdn: f.msisdn()?,
            tpdu: f.tpdu()?,
        },
        ft::MEMORY_AVAILABLE => AirFrame::MemoryAvailable {
            msisdn: f.msisdn()?,
        },
        ft::HEARTBEAT => AirFrame::Heartbeat {
            nonce: f.u32("nonce")?,
        },
        ft::HEARTBEAT_ACK => AirFrame::HeartbeatAck {
            nonce: f.u32("nonce")?,
        },
        ft::ERROR => AirFrame::Error {
            code: AirErrorCode(f.u8("code")?),
            message: f.string("message")?.to_owned(),
        },
        _ => return Err(Kind::UnknownFrameType),
    })
}

/// Decode one frame body: exactly the `length` bytes after the length prefix
/// (version, type, fields). Bodies shorter than 2 bytes report frame type 0.
pub fn decode_body(body: &[u8]) -> AirInbound {
    let malformed = |frame_type, reference, kind| {
        AirInbound::Malformed(AirFrameError {
            frame_type,
            reference,
            kind,
        })
    };
    let [version, frame_type, rest @ ..] = body else {
        return malformed(
            0,
            None,
            Kind::Truncated {
                field: "frame type",
            },
        );
    };
    if *version != AIR_VERSION {
        return malformed(*frame_type, None, Kind::UnsupportedVersion(*version));
    }
    let mut f = Fields {
        rest,
        reference: None,
    };
    match fields(*frame_type, &mut f) {
        Ok(_) if !f.rest.is_empty() => {
            malformed(*frame_type, f.reference, Kind::TrailingBytes(f.rest.len()))
        }
        Ok(frame) => AirInbound::Frame(frame),
        Err(kind) => malformed(*frame_type, f.reference, kind),
    }
}
