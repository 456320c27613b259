//! Reassembly of concatenated messages, whichever way they were split.
//!
//! A [`Reassembler`] takes each received PDU's user data as a [`Part`]: a
//! short_message (its UDH, when UDHI is set, says which part it is), a
//! short_message with SAR TLV values, or a whole message_payload. Parts are
//! kept per (originator, recipient, reference) until all have arrived, in any
//! order; duplicates are dropped; [`Outcome::Complete`] hands back the joined
//! user data. Incomplete messages expire `timeout` after their first part, by
//! the `now` the caller passes, and at most `max_pending` are held (the oldest
//! is evicted first), so memory stays bounded: each holds under 64 KiB.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::udh::{UdhError, UserDataHeader};
use super::{Sar, TextError, decode, decode_lossy};

/// The user data of one received PDU.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// short_message; `udhi` is esm_class's (or TP-UDHI's) header indicator.
    ShortMessage { udhi: bool, data: &'a [u8] },
    /// short_message of a PDU carrying SAR TLVs.
    Sar { sar: Sar, data: &'a [u8] },
    /// message_payload: always a whole message.
    MessagePayload(&'a [u8]),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The message is whole (it may have been a single part all along).
    Complete(Reassembled),
    /// Stored; more parts are needed.
    Waiting { received: u8, total: u8 },
    /// This part had already arrived; it was dropped.
    Duplicate,
}

/// A whole message's user data, headers removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembled {
    pub data: Vec<u8>,
    /// The concatenation reference, when it came in parts.
    pub reference: Option<u16>,
    pub parts: u8,
}

impl Reassembled {
    pub fn text(&self, data_coding: u8) -> Result<String, TextError> {
        decode(data_coding, &self.data)
    }

    pub fn text_lossy(&self, data_coding: u8) -> String {
        decode_lossy(data_coding, &self.data)
    }
}

/// An incomplete message dropped by [`Reassembler::expire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub originator: String,
    pub recipient: String,
    pub reference: u16,
    pub received: u8,
    pub total: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReassemblyError {
    #[error("bad user data header: {0}")]
    Udh(#[from] UdhError),
    #[error("SAR segment {seqnum} of {total} is out of range")]
    SarOutOfRange { seqnum: u8, total: u8 },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    originator: String,
    recipient: String,
    reference: u16,
}

#[derive(Debug)]
struct Pending {
    parts: Vec<Option<Vec<u8>>>,
    received: u8,
    started: Instant,
}

#[derive(Debug)]
pub struct Reassembler {
    timeout: Duration,
    max_pending: usize,
    pending: HashMap<Key, Pending>,
}

impl Reassembler {
    pub fn new(timeout: Duration, max_pending: usize) -> Self {
        Reassembler {
            timeout,
            max_pending: max_pending.max(1),
            pending: HashMap::new(),
        }
    }

    /// Incomplete messages currently held.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Takes one PDU's user data. A UDH whose concatenation element is
    /// unusable (zero count, sequence out of range) is ignored, as TS 23.040
    /// says, and the part is a message of its own.
    pub fn accept(
        &mut self,
        originator: &str,
        recipient: &str,
        part: Part<'_>,
        now: Instant,
    ) -> Result<Outcome, ReassemblyError> {
        let (reference, total, seq, data) = match part {
            Part::MessagePayload(data) | Part::ShortMessage { udhi: false, data } => {
                return Ok(whole(data, None, 1));
            }
            Part::ShortMessage { udhi: true, data } => {
                let (udh, rest) = UserDataHeader::parse(data)?;
                match udh.concatenation() {
                    Some(c) => (c.reference, c.total, c.seq, rest),
                    None => return Ok(whole(rest, None, 1)),
                }
            }
            Part::Sar { sar, data } => {
                let (seqnum, total) = (sar.segment_seqnum, sar.total_segments);
                if seqnum == 0 || seqnum > total {
                    return Err(ReassemblyError::SarOutOfRange { seqnum, total });
                }
                (sar.msg_ref_num, total, seqnum, data)
            }
        };
        if total == 1 {
            return Ok(whole(data, Some(reference), 1));
        }
        let key = Key {
            originator: originator.to_owned(),
            recipient: recipient.to_owned(),
            reference,
        };
        // A stale entry, or one with another count, is an older message whose
        // reference has come round again: this part starts a new one.
        let stale = self
            .pending
            .get(&key)
            .is_some_and(|p| p.parts.len() != usize::from(total) || self.is_expired(p, now));
        if stale {
            self.pending.remove(&key);
        }
        if !self.pending.contains_key(&key) {
            self.make_room(now);
        }
        let entry = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            parts: vec![None; usize::from(total)],
            received: 0,
            started: now,
        });
        // seq is 1..=total, and a kept entry has exactly `total` slots.
        let slot = &mut entry.parts[usize::from(seq) - 1];
        if slot.is_some() {
            return Ok(Outcome::Duplicate);
        }
        *slot = Some(data.to_vec());
        entry.received += 1;
        if entry.received < total {
            return Ok(Outcome::Waiting {
                received: entry.received,
                total,
            });
        }
        let done = self
            .pending
            .remove(&key)
            .expect("the entry was just filled");
        let data = done.parts.into_iter().flatten().flatten().collect();
        Ok(Outcome::Complete(Reassembled {
            data,
            reference: Some(reference),
            parts: total,
        }))
    }

    /// Drops and returns the incomplete messages older than the timeout.
    pub fn expire(&mut self, now: Instant) -> Vec<Expired> {
        let mut expired = Vec::new();
        self.pending.retain(|key, p| {
            let keep = now.saturating_duration_since(p.started) < self.timeout;
            if !keep {
                expired.push(Expired {
                    originator: key.originator.clone(),
                    recipient: key.recipient.clone(),
                    reference: key.reference,
                    received: p.received,
                    total: p.parts.len() as u8,
                });
            }
            keep
        });
        expired
    }

    fn is_expired(&self, p: &Pending, now: Instant) -> bool {
        now.saturating_duration_since(p.started) >= self.timeout
    }

    fn make_room(&mut self, now: Instant) {
        if self.pending.len() < self.max_pending {
            return;
        }
        let expired = self.expire(now);
        if !expired.is_empty() {
            tracing::debug!(
                count = expired.len(),
                "expired incomplete concatenated messages"
            );
            return;
        }
        let oldest = self
            .pending
            .iter()
            .min_by_key(|(_, p)| p.started)
            .map(|(k, _)| k.clone());
        if let Some(key) = oldest {
            tracing::warn!(
                reference = key.reference,
                "reassembly full; evicting the oldest message"
            );
            self.pending.remove(&key);
        }
    }
}

fn whole(data: &[u8], reference: Option<u16>, parts: u8) -> Outcome {
    Outcome::Complete(Reassembled {
        data: data.to_vec(),
        reference,
        parts,
    })
}

#[cfg(test)]
mod tests;
