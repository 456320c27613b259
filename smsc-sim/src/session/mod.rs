//! One SMPP session: the state machine of a single ESME connection.
//!
//! The reader yields [`Inbound`] items from the exact-framing codec; each is
//! dispatched by command_id and bind state (SMPP 5.0 §2.4 operation matrix:
//! a PDU not allowed in the current state gets ESME_RINVBNDSTS). Requests
//! that need the store (submit, query, cancel, replace) run as futures in
//! `inflight`, whose count is the session's window (ESME_RMSGQFUL beyond it);
//! their responses go out as they complete; one the memory store answers at
//! once is answered without becoming a future. Receiver binds pull deliver_sm
//! from the account's outbox while their outbound window has room. Output is
//! encoded into one buffer that goes to the writer task when the session has
//! nothing else ready ([`writer`]), so a burst of PDUs costs one write.

mod bind;
mod convert;
mod dispatch;
mod ops;
mod outgoing;
mod submit;
mod submit_multi;
mod validate;
mod writer;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;

use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;
use wire::smpp::{FrameCodec, Outbound};

use crate::accounts::BindGuard;
use crate::core::{Core, Stats};
use crate::outbox::Outgoing;

/// What a request future yields: the response, and whether to drop the link after it.
pub(crate) struct Reply {
    pub out: Outbound,
    pub disconnect: bool,
}

type ReplyFuture = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// PDUs already received that one turn of the session loop handles at most.
const READ_BURST: usize = 64;

/// How long a closing session keeps reading so its last PDUs are not reset away.
const LINGER: std::time::Duration = std::time::Duration::from_secs(1);

pub(crate) struct Bound {
    pub guard: BindGuard,
    pub interface_version: u8,
}

pub(crate) struct Session {
    core: Arc<Core>,
    peer: SocketAddr,
    out: writer::Output,
    bound: Option<Bound>,
    inflight: FuturesUnordered<ReplyFuture>,
    /// deliver_sm sent and not yet answered, by sequence number.
    awaiting: HashMap<u32, (Outgoing, Instant)>,
    /// (sequence number, sent at) of deliver_sm in send order, so the oldest
    /// unanswered one is found without scanning `awaiting` on every loop turn;
    /// entries already answered are dropped lazily from the front.
    sent_order: VecDeque<(u32, Instant)>,
    next_seq: u32,
    last_read: Instant,
    /// Sequence number of our enquire_link still unanswered, and when it was sent.
    keepalive: Option<(u32, Instant)>,
    closing: bool,
}

/// Serve one connection until the peer unbinds or disconnects, or shutdown drains it.
pub async fn serve<S>(core: Arc<Core>, io: S, peer: SocketAddr, shutdown: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (rd, wr) = tokio::io::split(io);
    let (tx, rx) = writer::channel();
    let writer = tokio::spawn(writer::run(wr, rx));
    let mut reader = FramedRead::new(rd, FrameCodec::new(core.settings.max_pdu_len));
    Stats::inc(&core.stats.sessions_open);
    let mut session = Session {
        core: Arc::clone(&core),
        peer,
        out: tx,
        bound: None,
        inflight: FuturesUnordered::new(),
        awaiting: HashMap::new(),
        sent_order: VecDeque::new(),
        next_seq: 1,
        last_read: Instant::now(),
        keepalive: None,
        closing: false,
    };
    session.run(&mut reader, shutdown).await;
    let _ = session.out.flush().await;
    session.release();
    drop(session);
    let _ = writer.await;
    // Closing with unread input makes the kernel reset the connection, which can
    // destroy our last PDUs (unbind_resp) before the peer reads them; so read
    // what the peer still sends (late deliver_sm_resp) until it closes, briefly.
    let _ = tokio::time::timeout(LINGER, async { while reader.next().await.is_some() {} }).await;
    core.stats
        .sessions_open
        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
}

impl Session {
    async fn run<R>(&mut self, reader: &mut FramedRead<R, FrameCodec>, shutdown: CancellationToken)
    where
        R: AsyncRead + Unpin,
    {
        let mut drain_deadline: Option<Instant> = None;
        // Built once: creating and registering these on every turn showed in
        // profiles. The timer may fire early (the deadline only ever moves
        // forward when a PDU arrives); on_timer then finds nothing due.
        let mut cancelled = pin!(shutdown.cancelled());
        let mut timer = pin!(tokio::time::sleep_until(self.next_timer()));
        loop {
            let outbox = self
                .bound
                .as_ref()
                .filter(|b| b.guard.bind_type.can_receive())
                .map(|b| Arc::clone(&b.guard.account));
            let mut notified = pin!(outbox.as_ref().map(|a| a.outbox.notified()));
            if let Some(n) = notified.as_mut().as_pin_mut() {
                n.enable();
            }
            if !self.closing {
                self.pump_outbox().await;
            }
            let deadline = drain_deadline.unwrap_or_else(|| self.next_timer());
            if deadline < timer.deadline() {
                timer.as_mut().reset(deadline);
            }
            tokio::select! {
                biased;
                _ = &mut cancelled, if drain_deadline.is_none() => {
                    drain_deadline = Some(Instant::now() + self.core.settings.drain_timeout);
                    if self.bound.is_none() {
                        return;
                    }
                    self.begin_unbind().await;
                }
                Some(reply) = self.inflight.next(), if !self.inflight.is_empty() => {
                    if self.send(reply.out).await.is_err() || reply.disconnect {
                        return;
                    }
                }
                item = reader.next() => {
                    self.last_read = Instant::now();
                    // A pipelined peer's PDUs arrive in bursts and every turn
                    // of this loop has a fixed cost, so what has already
                    // arrived is handled in this turn.
                    let mut item = item;
                    for more in (0..READ_BURST).rev() {
                        if self.on_inbound(item).await.is_break() {
                            return;
                        }
                        // Polled only when the item it yields will be handled.
                        match (more > 0).then(|| reader.next().now_or_never()).flatten() {
                            Some(next) => item = next,
                            None => break,
                        }
                    }
                }
                _ = async { notified.as_mut().as_pin_mut().expect("guarded by if").await }, if notified.is_some() => {}
                // Lowest priority: output waits until nothing else is ready.
                _ = std::future::ready(()), if !self.out.is_empty() => {
                    if self.out.flush().await.is_err() {
                        return;
                    }
                }
                _ = &mut timer => {
                    if drain_deadline.is_some_and(|d| Instant::now() >= d) {
                        return;
                    }
                    if self.on_timer().await.is_break() {
                        return;
                    }
                    timer.as_mut().reset(drain_deadline.unwrap_or_else(|| self.next_timer()));
                }
            }
        }
    }

    pub(crate) fn next_seq(&mut self) -> u32 {
        let seq = self.next_seq;
        self.next_seq = if seq >= 0x7FFF_FFFF { 1 } else { seq + 1 };
        seq
    }

    /// Queue a PDU; hands the output over first when the batch is full.
    pub(crate) async fn send(&mut self, out: impl Into<Outbound>) -> Result<(), ()> {
        self.out.push(out.into());
        if self.out.is_full() {
            return self.out.flush().await;
        }
        Ok(())
    }

    /// Let in-flight requests finish so accepted messages get their responses.
    async fn finish_inflight(&mut self) {
        while let Some(reply) = self.inflight.next().await {
            let _ = self.send(reply.out).await;
        }
    }

    /// Hand unacknowledged deliver_sm back to the account for another bind.
    fn release(&mut self) {
        if let Some(bound) = &self.bound {
            let items: Vec<Outgoing> = {
                let mut v: Vec<_> = self
                    .awaiting
                    .drain()
                    .map(|(seq, (o, _))| (seq, o))
                    .collect();
                v.sort_by_key(|(seq, _)| *seq);
                v.into_iter().map(|(_, o)| o).collect()
            };
            bound.guard.account.outbox.requeue(items);
        }
    }
}
