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
//! Replies wait at most `enquire_link_timeout` for room in the write queue;
//! an SMSC that stopped reading our replies has a dead link too.
//! Teardown hides the link, fails outstanding requests with `Disconnected`,
//! lets the writer flush (an unbind_resp, say) and closes the socket.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;

use futures::StreamExt;
use rusmpp::{
    Command, CommandId, CommandStatus, Pdu,
    pdus::{DataSmResp, DeliverSmResp},
};
use tokio::{
    sync::{
        mpsc::{self, error::SendTimeoutError},
        oneshot,
    },
    task::JoinHandle,
    time::{Instant, sleep_until},
};
use tokio_util::codec::FramedRead;
use tracing::{debug, warn};

use super::{
    Shared,
    connection::Bound,
    error::EsmeError,
    events::{DisconnectReason, Event, Events},
    link::{Link, LinkState, Out, encode, encode_header, write_batches},
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
        let link = self.link.clone();
        let replies = Replies {
            link: &link,
            limit: config.enquire_link_timeout,
        };
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
                    let flow = match item {
                        None => return DisconnectReason::PeerClosed,
                        Some(Err(e)) => return DisconnectReason::Io(format!("read: {e}")),
                        Some(Ok(Inbound::Command(c))) => replies.command(c, events).await,
                        Some(Ok(Inbound::Malformed(e))) => replies.malformed(e).await,
                    };
                    if let Err(end) = flow {
                        return end;
                    }
                }
                () = &mut timer => {
                    let now = Instant::now();
                    match keepalive {
                        Some(deadline) if now >= deadline => return DisconnectReason::KeepaliveTimeout,
                        Some(deadline) => timer.as_mut().reset(deadline),
                        None if now >= last_read + config.enquire_link_interval => {
                            let seq = shared.seq.next();
                            let ping = encode(&Command::new(CommandStatus::EsmeRok, seq, Pdu::EnquireLink));
                            // A full queue means a stalled writer; the deadline below catches it.
                            let _ = self.link.out.try_send(Out::Pdu(ping));
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

/// Ends the read loop with a reason.
type Flow = Result<(), DisconnectReason>;

/// The reader's way to answer the SMSC. Bounded: a writer that cannot take a
/// reply within the enquire_link timeout means the SMSC stopped reading.
struct Replies<'a> {
    link: &'a Link,
    limit: Duration,
}

impl Replies<'_> {
    async fn queue(&self, pdu: Bytes) -> Flow {
        match self.link.out.send_timeout(Out::Pdu(pdu), self.limit).await {
            Err(SendTimeoutError::Timeout(_)) => {
                Err(DisconnectReason::Io("write queue stalled".into()))
            }
            // A writer that is gone is reported by the read loop itself.
            Ok(()) | Err(SendTimeoutError::Closed(_)) => Ok(()),
        }
    }

    async fn ok(&self, seq: u32, pdu: Pdu) -> Flow {
        self.queue(encode(&Command::new(CommandStatus::EsmeRok, seq, pdu)))
            .await
    }

    /// The matching response without a body, or generic_nack when asked to or
    /// when the command has no response PDU (alert_notification, outbind).
    async fn error(
        &self,
        id: CommandId,
        status: CommandStatus,
        seq: u32,
        generic_nack: bool,
    ) -> Flow {
        let resp = id.matching_response();
        let resp = if generic_nack || id.is_response() || matches!(resp, CommandId::Other(_)) {
            CommandId::GenericNack
        } else {
            resp
        };
        self.queue(encode_header(resp, status, seq)).await
    }

    /// Handle one well-formed PDU.
    async fn command(&self, command: Box<Command>, events: &Events) -> Flow {
        let (id, seq) = (command.id(), command.sequence_number());
        if id.is_response() {
            if !self.link.pending.complete(command) {
                debug!(
                    ?id,
                    seq, "response nobody waits for (late, or our keepalive)"
                );
            }
            return Ok(());
        }
        match (id, command.into_parts().pdu) {
            (CommandId::EnquireLink, _) => self.ok(seq, Pdu::EnquireLinkResp).await,
            (CommandId::Unbind, _) => {
                self.ok(seq, Pdu::UnbindResp).await?;
                Err(DisconnectReason::PeerUnbind)
            }
            (CommandId::DeliverSm, Some(Pdu::DeliverSm(sm))) => {
                events.message(Event::DeliverSm(Box::new(sm))).await;
                self.ok(seq, Pdu::DeliverSmResp(DeliverSmResp::default()))
                    .await
            }
            (CommandId::DataSm, Some(Pdu::DataSm(sm))) => {
                events.message(Event::DataSm(Box::new(sm))).await;
                self.ok(seq, Pdu::DataSmResp(DataSmResp::default())).await
            }
            (CommandId::AlertNotification, Some(Pdu::AlertNotification(alert))) => {
                events
                    .message(Event::AlertNotification(Box::new(alert)))
                    .await;
                Ok(())
            }
            (other, _) => {
                // Operations an SMSC may not send to an ESME (submit_sm, bind, ...).
                warn!(?other, seq, "unexpected operation from the SMSC");
                self.error(other, CommandStatus::EsmeRinvbndsts, seq, false)
                    .await
            }
        }
    }

    async fn malformed(&self, e: FrameError) -> Flow {
        warn!(id = ?e.command_id, seq = e.sequence_number, reason = %e.reason, "malformed PDU");
        if e.command_id.is_response() {
            let error = EsmeError::BadResponse(e.reason.clone());
            self.link.pending.fail(e.sequence_number, error);
        }
        self.error(e.command_id, e.status, e.sequence_number, e.generic_nack)
            .await
    }
}
