//! The MO messages a terminal sent: [`Outbox`] of [`SentMessage`]s.
//!
//! A message goes as one SMS-SUBMIT per part, each with its own air-link
//! reference and TP-MR (the SIM's counter, wrapping at 255). It is
//! `accepted` when the switch acknowledged every part, `failed` at the first
//! SubmitError, when the link drops, or when the submit timeout passes
//! first. Status reports find their message by TP-MR. The last
//! [`KEPT`] messages stay for the API.

use std::collections::VecDeque;

use serde::Serialize;
use time::OffsetDateTime;
use tokio::time::Instant;
use wire::tpdu::TpStatus;

/// Sent messages kept per terminal.
pub const KEPT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SendState {
    Sending,
    Accepted,
    Failed,
}

/// The last status report for a sent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// TP-ST.
    pub status: u8,
    pub status_text: &'static str,
    pub delivered: bool,
    #[serde(rename = "final")]
    pub is_final: bool,
}

impl From<TpStatus> for Report {
    fn from(s: TpStatus) -> Self {
        Report {
            status: s.0,
            status_text: s.name(),
            delivered: s.is_success(),
            is_final: s.is_final(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentMessage {
    /// The air-link reference of the first part; the API's handle.
    pub reference: u32,
    pub to: String,
    pub text: String,
    pub segments: u8,
    pub status_report_requested: bool,
    pub state: SendState,
    /// Why it failed, in words.
    pub failure: Option<String>,
    /// The RP-cause of a SubmitError.
    pub cause: Option<u8>,
    pub report: Option<Report>,
    #[serde(serialize_with = "super::inbox::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// (air reference, TP-MR, acknowledged) per part.
    #[serde(skip)]
    pub parts: Vec<(u32, u8, bool)>,
    #[serde(skip)]
    pub deadline: Instant,
}

#[derive(Debug, Default)]
pub struct Outbox {
    messages: VecDeque<SentMessage>,
    next_mr: u8,
}

impl Outbox {
    /// The next TP-MR.
    pub fn next_mr(&mut self) -> u8 {
        let mr = self.next_mr;
        self.next_mr = self.next_mr.wrapping_add(1);
        mr
    }

    pub fn push(&mut self, message: SentMessage) {
        if self.messages.len() >= KEPT {
            self.messages.pop_front();
        }
        self.messages.push_back(message);
    }

    pub fn iter(&self) -> impl Iterator<Item = &SentMessage> {
        self.messages.iter()
    }

    fn sending_with_part(&mut self, reference: u32) -> Option<&mut SentMessage> {
        self.messages
            .iter_mut()
            .filter(|m| m.state == SendState::Sending)
            .find(|m| m.parts.iter().any(|p| p.0 == reference))
    }

    /// Part `reference` was acknowledged; returns the message when that
    /// made it accepted.
    pub fn ack(&mut self, reference: u32) -> Option<SentMessage> {
        let m = self.sending_with_part(reference)?;
        for p in m.parts.iter_mut().filter(|p| p.0 == reference) {
            p.2 = true;
        }
        if m.parts.iter().all(|p| p.2) {
            m.state = SendState::Accepted;
            return Some(m.clone());
        }
        None
    }

    /// Part `reference` was refused: the message failed.
    pub fn fail(&mut self, reference: u32, cause: Option<u8>, why: String) -> Option<SentMessage> {
        let m = self.sending_with_part(reference)?;
        m.state = SendState::Failed;
        m.cause = cause;
        m.failure = Some(why);
        Some(m.clone())
    }

    /// Fails every message still sending whose deadline passed (all of
    /// them for `now = None`).
    pub fn fail_overdue(&mut self, now: Option<Instant>, why: &str) -> Vec<SentMessage> {
        self.messages
            .iter_mut()
            .filter(|m| m.state == SendState::Sending && now.is_none_or(|n| m.deadline <= n))
            .map(|m| {
                m.state = SendState::Failed;
                m.failure = Some(why.to_owned());
                m.clone()
            })
            .collect()
    }

    /// A status report for TP-MR `mr`: the newest message with a part of
    /// that reference gets it.
    pub fn report(&mut self, mr: u8, status: TpStatus) -> Option<SentMessage> {
        let m = self
            .messages
            .iter_mut()
            .rev()
            .find(|m| m.parts.iter().any(|p| p.1 == mr))?;
        m.report = Some(status.into());
        Some(m.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(reference: u32, parts: &[(u32, u8)]) -> SentMessage {
        SentMessage {
            reference,
            to: "+447700900999".into(),
            text: "YES".into(),
            segments: parts.len() as u8,
            status_report_requested: true,
            state: SendState::Sending,
            failure: None,
            cause: None,
            report: None,
            submitted_at: OffsetDateTime::UNIX_EPOCH,
            parts: parts.iter().map(|&(r, mr)| (r, mr, false)).collect(),
            deadline: Instant::now(),
        }
    }

    #[test]
    fn accepted_when_every_part_is_acknowledged() {
        let mut outbox = Outbox::default();
        outbox.push(sent(7, &[(7, 0), (8, 1)]));
        assert_eq!(outbox.ack(7), None, "one part left");
        assert_eq!(outbox.ack(99), None, "unknown reference");
        let done = outbox.ack(8).expect("whole message accepted");
        assert_eq!((done.reference, done.state), (7, SendState::Accepted));
        assert_eq!(outbox.ack(8), None, "only once");
    }

    #[test]
    fn failures_timeouts_and_reports() {
        let mut outbox = Outbox::default();
        outbox.push(sent(1, &[(1, 0)]));
        outbox.push(sent(2, &[(2, 1)]));
        let failed = outbox.fail(1, Some(21), "rejected".into()).expect("known");
        assert_eq!((failed.state, failed.cause), (SendState::Failed, Some(21)));
        let overdue = outbox.fail_overdue(Some(Instant::now()), "no answer");
        assert_eq!(overdue.iter().map(|m| m.reference).collect::<Vec<_>>(), [2]);
        let reported = outbox.report(1, TpStatus::RECEIVED).expect("TP-MR 1");
        assert_eq!(reported.reference, 2);
        assert!(
            reported
                .report
                .as_ref()
                .is_some_and(|r| r.delivered && r.is_final)
        );
        assert_eq!(outbox.report(9, TpStatus::RECEIVED), None);
    }

    #[test]
    fn message_references_wrap_and_old_messages_go() {
        let mut outbox = Outbox::default();
        let mrs: Vec<u8> = (0..257).map(|_| outbox.next_mr()).collect();
        assert_eq!((mrs[0], mrs[255], mrs[256]), (0, 255, 0));
        for r in 0..(KEPT as u32 + 3) {
            outbox.push(sent(r, &[(r, 0)]));
        }
        assert_eq!(outbox.iter().count(), KEPT);
        assert_eq!(outbox.iter().next().map(|m| m.reference), Some(3));
    }
}
