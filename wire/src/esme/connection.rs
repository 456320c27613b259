//! Opening a connection and binding it.
//!
//! [`open_and_bind`] opens the transport (TCP, TLS, or a connector), sends the bind PDU
//! built from the config and reads until the matching bind_resp, answering an
//! early enquire_link on the way. All of it is bounded by the response timeout.
//! A refused bind becomes [`EsmeError::BindFailed`] with the SMSC's status.
//! The result, [`Bound`], is what a session runs on.

use futures::StreamExt;
use rusmpp::{Command, CommandId, CommandStatus, Pdu};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::FramedRead;
use tracing::debug;

use super::{
    Shared,
    error::EsmeError,
    link::{BoxWrite, encode, encode_header},
    transport::{self, BoxRead},
};
use crate::smpp::{FrameCodec, FramingError, Inbound};

/// A bound connection, ready for a session.
pub(crate) struct Bound {
    pub(crate) reader: FramedRead<BoxRead, FrameCodec>,
    pub(crate) writer: BoxWrite,
    pub(crate) info: BindInfo,
}

/// What the SMSC said about itself in bind_resp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindInfo {
    /// The SMSC's system_id.
    pub system_id: String,
    /// sc_interface_version TLV, when the SMSC sent one.
    pub sc_interface_version: Option<u8>,
}

pub(crate) async fn open_and_bind(shared: &Shared) -> Result<Bound, EsmeError> {
    let timeout = shared.config.response_timeout;
    tokio::time::timeout(timeout, open_and_bind_inner(shared))
        .await
        .unwrap_or(Err(EsmeError::Timeout(timeout)))
}

async fn open_and_bind_inner(shared: &Shared) -> Result<Bound, EsmeError> {
    let config = &shared.config;
    let (read, mut writer) = transport::open(config).await?;
    let mut reader = FramedRead::new(read, FrameCodec::new(config.max_pdu_len));
    let seq = shared.seq.next();
    let bind = Command::new(CommandStatus::EsmeRok, seq, shared.bind_pdu.clone());
    writer.write_all(&encode(&bind)).await?;
    writer.flush().await?;
    let expected = bind.id().matching_response();
    loop {
        let item = match reader.next().await {
            None => return Err(EsmeError::Disconnected),
            Some(Err(FramingError::Io(e))) => return Err(EsmeError::Io(e)),
            Some(Err(e)) => return Err(EsmeError::BadResponse(format!("while binding: {e}"))),
            Some(Ok(item)) => item,
        };
        let command = match item {
            Inbound::Command(c) => c,
            Inbound::Malformed(e) if e.sequence_number == seq => {
                return Err(EsmeError::BadResponse(format!("bind_resp: {}", e.reason)));
            }
            Inbound::Malformed(e) => {
                debug!(reason = %e.reason, "ignoring a malformed PDU before bind_resp");
                continue;
            }
        };
        if command.id() == CommandId::EnquireLink {
            let seq = command.sequence_number();
            writer
                .write_all(&encode_header(
                    CommandId::EnquireLinkResp,
                    CommandStatus::EsmeRok,
                    seq,
                ))
                .await?;
            writer.flush().await?;
            continue;
        }
        if command.sequence_number() != seq {
            debug!(id = ?command.id(), "ignoring a PDU before bind_resp");
            continue;
        }
        if command.status() != CommandStatus::EsmeRok || command.id() == CommandId::GenericNack {
            return Err(EsmeError::BindFailed(command.status()));
        }
        if command.id() != expected {
            return Err(EsmeError::BadResponse(format!(
                "expected {expected:?}, got {:?}",
                command.id()
            )));
        }
        let info = bind_info(command.pdu());
        return Ok(Bound {
            reader,
            writer,
            info,
        });
    }
}

fn bind_info(pdu: Option<&Pdu>) -> BindInfo {
    let (system_id, version) = match pdu {
        Some(Pdu::BindTransmitterResp(r)) => (r.system_id.to_string(), r.sc_interface_version()),
        Some(Pdu::BindReceiverResp(r)) => (r.system_id.to_string(), r.sc_interface_version()),
        Some(Pdu::BindTransceiverResp(r)) => (r.system_id.to_string(), r.sc_interface_version()),
        _ => (String::new(), None),
    };
    BindInfo {
        system_id,
        sc_interface_version: version.map(u8::from),
    }
}
