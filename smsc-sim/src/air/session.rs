//! One cell's connection: read frames, answer them, and run the switch's
//! deliveries over it.
//!
//! The loop selects over the cell's frames, the switch's [`CellCmd`]s,
//! answers produced by spawned MO tasks, and the earliest deadline (a
//! delivery awaiting its ack, or the cell's silence limit). A delivery of
//! several segments sends the next segment only after the previous one's
//! RP-ACK, as an MSC does with TP-MMS. A connection that has not said
//! Hello within `hello_timeout_s` is dropped. When the link ends every pending
//! delivery resolves as [`AirOutcome::LinkDown`] and the cell's handsets are
//! detached.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::codec::Framed;
use tokio_util::sync::CancellationToken;
use wire::air::{AirCodec, AirErrorCode, AirFrame, AirInbound, RpCause};
use wire::msisdn::Msisdn;

use super::AirOutcome;
use crate::core::{Core, Stats};
use crate::hlr::{Attached, CellRef, Presence};

pub(super) struct Delivery {
    pub(super) msisdn: Msisdn,
    /// Segments still to send, next first.
    pub(super) rest: std::vec::IntoIter<Vec<u8>>,
    pub(super) reply: oneshot::Sender<AirOutcome>,
    pub(super) deadline: Instant,
}

pub(super) struct Cell {
    pub(super) core: Arc<Core>,
    pub(super) link: u64,
    pub(super) name: String,
    pub(super) peer: SocketAddr,
    pub(super) next_ref: u32,
    pub(super) deliveries: HashMap<u32, Delivery>,
    pub(super) last_read: Instant,
    /// Frames from spawned tasks (MO answers) to write.
    pub(super) answers: mpsc::Sender<AirFrame>,
}

pub async fn serve(core: Arc<Core>, stream: TcpStream, peer: SocketAddr, token: CancellationToken) {
    let air = core.air_settings.clone();
    let mut io = Framed::new(stream, AirCodec::new(air.max_frame_len));
    let (cmd_tx, mut cmds) = mpsc::channel(1024);
    let (answers, mut answer_rx) = mpsc::channel(256);
    let name = peer.to_string();
    let link = core.cells.register(name.clone(), cmd_tx);
    Stats::inc(&core.stats.cells_connected);
    tracing::info!(%peer, link, "cell connected");
    let mut cell = Cell {
        core,
        link,
        name,
        peer,
        next_ref: 1,
        deliveries: HashMap::new(),
        last_read: Instant::now(),
        answers,
    };
    let silence = air.heartbeat * 3;
    // Until Hello, a connection that says nothing (or sends half a frame)
    // holds a cell slot only this long.
    let mut hello_by = Some(Instant::now() + air.hello_timeout);
    loop {
        let quiet_by = hello_by.map_or(cell.last_read + silence, |h| {
            h.min(cell.last_read + silence)
        });
        let deadline = cell
            .deliveries
            .values()
            .map(|d| d.deadline)
            .min()
            .unwrap_or(quiet_by)
            .min(quiet_by);
        let out: Vec<AirFrame> = tokio::select! {
            _ = token.cancelled() => break,
            item = io.next() => match item {
                Some(Ok(inbound)) => {
                    cell.last_read = Instant::now();
                    if matches!(inbound, AirInbound::Frame(AirFrame::Hello { .. })) {
                        hello_by = None;
                    }
                    cell.on_inbound(inbound)
                }
                Some(Err(e)) => {
                    tracing::info!(peer = %cell.peer, error = %e, "air link read failed");
                    break;
                }
                None => break,
            },
            Some(cmd) = cmds.recv() => cell.on_cmd(cmd),
            Some(frame) = answer_rx.recv() => vec![frame],
            _ = tokio::time::sleep_until(deadline) => {
                if hello_by.is_some_and(|t| Instant::now() >= t) {
                    tracing::info!(peer = %cell.peer, "no Hello within the hello timeout; dropping the connection");
                    break;
                }
                if Instant::now() >= cell.last_read + silence {
                    tracing::info!(peer = %cell.peer, "cell silent past three heartbeats; dropping it");
                    break;
                }
                cell.on_timeouts()
            }
        };
        if !out.is_empty() && write_all(&mut io, out).await.is_err() {
            break;
        }
    }
    cell.close();
}

async fn write_all(
    io: &mut Framed<TcpStream, AirCodec>,
    frames: Vec<AirFrame>,
) -> std::io::Result<()> {
    for f in frames {
        io.feed(f).await?;
    }
    SinkExt::<AirFrame>::flush(io).await
}

impl Cell {
    fn cell_ref(&self) -> CellRef {
        CellRef {
            link: self.link,
            name: self.name.clone(),
        }
    }

    fn on_inbound(&mut self, inbound: AirInbound) -> Vec<AirFrame> {
        match inbound {
            AirInbound::Frame(f) => self.on_frame(f),
            AirInbound::Malformed(e) => {
                Stats::inc(&self.core.stats.air_malformed);
                tracing::info!(peer = %self.peer, error = %e, "malformed air frame");
                vec![e.to_error_frame()]
            }
        }
    }

    fn on_frame(&mut self, frame: AirFrame) -> Vec<AirFrame> {
        let now = self.core.clock.now_ms();
        match frame {
            AirFrame::Hello { cell } => {
                tracing::info!(peer = %self.peer, cell, "cell says hello");
                self.name = cell.clone();
                self.core.cells.rename(self.link, cell);
                let secs = self.core.air_settings.heartbeat.as_secs();
                vec![AirFrame::HelloAck {
                    heartbeat_secs: u16::try_from(secs).unwrap_or(u16::MAX),
                }]
            }
            AirFrame::Attach { msisdn, imsi, kind } => {
                let hlr = &self.core.hlr;
                match hlr.attach(
                    msisdn.as_str(),
                    imsi.as_str(),
                    kind.as_str(),
                    self.cell_ref(),
                    now,
                ) {
                    Attached::Accepted { swap } => {
                        let detail = format!("{kind} via {}", self.name);
                        self.core
                            .journal
                            .record(msisdn.as_str(), "", "attach", detail);
                        if let Some(s) = swap {
                            tracing::info!(msisdn = %msisdn, "SIM swap recorded");
                            let detail = format!("IMSI {} -> {}", s.old_imsi, s.new_imsi);
                            self.core
                                .journal
                                .record(msisdn.as_str(), "", "sim-swap", detail);
                        }
                        self.alert(&msisdn);
                        vec![AirFrame::AttachAck { msisdn }]
                    }
                    Attached::UnknownSubscriber => vec![AirFrame::AttachReject {
                        msisdn,
                        cause: RpCause::UNKNOWN_SUBSCRIBER,
                    }],
                }
            }
            AirFrame::Detach { msisdn } => {
                if self.core.hlr.detach(msisdn.as_str(), self.link, now) {
                    self.core
                        .journal
                        .record(msisdn.as_str(), "", "detach", self.name.clone());
                }
                vec![]
            }
            AirFrame::MemoryAvailable { msisdn } => {
                if self
                    .core
                    .hlr
                    .set_presence(msisdn.as_str(), Presence::Attached)
                {
                    self.core.journal.record(
                        msisdn.as_str(),
                        "",
                        "memory-available",
                        String::new(),
                    );
                    self.alert(&msisdn);
                }
                vec![]
            }
            AirFrame::DeliverAck { reference } => self.on_answer(reference, None),
            AirFrame::DeliverError {
                reference, cause, ..
            } => self.on_answer(reference, Some(cause)),
            AirFrame::Submit {
                reference,
                msisdn,
                tpdu,
            } => {
                let (core, answers) = (Arc::clone(&self.core), self.answers.clone());
                tokio::spawn(async move {
                    let answer = super::mo::submit(&core, reference, msisdn, &tpdu).await;
                    let _ = answers.send(answer).await;
                });
                vec![]
            }
            AirFrame::Heartbeat { nonce } => vec![AirFrame::HeartbeatAck { nonce }],
            AirFrame::HeartbeatAck { .. } => vec![],
            AirFrame::Error { code, message } => {
                tracing::warn!(peer = %self.peer, %code, message, "cell reported an error");
                vec![]
            }
            other => vec![AirFrame::Error {
                code: AirErrorCode::UNEXPECTED_FRAME,
                message: format!("{} is not sent by a cell", other.name()),
            }],
        }
    }

    fn alert(&self, msisdn: &Msisdn) {
        let switch = self.core.switch.clone();
        let msisdn = msisdn.as_str().to_owned();
        tokio::spawn(async move { switch.alert(msisdn).await });
    }

    fn close(self) {
        for (_, d) in self.deliveries {
            let _ = d.reply.send(AirOutcome::LinkDown);
        }
        self.core.cells.unregister(self.link);
        let gone = self
            .core
            .hlr
            .detach_cell(self.link, self.core.clock.now_ms());
        for msisdn in &gone {
            self.core
                .journal
                .record(msisdn, "", "detach", format!("{} link lost", self.name));
        }
        tracing::info!(peer = %self.peer, cell = self.name, detached = gone.len(), "cell disconnected");
    }
}
