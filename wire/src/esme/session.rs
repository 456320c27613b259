//! One bound connection at work: reading, answering, keeping alive.
//!
//! [`start`] publishes the connection's [`Link`] to callers and spawns its
//! batched writer. [`Session::run`] reads PDUs until the connection ends:
//! responses complete their waiters; enquire_link, unbind, deliver_sm and
//! data_sm from the SMSC are answered (deliver_sm/data_sm after they are on the
//! event stream); malformed PDUs get generic_nack or the matching response with
//! the status the frame codec chose, and the session carries on. After
//! `enquire_link_interval` without inbound traffic it sends enquire_link; if
//! nothing arrives within `enquire_link_timeout` the connection is dead.
//! Teardown hides the link, fails outstanding requests with `Disconnected`,
//! lets the writer flush (an unbind_resp, say) and closes the socket.

use std::sync::Arc;

use futures::StreamExt;
use rusmpp::{
    Command, CommandId, CommandStatus, Pdu,
    pdus::{DataSmResp, DeliverSmResp},
};
use tokio::{
    sync::{mpsc, oneshot},
    task::JoinHandle,
    time::{Instant, sleep_until},
};
use tokio_util::codec::FramedRead;
use tracing::{debug, warn};

use super::{
    Shared,
    connection::Bound,
    events::{DisconnectReason, Event, Events},
    link::{Link, LinkState, Out, write_batches},
    transport::BoxRead,
};
use crate::smpp::{FrameCodec, FrameError, Inbound};

/// Writer queue room beyond the window, for responses and keepalives.
const OUT_SLACK: usize = 64;

pub(crate) struct Session {
    link: Arc<Link>,
    frames: FramedRead<BoxRead, FrameCodec>,
    writer: JoinHandle<std::io::Result<()>>,
}

/// Make a freshly bound connection usable by callers.
pub(crate) fn start(shared: &Shared, bound: Bound, events: &Events) -> Session {
    let (tx, rx) = mpsc::channel(shared.config.window + OUT_SLACK);
    let writer = tokio::spawn(write_batches(bound.writer, rx));
    let link = Arc::new(Link::new(tx));
    shared.state.send_replace(LinkState::Bound(link.clone()));
    events.lifecycle(Event::Bound(bound.info));
    Session {
        link,
        frames: bound.reader,
        writer,
    }
}

impl Session {
    pub(crate) async fn run(mut self, shared: &Shared, events: &Events) -> DisconnectReason {
        let reason = self.read_loop(shared, events).await;
        // Callers must stop seeing this link before its map closes, or a request
        // could pick the dead link again right after being refused by it.
        shared.state.send_replace(LinkState::Connecting);
        let failed = self.link.pending.close();
        debug!(?reason, failed, "session ended");
        let (ack, done) = oneshot::channel();
        let flush = async {
            if self.link.out.send(Out::Close(ack)).await.is_ok() {
                let _ = done.await;
            }
        };
        let _ = tokio::time::timeout(shared.config.response_timeout, flush).await;
        self.writer.abort();
        reason
    }

    async fn read_loop(&mut self, shared: &Shared, events: &Events) -> DisconnectReason {
        let config = &shared.config;
        let mut last_read = Instant::now();
        // Deadline of our outstanding enquire_link; any inbound PDU clears it,
        // since traffic proves the link as well as the enquire_link_resp would.
        let mut keepalive: Option<Instant> = None;
        let timer = sleep_until(last_read + config.enquire_link_interval);
        tokio::pin!(timer);
        loop {
            tokio::select! {
                biased;
                () = shared.shutdown.cancelled() => return DisconnectReason::Local,
                done = &mut self.writer => {
                    return match done {
                        Ok(Ok(())) => DisconnectReason::PeerClosed,
                        Ok(Err(e)) => DisconnectReason::Io(format!("write: {e}")),
                        Err(e) => DisconnectReason::Io(format!("writer task: {e}")),
                    };
                }
                item = self.frames.next() => {
                    last_read = Instant::now();
                    keepalive = None;
                    match item {
                        None => return DisconnectReason::PeerClosed,
                        Some(Err(e)) => return DisconnectReason::Io(format!("read: {e}")),
                        Some(Ok(Inbound::Command(c))) => {
                            if let Some(end) = command(&self.link, c, events).await {
                                return end;
                            }
                        }
                        Some(Ok(Inbound::Malformed(e))) => malformed(&self.link, e).await,
                    }
                }
                () = &mut timer => {
                    let now = Instant::now();
                    match keepalive {
                        Some(deadline) if now >= deadline => return DisconnectReason::KeepaliveTimeout,
                        Some(deadline) => timer.as_mut().reset(deadline),
                        None if now >= last_read + config.enquire_link_interval => {
                            let seq = shared.seq.next();
                            self.link.send(&Command::new(CommandStatus::EsmeRok, seq, Pdu::EnquireLink)).await;
                            let deadline = now + config.enquire_link_timeout;
                            keepalive = Some(deadline);
                            timer.as_mut().reset(deadline);
                        }
                        None => timer.as_mut().reset(last_read + config.enquire_link_interval),
                    }
                }
            }
        }
    }
}

/// Handle one well-formed PDU; `Some` ends the session.
async fn command(link: &Link, command: Box<Command>, events: &Events) -> Option<DisconnectReason> {
    let (id, seq) = (command.id(), command.sequence_number());
    if id.is_response() {
        if !link.pending.complete(command) {
            debug!(
                ?id,
                seq, "response nobody waits for (late, or our keepalive)"
            );
        }
        return None;
    }
    let ok = |pdu: Pdu| Command::new(CommandStatus::EsmeRok, seq, pdu);
    match (id, command.into_parts().pdu) {
        (CommandId::EnquireLink, _) => {
            link.send_header(CommandId::EnquireLinkResp, CommandStatus::EsmeRok, seq)
                .await;
        }
        (CommandId::Unbind, _) => {
            link.send_header(CommandId::UnbindResp, CommandStatus::EsmeRok, seq)
                .await;
            return Some(DisconnectReason::PeerUnbind);
        }
        (CommandId::DeliverSm, Some(Pdu::DeliverSm(sm))) => {
            events.message(Event::DeliverSm(Box::new(sm))).await;
            link.send(&ok(Pdu::DeliverSmResp(DeliverSmResp::default())))
                .await;
        }
        (CommandId::DataSm, Some(Pdu::DataSm(sm))) => {
            events.message(Event::DataSm(Box::new(sm))).await;
            link.send(&ok(Pdu::DataSmResp(DataSmResp::default()))).await;
        }
        (CommandId::AlertNotification, Some(Pdu::AlertNotification(alert))) => {
            events
                .message(Event::AlertNotification(Box::new(alert)))
                .await;
        }
        (other, _) => {
            // Operations an SMSC may not send to an ESME (submit_sm, bind, ...).
            warn!(?other, seq, "unexpected operation from the SMSC");
            answer(link, other, CommandStatus::EsmeRinvbndsts, seq, false).await;
        }
    }
    None
}

async fn malformed(link: &Link, error: FrameError) {
    warn!(id = ?error.command_id, seq = error.sequence_number, reason = %error.reason, "malformed PDU");
    if error.command_id.is_response() {
        link.pending.fail(
            error.sequence_number,
            super::EsmeError::BadResponse(error.reason.clone()),
        );
    }
    answer(
        link,
        error.command_id,
        error.status,
        error.sequence_number,
        error.generic_nack,
    )
    .await;
}

/// Answer with the matching response, or generic_nack when asked to or
/// when the command has no response PDU (alert_notification, outbind).
async fn answer(link: &Link, id: CommandId, status: CommandStatus, seq: u32, generic_nack: bool) {
    let resp = id.matching_response();
    let resp = if generic_nack || id.is_response() || matches!(resp, CommandId::Other(_)) {
        CommandId::GenericNack
    } else {
        resp
    };
    link.send_header(resp, status, seq).await;
}
