//! A terminal receiving one SMS-DELIVER: [`Terminal::receive`].
//!
//! Order of the checks, as a handset does them: a stored (non-flash)
//! message needs room, else it is refused with memory capacity exceeded and
//! the SIM's flag is set; the body becomes text (GSM 7-bit and UCS-2 as
//! decoded, 8-bit read as Latin-1); a part of a concatenated message waits
//! in the reassembler (per sender and reference, any order, duplicates
//! dropped) unless the kind does not reassemble ([`super::display`]); a
//! whole message gets its display text and code and goes to the inbox,
//! unless the inbox holds it already (same sender, SC time stamp and text:
//! the SC repeating a delivery it did not see acknowledged).
//! Class 0 (flash) messages are shown and never refused for lack of room.
//! An 8-bit message to the sealed-code port is opened with the terminal's
//! key first ([`super::sealed`]): its text is the code message, or a notice
//! that the card cannot read it (then no code is extracted).

use std::time::Instant;

use time::OffsetDateTime;
use wire::text::latin1::decode_latin1;
use wire::text::{Outcome, Part, Sar};
use wire::tpdu::{MessageClass, SmsDeliver, UserDataBody};

use super::display::{display, reassembles};
use super::sealed::{SealedState, open_text, sealed_body};
use super::{InboxMessage, Terminal};
use crate::codes::CodeExtractor;

/// What became of an accepted part.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// A whole message is in the inbox.
    Stored(InboxMessage),
    /// A part of a concatenated message; more are awaited.
    Partial { received: u8, total: u8 },
    /// This part had already arrived.
    Duplicate,
    /// The whole message is in the inbox already (the SC sent it again).
    Repeated,
}

/// Why a part was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the inbox is full ({capacity} messages)")]
    MemoryFull { capacity: u32 },
}

impl Terminal {
    pub fn receive(
        &mut self,
        deliver: &SmsDeliver,
        codes: &CodeExtractor,
        now: Instant,
        received_at: OffsetDateTime,
    ) -> Result<Received, Refused> {
        let class = deliver.dcs.class();
        let flash = class == Some(MessageClass::Class0);
        if !flash && self.inbox.is_full() {
            self.inbox.note_refused();
            return Err(Refused::MemoryFull {
                capacity: self.inbox.capacity(),
            });
        }
        let sealed = sealed_body(&deliver.user_data)
            .map(|body| open_text(self.key.as_ref(), &self.msisdn, body));
        let part_text = match (&sealed, &deliver.user_data.body) {
            (Some((text, _)), _) => text.clone(),
            (None, UserDataBody::Text(t)) => t.clone(),
            (None, UserDataBody::Binary(b)) => decode_latin1(b),
        };
        let from = deliver.originating_address.to_string();
        let concat = deliver
            .user_data
            .header
            .as_ref()
            .and_then(|h| h.concatenation())
            // A sealed code is one part by construction.
            .filter(|c| c.total > 1 && reassembles(self.kind) && sealed.is_none());
        let (text, segments) = match concat {
            None => (part_text, 1),
            Some(c) => {
                for e in self.reassembly.expire(now) {
                    tracing::info!(msisdn = %self.msisdn, from = e.originator, reference = e.reference,
                        received = e.received, total = e.total, "incomplete message dropped");
                }
                let sar = Sar {
                    msg_ref_num: c.reference,
                    total_segments: c.total,
                    segment_seqnum: c.seq,
                };
                let part = Part::Sar {
                    sar,
                    data: part_text.as_bytes(),
                };
                match self
                    .reassembly
                    .accept(&from, self.msisdn.as_str(), part, now)
                {
                    Ok(Outcome::Complete(whole)) => {
                        // Every part was a whole UTF-8 string, so the join is too.
                        (
                            String::from_utf8_lossy(&whole.data).into_owned(),
                            whole.parts,
                        )
                    }
                    Ok(Outcome::Waiting { received, total }) => {
                        return Ok(Received::Partial { received, total });
                    }
                    Ok(Outcome::Duplicate) => return Ok(Received::Duplicate),
                    // An unusable concatenation element is ignored (TS 23.040
                    // §9.2.3.24.1): the part is a message of its own.
                    Err(_) => (part_text, 1),
                }
            }
        };
        let sent_at = deliver.service_centre_timestamp.to_offset_datetime().ok();
        if self.inbox.holds_repeat(&from, sent_at, &text) {
            return Ok(Received::Repeated);
        }
        let shown = display(self.kind, &text);
        let message = InboxMessage {
            id: 0,
            from,
            // An unreadable sealed message must never yield a "code".
            code: match sealed {
                Some((_, SealedState::Unreadable)) => None,
                _ => codes.extract(&shown),
            },
            display: shown,
            text,
            received_at,
            sent_at,
            segments,
            class: class.map(MessageClass::code),
            flash,
            status_report_requested: deliver.status_report_indication,
            read: false,
            code_taken: false,
            sealed: sealed.map(|(_, state)| state),
        };
        Ok(Received::Stored(self.inbox.push(message)))
    }
}

#[cfg(test)]
mod tests;
