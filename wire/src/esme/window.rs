//! Sequence numbers and the map of requests awaiting a response.
//!
//! [`SequenceNumbers`] hands out 1..=0x7FFFFFFF and wraps back to 1. [`Pending`]
//! maps a sequence number to the caller waiting for its response (a oneshot);
//! the reader completes entries, the caller's [`PendingGuard`] removes its entry
//! when it gives up (timeout, cancellation), and a dropped connection closes the
//! map and fails every entry with `Disconnected`. The window itself (at most W
//! outstanding) is a semaphore owned by the handle; this map never grows past it.

use std::{
    collections::{HashMap, hash_map::Entry},
    sync::{
        Mutex, MutexGuard,
        atomic::{AtomicU32, Ordering},
    },
};

use rusmpp::{Command, CommandId};
use tokio::sync::oneshot;

use super::{config::MAX_SEQUENCE_NUMBER, error::EsmeError};

pub(crate) type Reply = Result<Box<Command>, EsmeError>;

/// Sequence numbers 1..=0x7FFFFFFF, wrapping back to 1.
#[derive(Debug)]
pub(crate) struct SequenceNumbers(AtomicU32);

impl SequenceNumbers {
    pub(crate) fn new(first: u32) -> Self {
        Self(AtomicU32::new(first.clamp(1, MAX_SEQUENCE_NUMBER)))
    }

    pub(crate) fn next(&self) -> u32 {
        let step = |n: u32| Some(if n >= MAX_SEQUENCE_NUMBER { 1 } else { n + 1 });
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, step)
            .expect("the update closure always returns Some")
    }
}

/// Why an entry could not be added.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum InsertError {
    /// The connection is gone; wait for the next bind.
    Closed,
    /// The number is still in use (after a wrap); take another.
    InUse,
}

struct Waiter {
    expected: CommandId,
    tx: oneshot::Sender<Reply>,
}

#[derive(Default)]
struct Inner {
    closed: bool,
    map: HashMap<u32, Waiter>,
}

/// Requests of one connection awaiting their responses. See the module docs.
#[derive(Default)]
pub(crate) struct Pending(Mutex<Inner>);

impl Pending {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the map inconsistent
        // (every operation is a single insert/remove), so poisoning is ignored.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn insert(
        &self,
        seq: u32,
        expected: CommandId,
        tx: oneshot::Sender<Reply>,
    ) -> Result<(), InsertError> {
        let mut inner = self.lock();
        if inner.closed {
            return Err(InsertError::Closed);
        }
        match inner.map.entry(seq) {
            Entry::Occupied(_) => Err(InsertError::InUse),
            Entry::Vacant(v) => {
                v.insert(Waiter { expected, tx });
                Ok(())
            }
        }
    }

    /// Hand a response to its waiter. False when nobody waits for `seq`.
    pub(crate) fn complete(&self, command: Box<Command>) -> bool {
        let Some(waiter) = self.lock().map.remove(&command.sequence_number()) else {
            return false;
        };
        let id = command.id();
        let reply = if id == waiter.expected || id == CommandId::GenericNack {
            Ok(command)
        } else {
            Err(EsmeError::BadResponse(format!(
                "expected {:?}, got {id:?}",
                waiter.expected
            )))
        };
        // The caller may have given up a moment ago; that is not an error here.
        let _ = waiter.tx.send(reply);
        true
    }

    /// Fail one waiter (its response was malformed). False when nobody waits.
    pub(crate) fn fail(&self, seq: u32, error: EsmeError) -> bool {
        let Some(waiter) = self.lock().map.remove(&seq) else {
            return false;
        };
        let _ = waiter.tx.send(Err(error));
        true
    }

    pub(crate) fn remove(&self, seq: u32) {
        self.lock().map.remove(&seq);
    }

    /// Refuse new entries and fail the outstanding ones with `Disconnected`.
    pub(crate) fn close(&self) -> usize {
        let drained: Vec<Waiter> = {
            let mut inner = self.lock();
            inner.closed = true;
            inner.map.drain().map(|(_, w)| w).collect()
        };
        let n = drained.len();
        for w in drained {
            let _ = w.tx.send(Err(EsmeError::Disconnected));
        }
        n
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().map.len()
    }
}

/// Removes a caller's entry if the caller stops waiting before the response.
pub(crate) struct PendingGuard<'a> {
    pending: &'a Pending,
    seq: u32,
    armed: bool,
}

impl<'a> PendingGuard<'a> {
    pub(crate) fn new(pending: &'a Pending, seq: u32) -> Self {
        Self {
            pending,
            seq,
            armed: true,
        }
    }

    /// The response arrived; the reader already removed the entry.
    pub(crate) fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.pending.remove(self.seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use rusmpp::{CommandStatus, Pdu};

    use super::*;

    #[test]
    fn sequence_wraps_from_max_back_to_one() {
        let seq = SequenceNumbers::new(MAX_SEQUENCE_NUMBER - 1);
        let got: Vec<u32> = (0..4).map(|_| seq.next()).collect();
        assert_eq!(
            got,
            vec![MAX_SEQUENCE_NUMBER - 1, MAX_SEQUENCE_NUMBER, 1, 2]
        );
    }

    #[test]
    fn sequence_never_yields_zero_or_above_max() {
        let seq = SequenceNumbers::new(0);
        assert_eq!(seq.next(), 1);
        let seq = SequenceNumbers::new(u32::MAX);
        assert_eq!(seq.next(), MAX_SEQUENCE_NUMBER);
        assert_eq!(seq.next(), 1);
    }

    fn resp(seq: u32, pdu: Pdu) -> Box<Command> {
        Box::new(Command::new(CommandStatus::EsmeRok, seq, pdu))
    }

    #[test]
    fn complete_checks_the_response_matches_the_request() {
        let pending = Pending::default();
        let (tx, mut rx) = oneshot::channel();
        pending.insert(7, CommandId::EnquireLinkResp, tx).unwrap();
        assert_eq!(
            pending.insert(7, CommandId::EnquireLinkResp, oneshot::channel().0),
            Err(InsertError::InUse)
        );
        assert!(pending.complete(resp(7, Pdu::UnbindResp)));
        assert!(matches!(rx.try_recv(), Ok(Err(EsmeError::BadResponse(_)))));
        assert!(
            !pending.complete(resp(7, Pdu::EnquireLinkResp)),
            "entry was removed"
        );
    }

    #[test]
    fn close_fails_waiters_and_refuses_new_ones() {
        let pending = Pending::default();
        let (tx, mut rx) = oneshot::channel();
        pending.insert(1, CommandId::EnquireLinkResp, tx).unwrap();
        assert_eq!(pending.close(), 1);
        assert!(matches!(rx.try_recv(), Ok(Err(EsmeError::Disconnected))));
        let (tx, _rx) = oneshot::channel();
        assert_eq!(
            pending.insert(2, CommandId::EnquireLinkResp, tx),
            Err(InsertError::Closed)
        );
    }

    #[test]
    fn guard_removes_abandoned_entry_unless_disarmed() {
        let pending = Pending::default();
        pending
            .insert(1, CommandId::EnquireLinkResp, oneshot::channel().0)
            .unwrap();
        pending
            .insert(2, CommandId::EnquireLinkResp, oneshot::channel().0)
            .unwrap();
        drop(PendingGuard::new(&pending, 1));
        let mut kept = PendingGuard::new(&pending, 2);
        kept.disarm();
        drop(kept);
        assert_eq!(pending.len(), 1);
    }
}
