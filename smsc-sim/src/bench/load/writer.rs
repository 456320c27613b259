//! The write half of a bench bind: submit_sm within the window, plus the
//! replies the reader hands over, fed in batches with one flush per batch.
//!
//! A batch is everything available at once: queued replies, then as many
//! submits as the window (a semaphore the reader refills on each
//! submit_sm_resp) and the pacing allow. The send time of each submit is
//! stored in [`Shared::sent_at`], indexed by sequence number, just before it
//! is fed. When the reader is done it drops its sender; the writer then sends
//! unbind and stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::SinkExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;
use tokio_util::codec::FramedWrite;
use wire::smpp::FrameCodec;
use wire::smpp::rusmpp::pdus::SubmitSm;
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};

use super::Progress;

/// Sequence number of the first submit_sm (1 is the bind).
pub const FIRST_SEQ: u32 = 2;

/// State both halves of one bind see.
#[derive(Debug)]
pub struct Shared {
    /// Origin of the `sent_at` times.
    pub base: Instant,
    /// Nanoseconds after `base` (+1, so 0 means "not sent") per submit index.
    sent_at: Box<[AtomicU64]>,
    /// Free window slots.
    pub window: Semaphore,
}

impl Shared {
    pub fn new(messages: usize, window: usize) -> Self {
        Self {
            base: Instant::now(),
            sent_at: (0..messages).map(|_| AtomicU64::new(0)).collect(),
            window: Semaphore::new(window.max(1)),
        }
    }

    fn mark_sent(&self, index: usize, at: Instant) {
        let nanos = (at - self.base).as_nanos() as u64 + 1;
        self.sent_at[index].store(nanos, Ordering::Release);
    }

    /// When the submit with sequence number `seq` was fed, if it was.
    pub fn sent_at(&self, seq: u32) -> Option<Instant> {
        let index = seq.checked_sub(FIRST_SEQ)? as usize;
        let nanos = self.sent_at.get(index)?.load(Ordering::Acquire);
        (nanos > 0).then(|| self.base + std::time::Duration::from_nanos(nanos - 1))
    }
}

/// Feeds submits and replies until the reader is done; see the module docs.
pub async fn write_loop(
    mut io: FramedWrite<OwnedWriteHalf, FrameCodec>,
    template: SubmitSm,
    messages: usize,
    rate: Option<f64>,
    shared: Arc<Shared>,
    mut replies: UnboundedReceiver<Command>,
    progress: Arc<Progress>,
) -> std::io::Result<()> {
    let mut sent = 0usize;
    // The first pacing slot is "now": a capped run starts at once.
    let start = Instant::now();
    let due =
        |sent: usize| rate.map(|r| start + std::time::Duration::from_secs_f64(sent as f64 / r));
    loop {
        let mut batch = 0usize;
        let pace = due(sent);
        tokio::select! {
            biased;
            reply = replies.recv() => match reply {
                Some(c) => io.feed(c).await?,
                None => break,
            },
            permit = async {
                if let Some(at) = pace {
                    tokio::time::sleep_until(at).await;
                }
                shared.window.acquire().await
            }, if sent < messages => {
                permit.expect("the window semaphore is never closed").forget();
                batch += 1;
            }
        }
        while let Ok(c) = replies.try_recv() {
            io.feed(c).await?;
        }
        let now = Instant::now();
        while sent + batch < messages
            && due(sent + batch).is_none_or(|at| at <= now)
            && shared.window.try_acquire().map(|p| p.forget()).is_ok()
        {
            batch += 1;
        }
        for _ in 0..batch {
            shared.mark_sent(sent, Instant::now());
            let seq = FIRST_SEQ + sent as u32;
            io.feed(Command::new(CommandStatus::EsmeRok, seq, template.clone()))
                .await?;
            sent += 1;
        }
        progress
            .submitted
            .fetch_add(batch as u64, Ordering::Relaxed);
        SinkExt::<Command>::flush(&mut io).await?;
    }
    io.send(Command::new(
        CommandStatus::EsmeRok,
        FIRST_SEQ + messages as u32,
        Pdu::Unbind,
    ))
    .await
}
