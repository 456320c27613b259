//! Mobile-originated messages: [`Cell::send`] turns a text into SMS-SUBMIT
//! parts (GSM 7-bit or UCS-2, concatenated when long, TP-VP 24 hours, TP-SRR
//! on every part when a status report is asked for) and queues one `Submit`
//! frame per part. `SubmitAck` / `SubmitError`, the submit timeout
//! ([`Cell::sweep`]) and status reports from the switch settle them; each
//! outcome is an event (`sent`, `send-failed`, `status-report`).

use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;
use wire::air::{AirFrame, RpCause};
use wire::tpdu::{
    NumberingPlan, SmsStatusReport, SmsSubmit, TpAddress, TypeOfNumber, ValidityPeriod,
    try_text_user_data,
};

use super::{Cell, CellError};
use crate::events::Event;
use crate::terminal::SentMessage;
use crate::terminal::outbox::SendState;

/// Most parts an MO message may have.
pub const MAX_MO_PARTS: usize = 10;
/// Validity period asked for in every SMS-SUBMIT.
const VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// `+digits` is international; other digits (short codes, service numbers)
/// go as "unknown" type of number, as a handset does when no `+` is typed.
pub fn parse_destination(to: &str) -> Result<TpAddress, CellError> {
    let to = to.trim();
    let digits = to.strip_prefix('+').unwrap_or(to);
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CellError::Invalid(format!(
            "to {to:?} is not a number: digits (1..=20), optionally after a +"
        )));
    }
    Ok(match to.starts_with('+') {
        true => TpAddress::international(digits),
        false => TpAddress::new(TypeOfNumber::Unknown, NumberingPlan::Isdn, digits),
    })
}

impl Cell {
    /// Sends `text` from terminal `msisdn` to `to`. Returns the message as
    /// it stands (sending); its `reference` is the handle in later events.
    pub fn send(
        &self,
        msisdn: &str,
        to: &str,
        text: &str,
        status_report: bool,
    ) -> Result<SentMessage, CellError> {
        let destination = parse_destination(to)?;
        if text.is_empty() {
            return Err(CellError::Invalid("text is empty".into()));
        }
        let mut guard = self.lock();
        let inner = &mut *guard;
        let t = inner
            .terminals
            .get_mut(msisdn)
            .ok_or_else(|| CellError::NoTerminal(msisdn.to_owned()))?;
        if let Some(why) = t.unreachable_reason(inner.link.up) {
            return Err(CellError::Unreachable(format!("cannot send: {why}")));
        }
        let first_mr = t.outbox.next_mr();
        let (dcs, parts) = try_text_user_data(text, first_mr, None)
            .map_err(|e| CellError::Invalid(format!("text cannot be sent: {e}")))?;
        if parts.len() > MAX_MO_PARTS {
            return Err(CellError::Invalid(format!(
                "text needs {} parts; at most {MAX_MO_PARTS} are sent",
                parts.len()
            )));
        }
        let mut frames = Vec::new();
        let mut refs = Vec::new();
        for (i, user_data) in parts.into_iter().enumerate() {
            let mr = if i == 0 { first_mr } else { t.outbox.next_mr() };
            let submit = SmsSubmit {
                reject_duplicates: false,
                reply_path: false,
                status_report_request: status_report,
                message_reference: mr,
                destination_address: destination.clone(),
                protocol_identifier: 0,
                dcs,
                validity_period: Some(ValidityPeriod::relative(VALIDITY)),
                user_data,
            };
            let tpdu = submit
                .encode()
                .map_err(|e| CellError::Invalid(format!("text cannot be sent: {e}")))?;
            let reference = inner.next_reference;
            inner.next_reference = inner.next_reference.wrapping_add(1).max(1);
            frames.push(AirFrame::Submit {
                reference,
                msisdn: t.msisdn.clone(),
                tpdu,
            });
            refs.push((reference, mr, false));
        }
        let message = SentMessage {
            reference: refs[0].0,
            to: destination.to_string(),
            text: text.to_owned(),
            segments: refs.len() as u8,
            status_report_requested: status_report,
            state: SendState::Sending,
            failure: None,
            cause: None,
            report: None,
            submitted_at: OffsetDateTime::now_utc(),
            parts: refs,
            deadline: Instant::now() + self.submit_timeout,
        };
        for p in &message.parts {
            inner.submits.insert(p.0, t.msisdn.clone());
        }
        t.outbox.push(message.clone());
        self.queue(&inner.link, frames);
        Ok(message)
    }

    pub fn on_submit_ack(&self, reference: u32) {
        let mut inner = self.lock();
        let Some(msisdn) = inner.submits.remove(&reference) else {
            tracing::debug!(reference, "SubmitAck for no message in flight");
            return;
        };
        if let Some(m) = inner
            .terminal_mut(msisdn.as_str())
            .ok()
            .and_then(|t| t.outbox.ack(reference))
        {
            self.publish(Event::sent(msisdn.as_str(), &m));
        }
    }

    pub fn on_submit_error(&self, reference: u32, cause: RpCause) {
        let mut inner = self.lock();
        let Some(msisdn) = inner.submits.remove(&reference) else {
            tracing::debug!(reference, %cause, "SubmitError for no message in flight");
            return;
        };
        let why = format!("refused by the switch: {cause}");
        let failed = inner
            .terminal_mut(msisdn.as_str())
            .ok()
            .and_then(|t| t.outbox.fail(reference, Some(cause.0), why));
        if let Some(m) = failed {
            for p in &m.parts {
                inner.submits.remove(&p.0);
            }
            self.publish(Event::send_failed(msisdn.as_str(), &m));
        }
    }

    /// An SMS-STATUS-REPORT for terminal `msisdn`.
    pub fn on_status_report(&self, msisdn: &str, tpdu: &[u8]) -> Result<(), String> {
        let report = SmsStatusReport::decode(tpdu)
            .map_err(|e| format!("undecodable SMS-STATUS-REPORT: {e}"))?;
        let mut inner = self.lock();
        let t = inner.terminal_mut(msisdn).map_err(|e| e.to_string())?;
        let sent = t.outbox.report(report.message_reference, report.status);
        self.publish(Event::StatusReport {
            msisdn: msisdn.to_owned(),
            reference: sent.as_ref().map(|m| m.reference),
            to: Some(
                sent.as_ref()
                    .map_or_else(|| report.recipient_address.to_string(), |m| m.to.clone()),
            ),
            text: sent.map(|m| m.text),
            report: report.status.into(),
        });
        Ok(())
    }

    /// Fails MO messages the switch left unanswered past the submit timeout.
    pub fn sweep(&self, now: Instant) {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let why = format!(
            "no answer from the switch within {}s",
            self.submit_timeout.as_secs()
        );
        for t in inner.terminals.values_mut() {
            for m in t.outbox.fail_overdue(Some(now), &why) {
                for p in &m.parts {
                    inner.submits.remove(&p.0);
                }
                self.publish(Event::send_failed(t.msisdn.as_str(), &m));
            }
        }
    }
}
