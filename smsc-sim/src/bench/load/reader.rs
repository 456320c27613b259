//! The read half of a bench bind: matches responses to the submits that
//! caused them.
//!
//! submit_sm_resp (or generic_nack) is matched by sequence number, timed, and
//! frees a window slot; an accepted one hands its message_id to the phase's
//! [`Matcher`], as does every receipt (receipted_message_id TLV, else the
//! `id:` of the receipt text), since receipts may arrive on another bind.
//! Every deliver_sm and enquire_link is answered through the writer. The
//! loop ends when the matcher says the whole phase is complete.

use std::sync::atomic::Ordering;

use futures::StreamExt;
use tokio::net::tcp::OwnedReadHalf;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;
use tokio_util::codec::FramedRead;
use wire::smpp::rusmpp::pdus::DeliverSm;
use wire::smpp::rusmpp::tlvs::TlvValue;
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};
use wire::smpp::{FrameCodec, Inbound};

use super::matcher::Matcher;
use super::writer::Shared;
use super::{LoadError, LoadResult, Progress};
use crate::bench::stats::Samples;

/// Counts and times of one bind (or, merged, of all).
#[derive(Debug, Default, Clone)]
pub struct BindOutcome {
    pub submitted: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub receipts: u64,
    pub first_submit: Option<Instant>,
    pub last_resp: Option<Instant>,
    pub last_receipt: Option<Instant>,
}

impl BindOutcome {
    pub fn merge(&mut self, o: &BindOutcome) {
        self.submitted += o.submitted;
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.receipts += o.receipts;
        self.first_submit = min_some(self.first_submit, o.first_submit);
        self.last_resp = self.last_resp.max(o.last_resp);
        self.last_receipt = self.last_receipt.max(o.last_receipt);
    }
}

fn min_some(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The message id a receipt refers to.
fn receipted_id(sm: &DeliverSm) -> Option<String> {
    for tlv in sm.tlvs() {
        if let Some(TlvValue::ReceiptedMessageId(id)) = tlv.value() {
            return Some(id.as_str().to_owned());
        }
    }
    let text = std::str::from_utf8(sm.short_message().as_ref()).ok()?;
    let rest = &text[text.find("id:")? + 3..];
    Some(rest.split(' ').next().unwrap_or(rest).to_owned())
}

pub async fn read_loop(
    mut io: FramedRead<OwnedReadHalf, FrameCodec>,
    messages: usize,
    shared: &Shared,
    matcher: &Matcher,
    replies: UnboundedSender<Command>,
    progress: &Progress,
) -> Result<LoadResult, LoadError> {
    let mut out = LoadResult {
        resp_latency: Samples::with_capacity(messages),
        ..LoadResult::default()
    };
    let o = &mut out.outcome;
    o.submitted = messages as u64;
    let mut done = matcher.done();
    let reply = |c: Command| {
        replies
            .send(c)
            .map_err(|_| LoadError::Lost("writer stopped".into()))
    };
    loop {
        let next = tokio::select! {
            biased;
            _ = done.wait_for(|d| *d) => break,
            next = io.next() => next,
        };
        let c = match next {
            Some(Ok(Inbound::Command(c))) => c,
            Some(Ok(Inbound::Malformed(e))) => {
                return Err(LoadError::Lost(format!("malformed PDU: {}", e.reason)));
            }
            Some(Err(e)) => return Err(LoadError::Lost(e.to_string())),
            None => return Err(LoadError::Lost("server closed the connection".into())),
        };
        let now = Instant::now();
        let seq = c.sequence_number();
        match c.id() {
            CommandId::SubmitSmResp | CommandId::GenericNack => {
                let Some(sent) = shared.sent_at(seq) else {
                    continue;
                };
                shared.window.add_permits(1);
                progress.resps.fetch_add(1, Ordering::Relaxed);
                o.first_submit = min_some(o.first_submit, Some(sent));
                o.last_resp = Some(now);
                out.resp_latency.record(now - sent);
                match c.pdu() {
                    Some(Pdu::SubmitSmResp(r)) if c.status() == CommandStatus::EsmeRok => {
                        o.accepted += 1;
                        matcher.answered(Some(r.message_id().as_str()), sent);
                    }
                    _ => {
                        o.rejected += 1;
                        matcher.answered(None, sent);
                    }
                }
            }
            CommandId::DeliverSm => {
                reply(Command::new(
                    CommandStatus::EsmeRok,
                    seq,
                    Pdu::DeliverSmResp(Default::default()),
                ))?;
                let Some(Pdu::DeliverSm(sm)) = c.pdu() else {
                    continue;
                };
                let Some(id) = receipted_id(sm) else {
                    continue;
                };
                o.receipts += 1;
                o.last_receipt = Some(now);
                progress.receipts.fetch_add(1, Ordering::Relaxed);
                matcher.receipt(id, now);
            }
            CommandId::EnquireLink => reply(Command::new(
                CommandStatus::EsmeRok,
                seq,
                Pdu::EnquireLinkResp,
            ))?,
            CommandId::Unbind => return Err(LoadError::Lost("server sent unbind".into())),
            _ => {}
        }
    }
    Ok(out)
}
