//! Deliveries from the switch: [`Cell::on_deliver`] turns a `Deliver` frame
//! into the answer a handset's network side would give.
//!
//! - The terminal is in this cell, attached, and the SMS-DELIVER decodes:
//!   the part is stored or held for reassembly, `DeliverAck` (RP-ACK).
//! - Its inbox is full: `DeliverError` RP-cause 22 *memory capacity
//!   exceeded* with an SMS-DELIVER-REPORT carrying TP-FCS 0xD3, and the
//!   SIM's flag is set so RP-SMMA follows when room is made.
//! - It is switched off, out of coverage, refused by the network, or not in
//!   this cell: RP-cause 27 *destination out of order*. A real network
//!   learns this when paging fails and tells the SC "absent subscriber"
//!   (MAP absentSubscriberSM); this link speaks RP causes only, and 27 is
//!   the temporary RP cause for a destination that cannot be reached now,
//!   so the switch stores the message and retries (it normally never gets
//!   here: the cell detached the terminal when it went away).
//! - The TPDU does not decode as an SMS-DELIVER: RP-cause 95 *semantically
//!   incorrect message*, with TP-FCS 0xB0 *TPDU not supported*.

use time::OffsetDateTime;
use wire::air::{AirFrame, RpCause};
use wire::tpdu::{FailureCause, SmsDeliver, SmsDeliverReport};

use super::Cell;
use crate::events::Event;
use crate::terminal::receive::{Received, Refused};

fn report(cause: FailureCause) -> Vec<u8> {
    SmsDeliverReport::error(cause)
        .encode()
        .expect("a report with only a cause always encodes")
}

impl Cell {
    /// The answer to `Deliver { reference, msisdn, tpdu }`.
    pub fn on_deliver(&self, reference: u32, msisdn: &str, tpdu: &[u8]) -> AirFrame {
        let mut inner = self.lock();
        let link_up = inner.link.up;
        let refuse = |cause: RpCause, tpdu: Vec<u8>, reason: String| {
            tracing::info!(reference, msisdn, %cause, reason, "delivery refused");
            self.publish(Event::DeliveryError {
                msisdn: msisdn.to_owned(),
                reference,
                cause: cause.0,
                reason,
            });
            AirFrame::DeliverError {
                reference,
                cause,
                tpdu,
            }
        };
        let Ok(t) = inner.terminal_mut(msisdn) else {
            let why = format!("absent: no terminal {msisdn} in cell {}", self.id());
            return refuse(RpCause::DESTINATION_OUT_OF_ORDER, Vec::new(), why);
        };
        if !t.attached() {
            let why = t
                .unreachable_reason(link_up)
                .unwrap_or_else(|| format!("terminal {msisdn} is not attached"));
            return refuse(
                RpCause::DESTINATION_OUT_OF_ORDER,
                Vec::new(),
                format!("absent: {why}"),
            );
        }
        let deliver = match SmsDeliver::decode(tpdu) {
            Ok(d) => d,
            Err(e) => {
                let tpdu = report(FailureCause::TPDU_NOT_SUPPORTED);
                let why = format!("undecodable SMS-DELIVER: {e}");
                return refuse(RpCause::INVALID_MESSAGE, tpdu, why);
            }
        };
        let now = tokio::time::Instant::now().into_std();
        match t.receive(&deliver, &self.codes, now, OffsetDateTime::now_utc()) {
            Ok(Received::Stored(message)) => {
                tracing::info!(
                    reference,
                    msisdn,
                    id = message.id,
                    from = message.from,
                    "message received"
                );
                let info = t.info();
                self.publish(Event::Message {
                    msisdn: msisdn.to_owned(),
                    message,
                });
                self.publish(Event::Terminal(info));
            }
            Ok(Received::Partial { received, total }) => {
                tracing::debug!(
                    reference,
                    msisdn,
                    received,
                    total,
                    "part held for reassembly"
                );
            }
            Ok(Received::Duplicate) => tracing::debug!(reference, msisdn, "duplicate part"),
            Ok(Received::Repeated) => {
                tracing::info!(
                    reference,
                    msisdn,
                    "repeated message acknowledged, not stored again"
                )
            }
            Err(e @ Refused::MemoryFull { .. }) => {
                let info = t.info();
                let frame = refuse(
                    RpCause::MEMORY_CAPACITY_EXCEEDED,
                    report(FailureCause::MEMORY_CAPACITY_EXCEEDED),
                    e.to_string(),
                );
                self.publish(Event::Terminal(info));
                return frame;
            }
        }
        AirFrame::DeliverAck { reference }
    }
}
