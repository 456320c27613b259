//! What the cell answers to each item from the switch: [`answer`].
//!
//! Frames for the switch-to-cell direction go to the [`Cell`] (attach
//! answers, deliveries, submit answers, status reports); heartbeats are
//! echoed; an `Error` from the switch is logged. A malformed frame gets an
//! `Error` frame (or, for a `Deliver` whose reference was readable, a
//! `DeliverError` so the switch's attempt ends), and frames that only flow
//! from a cell to the switch get `Error` *unexpected frame*. The link goes
//! on in every case.

use wire::air::{AirErrorCode, AirFrame, AirInbound, RpCause, frame_type, truncate_to_field};

use crate::cell::Cell;

pub fn answer(cell: &Cell, inbound: AirInbound) -> Option<AirFrame> {
    let frame = match inbound {
        AirInbound::Frame(f) => f,
        AirInbound::Malformed(e) => {
            tracing::warn!(error = %e, "bad frame from the switch");
            if let (frame_type::DELIVER, Some(reference)) = (e.frame_type, e.reference) {
                return Some(AirFrame::DeliverError {
                    reference,
                    cause: RpCause::INVALID_MANDATORY_INFORMATION,
                    tpdu: Vec::new(),
                });
            }
            return Some(e.to_error_frame());
        }
    };
    match frame {
        AirFrame::AttachAck { msisdn } => cell.on_attach_ack(msisdn.as_str()),
        AirFrame::AttachReject { msisdn, cause } => cell.on_attach_reject(msisdn.as_str(), cause),
        AirFrame::Deliver {
            reference,
            msisdn,
            tpdu,
        } => return Some(cell.on_deliver(reference, msisdn.as_str(), &tpdu)),
        AirFrame::SubmitAck { reference } => cell.on_submit_ack(reference),
        AirFrame::SubmitError { reference, cause } => cell.on_submit_error(reference, cause),
        AirFrame::StatusReport { msisdn, tpdu } => {
            if let Err(why) = cell.on_status_report(msisdn.as_str(), &tpdu) {
                tracing::warn!(%msisdn, why, "status report dropped");
            }
        }
        AirFrame::Heartbeat { nonce } => return Some(AirFrame::HeartbeatAck { nonce }),
        AirFrame::HeartbeatAck { .. } | AirFrame::HelloAck { .. } => {}
        AirFrame::Error { code, message } => {
            tracing::warn!(%code, message, "the switch reported an error");
        }
        f @ (AirFrame::Hello { .. }
        | AirFrame::Attach { .. }
        | AirFrame::Detach { .. }
        | AirFrame::DeliverAck { .. }
        | AirFrame::DeliverError { .. }
        | AirFrame::Submit { .. }
        | AirFrame::MemoryAvailable { .. }) => {
            let message = format!(
                "{} flows from a cell to the switch, not to a cell",
                f.name()
            );
            return Some(AirFrame::Error {
                code: AirErrorCode::UNEXPECTED_FRAME,
                message: truncate_to_field(message),
            });
        }
    }
    None
}
