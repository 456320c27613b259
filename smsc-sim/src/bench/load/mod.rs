//! The pipelined load generator: K binds, each with up to W outstanding
//! submit_sm, on our own framing.
//!
//! [`run_load`] splits N messages over the binds and runs them side by side.
//! Each bind is one TCP connection split into halves: the [`writer`] task
//! feeds submit_sm (and the reader's deliver_sm_resp / enquire_link_resp)
//! in batches and flushes once per batch; the [`reader`] measures
//! submit→submit_sm_resp by sequence number and submit→receipt by the
//! message_id the resp carried, and releases window permits. Send times live
//! in a per-bind array of atomics indexed by sequence number, so neither half
//! locks. Everything runs under one deadline: a lost receipt ends the phase
//! as [`LoadError::Timeout`] with the counts, never as a hang.

mod matcher;
mod reader;
mod writer;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_util::codec::{FramedRead, FramedWrite};
use wire::smpp::rusmpp::pdus::BindTransceiver;
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::InterfaceVersion;
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus};
use wire::smpp::{FrameCodec, Inbound};

use super::stats::Samples;

pub use reader::BindOutcome;

/// What one phase sends.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    pub binds: usize,
    pub window: usize,
    pub messages: usize,
    pub receipts: bool,
    /// The submit_sm template (sequence numbers are filled in per message).
    pub submit: wire::smpp::rusmpp::pdus::SubmitSm,
    /// Messages per second over all binds; `None` sends as fast as the window allows.
    pub rate: Option<f64>,
    pub system_id: String,
    pub password: String,
    pub timeout: Duration,
}

/// Live counters for the progress line, shared by all binds.
#[derive(Debug, Default)]
pub struct Progress {
    pub submitted: AtomicU64,
    pub resps: AtomicU64,
    pub receipts: AtomicU64,
}

impl Progress {
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (
            self.submitted.load(Ordering::Relaxed),
            self.resps.load(Ordering::Relaxed),
            self.receipts.load(Ordering::Relaxed),
        )
    }
}

/// Why a phase did not complete.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("connecting to {0}: {1}")]
    Connect(SocketAddr, std::io::Error),
    #[error("bind_transceiver refused: {0:?}")]
    BindRefused(CommandStatus),
    #[error("connection lost: {0}")]
    Lost(String),
    #[error(
        "timed out after {secs:.0} s: {submitted} submitted, {resps} submit_sm_resp, {receipts} receipts"
    )]
    Timeout {
        secs: f64,
        submitted: u64,
        resps: u64,
        receipts: u64,
    },
}

/// All binds' results merged.
#[derive(Debug, Default)]
pub struct LoadResult {
    pub outcome: BindOutcome,
    pub resp_latency: Samples,
    pub receipt_latency: Samples,
}

/// Runs one phase against `addr`; `progress` is updated as it goes.
pub async fn run_load(
    addr: SocketAddr,
    spec: &LoadSpec,
    progress: Arc<Progress>,
) -> Result<LoadResult, LoadError> {
    let deadline = Instant::now() + spec.timeout;
    let k = spec.binds.max(1);
    let matcher = Arc::new(matcher::Matcher::new(spec.messages as u64, spec.receipts));
    let mut tasks = Vec::with_capacity(k);
    for i in 0..k {
        let share = spec.messages / k + usize::from(i < spec.messages % k);
        let spec = spec.clone();
        let progress = progress.clone();
        let matcher = matcher.clone();
        tasks.push(tokio::spawn(async move {
            run_bind(addr, &spec, share, k, &matcher, progress).await
        }));
    }
    let timed_out = || {
        let (submitted, resps, receipts) = progress.snapshot();
        LoadError::Timeout {
            secs: spec.timeout.as_secs_f64(),
            submitted,
            resps,
            receipts,
        }
    };
    let mut merged = LoadResult::default();
    for task in &mut tasks {
        match tokio::time::timeout_at(deadline, task).await {
            Err(_) => {
                tasks.iter().for_each(|t| t.abort());
                return Err(timed_out());
            }
            Ok(Err(join)) => return Err(LoadError::Lost(format!("bind task failed: {join}"))),
            Ok(Ok(r)) => {
                let r = r?;
                merged.outcome.merge(&r.outcome);
                merged.resp_latency.extend(r.resp_latency);
            }
        }
    }
    merged.receipt_latency = matcher.take_latency();
    Ok(merged)
}

/// A C-Octet String field; options were checked, so an over-long value is
/// sent empty and the server's bind_resp says why.
fn cstr<const MIN: usize, const MAX: usize>(s: &str) -> COctetString<MIN, MAX> {
    COctetString::from_string(s.to_owned()).unwrap_or_default()
}

/// One bind: connect, bind_transceiver, then pipelined submits of `share` messages.
async fn run_bind(
    addr: SocketAddr,
    spec: &LoadSpec,
    share: usize,
    binds: usize,
    matcher: &matcher::Matcher,
    progress: Arc<Progress>,
) -> Result<LoadResult, LoadError> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| LoadError::Connect(addr, e))?;
    stream
        .set_nodelay(true)
        .map_err(|e| LoadError::Connect(addr, e))?;
    let (rd, wr) = stream.into_split();
    let mut rd = FramedRead::new(rd, FrameCodec::default());
    let mut wr = FramedWrite::new(wr, FrameCodec::default());
    let bind = BindTransceiver::builder()
        .system_id(cstr(&spec.system_id))
        .password(cstr(&spec.password))
        .interface_version(InterfaceVersion::Smpp3_4)
        .build();
    wr.send(Command::new(CommandStatus::EsmeRok, 1, bind))
        .await
        .map_err(|e| LoadError::Lost(e.to_string()))?;
    match rd.next().await {
        // An error bind_resp may be header-only (SMPP 3.4), so match on the command id.
        Some(Ok(Inbound::Command(c))) if c.id() == CommandId::BindTransceiverResp => {
            if c.status() != CommandStatus::EsmeRok {
                return Err(LoadError::BindRefused(c.status()));
            }
        }
        other => {
            return Err(LoadError::Lost(format!(
                "no bind_transceiver_resp: {other:?}"
            )));
        }
    }

    let shared = Arc::new(writer::Shared::new(share, spec.window));
    let (replies, replies_rx) = tokio::sync::mpsc::unbounded_channel();
    let pacing = spec.rate.map(|r| r / binds as f64);
    let writer = tokio::spawn(writer::write_loop(
        wr,
        spec.submit.clone(),
        share,
        pacing,
        shared.clone(),
        replies_rx,
        progress.clone(),
    ));
    let result = reader::read_loop(rd, share, &shared, matcher, replies, &progress).await;
    // The reader dropped its reply sender; the writer unbinds and ends.
    let written = writer.await;
    let result = result?;
    match written {
        Ok(Ok(())) => Ok(result),
        Ok(Err(e)) => Err(LoadError::Lost(format!("writing: {e}"))),
        Err(e) => Err(LoadError::Lost(format!("writer task failed: {e}"))),
    }
}
