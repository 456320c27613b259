//! The switch's deliveries over one cell: each Deliver frame gets a fresh
//! reference and a deadline; the next segment goes only after the previous
//! one's DeliverAck; a DeliverError, a missed deadline or the end of the
//! link resolves the delivery for the switch.

use tokio::time::Instant;
use wire::air::{AirErrorCode, AirFrame, RpCause};

use super::session::{Cell, Delivery};
use super::{AirOutcome, CellCmd};

impl Cell {
    fn next_reference(&mut self) -> u32 {
        let r = self.next_ref;
        self.next_ref = self.next_ref.wrapping_add(1).max(1);
        r
    }

    pub(super) fn on_cmd(&mut self, cmd: CellCmd) -> Vec<AirFrame> {
        match cmd {
            CellCmd::Deliver {
                msisdn,
                tpdus,
                reply,
            } => {
                let delivery = Delivery {
                    msisdn,
                    rest: tpdus.into_iter(),
                    reply,
                    deadline: Instant::now(),
                };
                self.send_next(delivery)
            }
            CellCmd::StatusReport { msisdn, tpdu } => vec![AirFrame::StatusReport { msisdn, tpdu }],
        }
    }

    /// Send the next segment of `d`, or resolve it when none is left.
    fn send_next(&mut self, mut d: Delivery) -> Vec<AirFrame> {
        let Some(tpdu) = d.rest.next() else {
            let _ = d.reply.send(AirOutcome::Delivered);
            return vec![];
        };
        let reference = self.next_reference();
        d.deadline = Instant::now() + self.core.air_settings.deliver_timeout;
        let frame = AirFrame::Deliver {
            reference,
            msisdn: d.msisdn.clone(),
            tpdu,
        };
        self.deliveries.insert(reference, d);
        vec![frame]
    }

    pub(super) fn on_answer(&mut self, reference: u32, refused: Option<RpCause>) -> Vec<AirFrame> {
        let Some(d) = self.deliveries.remove(&reference) else {
            return vec![AirFrame::Error {
                code: AirErrorCode::UNEXPECTED_FRAME,
                message: format!("no delivery with reference {reference} is pending"),
            }];
        };
        match refused {
            None => self.send_next(d),
            Some(cause) => {
                let _ = d.reply.send(AirOutcome::Refused(cause));
                vec![]
            }
        }
    }

    pub(super) fn on_timeouts(&mut self) -> Vec<AirFrame> {
        let now = Instant::now();
        let late: Vec<u32> = self
            .deliveries
            .iter()
            .filter(|(_, d)| d.deadline <= now)
            .map(|(r, _)| *r)
            .collect();
        for r in late {
            if let Some(d) = self.deliveries.remove(&r) {
                tracing::info!(peer = %self.peer, msisdn = %d.msisdn, "no deliver-ack in time");
                let _ = d.reply.send(AirOutcome::Timeout);
            }
        }
        vec![]
    }
}
