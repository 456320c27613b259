//! A terminal's message store: [`Inbox`] of [`InboxMessage`]s.
//!
//! Capacity counts stored messages, whatever their number of parts; flash
//! messages (class 0) are shown, not stored, so they never count, and only
//! the last [`FLASH_KEPT`] stay visible for scripts. A message refused for
//! lack of room sets the SIM's "memory capacity exceeded" flag (TS 23.040
//! §10.3); [`Inbox::take_memory_available`] says when room is back so the
//! cell can send the network RP-SMMA, once, and clears the flag.
//!
//! Ids grow from 1 and are never reused. `read` is set by the long polls
//! (next-message, next-code) and the read endpoints; `code_taken` by
//! next-code, which hands out each code once.

use std::collections::VecDeque;

use serde::Serialize;
use time::OffsetDateTime;

/// Flash messages kept visible.
pub const FLASH_KEPT: usize = 5;

/// One received message, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxMessage {
    pub id: u64,
    /// Sender: `+` and digits for an international number, digits for
    /// others, or the alphanumeric name.
    pub from: String,
    /// The whole decoded text.
    pub text: String,
    /// The text as this kind of terminal shows it.
    pub display: String,
    #[serde(serialize_with = "rfc3339")]
    pub received_at: OffsetDateTime,
    /// The service centre time stamp (TP-SCTS) of the first part.
    #[serde(serialize_with = "rfc3339_opt")]
    pub sent_at: Option<OffsetDateTime>,
    pub segments: u8,
    /// Message class 0..=3 from TP-DCS, None when the DCS gives none.
    pub class: Option<u8>,
    pub flash: bool,
    /// The authorization code found in what the terminal displays.
    pub code: Option<String>,
    /// TP-SRI: the sender asked for a status report.
    pub status_report_requested: bool,
    pub read: bool,
    /// next-code has handed out this message's code.
    pub code_taken: bool,
    /// A sealed code: "opened" with the terminal's key or "unreadable";
    /// null for an ordinary message.
    pub sealed: Option<super::sealed::SealedState>,
}

pub(crate) fn rfc3339<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    use time::format_description::well_known::Rfc3339;
    let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

pub(crate) fn rfc3339_opt<S: serde::Serializer>(
    t: &Option<OffsetDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => rfc3339(t, s),
        None => s.serialize_none(),
    }
}

#[derive(Debug)]
pub struct Inbox {
    messages: VecDeque<InboxMessage>,
    next_id: u64,
    capacity: u32,
    memory_exceeded: bool,
}

impl Inbox {
    pub fn new(capacity: u32) -> Self {
        Self {
            messages: VecDeque::new(),
            next_id: 1,
            capacity,
            memory_exceeded: false,
        }
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Messages that count against the capacity.
    pub fn stored(&self) -> usize {
        self.messages.iter().filter(|m| !m.flash).count()
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn unread(&self) -> usize {
        self.messages.iter().filter(|m| !m.read).count()
    }

    /// Whether one of the newest messages came from `from` with the same
    /// service centre time stamp and text: the SC sending a message again
    /// because it never learned that the first delivery worked (it went
    /// down between our acknowledgement and its record of it). Phones
    /// drop such repeats; a message without a time stamp is never one.
    pub fn holds_repeat(&self, from: &str, sent_at: Option<OffsetDateTime>, text: &str) -> bool {
        const RECENT: usize = 200;
        let Some(sent_at) = sent_at else { return false };
        self.messages
            .iter()
            .rev()
            .take(RECENT)
            .any(|m| m.sent_at == Some(sent_at) && m.from == from && m.text == text)
    }

    pub fn is_full(&self) -> bool {
        self.stored() >= self.capacity as usize
    }

    /// The SIM's memory-capacity-exceeded flag.
    pub fn memory_exceeded(&self) -> bool {
        self.memory_exceeded
    }

    /// A message was refused for lack of room.
    pub fn note_refused(&mut self) {
        self.memory_exceeded = true;
    }

    /// True once when the flag is set and there is room again: the network
    /// must be told (RP-SMMA). Clears the flag.
    pub fn take_memory_available(&mut self) -> bool {
        if self.memory_exceeded && !self.is_full() {
            self.memory_exceeded = false;
            return true;
        }
        false
    }

    pub fn set_capacity(&mut self, capacity: u32) {
        self.capacity = capacity;
    }

    /// Stores `message` under the next id and returns the stored copy.
    pub fn push(&mut self, mut message: InboxMessage) -> InboxMessage {
        message.id = self.next_id;
        self.next_id += 1;
        if message.flash {
            let flashes = self.messages.iter().filter(|m| m.flash).count();
            if flashes >= FLASH_KEPT
                && let Some(i) = self.messages.iter().position(|m| m.flash)
            {
                self.messages.remove(i);
            }
        }
        self.messages.push_back(message.clone());
        message
    }

    pub fn iter(&self) -> impl Iterator<Item = &InboxMessage> {
        self.messages.iter()
    }

    pub fn get(&self, id: u64) -> Option<&InboxMessage> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Deletes everything; returns how many were deleted.
    pub fn clear(&mut self) -> usize {
        let n = self.messages.len();
        self.messages.clear();
        n
    }

    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.messages.len();
        self.messages.retain(|m| m.id != id);
        self.messages.len() != before
    }

    /// Marks one message (or all, for None) read; false when `id` is unknown.
    pub fn mark_read(&mut self, id: Option<u64>) -> bool {
        let mut found = false;
        for m in self
            .messages
            .iter_mut()
            .filter(|m| id.is_none_or(|id| m.id == id))
        {
            m.read = true;
            found = true;
        }
        found || id.is_none()
    }

    /// The oldest message after `after`, or with no `after` the oldest
    /// unread one; it is marked read.
    pub fn take_next(&mut self, after: Option<u64>) -> Option<InboxMessage> {
        let m = self.messages.iter_mut().find(|m| match after {
            Some(after) => m.id > after,
            None => !m.read,
        })?;
        m.read = true;
        Some(m.clone())
    }

    /// The oldest message whose code was not handed out yet; marks it taken
    /// and read.
    pub fn take_code(&mut self) -> Option<(String, InboxMessage)> {
        let m = self
            .messages
            .iter_mut()
            .find(|m| m.code.is_some() && !m.code_taken)?;
        m.code_taken = true;
        m.read = true;
        let code = m.code.clone().expect("filtered on code");
        Some((code, m.clone()))
    }
}

#[cfg(test)]
mod tests;
