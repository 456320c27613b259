//! The applier: one OS thread that owns the SQLite writer connection and
//! copies journaled ops into SQLite in large transactions, behind the
//! acknowledgements. Ops wait in a shared [`ApplyQueue`] for up to
//! [`APPLY_DELAY`] (or until [`APPLY_MAX_OPS`] are queued) so that most
//! messages are inserted already final (`coalesce`); then one transaction
//! writes them, the sequence number now in SQLite is published, and journal
//! segments that SQLite fully holds are deleted. Writers wake the thread only
//! when the queue becomes non-empty or full, not once per op.
//!
//! Reads go to SQLite, so before reading a caller asks for a flush: the
//! applier writes everything queued at once and answers after the commit.
//! Every acknowledged write was queued before its caller was answered, so
//! a read sees every write that returned before it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::coalesce::Batch;
use super::journal::{Op, remove_segments};

/// Longest time an op waits to be applied, unless a read asks sooner.
pub const APPLY_DELAY: Duration = Duration::from_millis(50);
/// Apply at once when this many ops are queued.
pub const APPLY_MAX_OPS: usize = 32_768;
/// Wait before retrying after SQLite refused a batch.
const RETRY_DELAY: Duration = Duration::from_secs(1);

/// Answer to a flush: `Err` says why SQLite refused the batch.
pub type Flushed = oneshot::Sender<Result<(), String>>;

#[derive(Default)]
struct Queued {
    ops: Vec<(u64, Op)>,
    /// Segments no longer written, with the last sequence number in each.
    sealed: Vec<(PathBuf, u64)>,
    flushes: Vec<Flushed>,
    closing: bool,
    /// Tests: stop at once, as a kill would.
    halted: bool,
}

/// What writers hand the applier thread.
#[derive(Default)]
pub struct ApplyQueue {
    queued: Mutex<Queued>,
    wake: Condvar,
    /// The highest sequence number SQLite holds.
    pub applied: AtomicU64,
    transactions: AtomicU64,
}

impl ApplyQueue {
    fn lock(&self) -> MutexGuard<'_, Queued> {
        // Every change under this lock is a push: a panic cannot leave it
        // half-done.
        self.queued.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a journaled op (sequence numbers in order).
    pub fn push(&self, seq: u64, op: Op) {
        let mut q = self.lock();
        q.ops.push((seq, op));
        if q.ops.len() == 1 || q.ops.len() >= APPLY_MAX_OPS {
            self.wake.notify_one();
        }
    }

    /// Transactions committed to SQLite so far.
    pub fn transactions(&self) -> u64 {
        self.transactions.load(Ordering::Relaxed)
    }

    pub fn seal(&self, path: PathBuf, last_seq: u64) {
        self.lock().sealed.push((path, last_seq));
    }

    /// Asks for everything queued to be applied now; `reply` answers after
    /// the commit (or is dropped if the applier has stopped).
    pub fn flush(&self, reply: Flushed) {
        let mut q = self.lock();
        if !q.closing {
            q.flushes.push(reply);
            self.wake.notify_one();
        }
    }

    /// Applies everything, deletes the sealed segments, and stops the thread.
    pub fn close(&self) {
        self.lock().closing = true;
        self.wake.notify_one();
    }

    #[cfg(test)]
    pub fn halt(&self) {
        let mut q = self.lock();
        // Later flushes are dropped, as they would be by a dead process.
        q.closing = true;
        q.halted = true;
        self.wake.notify_one();
    }

    /// Waits until there is work that is due, and takes it.
    fn take(&self) -> Option<Queued> {
        let mut q = self.lock();
        loop {
            if q.halted {
                return None;
            }
            if q.closing || !q.flushes.is_empty() || q.ops.len() >= APPLY_MAX_OPS {
                break;
            }
            if q.ops.is_empty() {
                q = self.wake.wait(q).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            let (guard, timeout) = self
                .wake
                .wait_timeout(q, APPLY_DELAY)
                .unwrap_or_else(PoisonError::into_inner);
            q = guard;
            if timeout.timed_out() {
                break;
            }
        }
        Some(Queued {
            ops: std::mem::take(&mut q.ops),
            sealed: std::mem::take(&mut q.sealed),
            flushes: std::mem::take(&mut q.flushes),
            closing: q.closing,
            halted: false,
        })
    }
}

/// Runs until the queue is closed (or halted, in tests).
pub fn run(mut conn: Connection, queue: Arc<ApplyQueue>) {
    let mut batch = Batch::default();
    let mut sealed = Vec::new();
    loop {
        let Some(work) = queue.take() else {
            return;
        };
        for (seq, op) in work.ops {
            batch.add(seq, op);
        }
        sealed.extend(work.sealed);
        let outcome = if batch.is_empty() {
            Ok(())
        } else {
            batch.write(&mut conn).map_err(|e| e.to_string())
        };
        match &outcome {
            Ok(()) => {
                if !batch.is_empty() {
                    queue.applied.store(batch.last_seq(), Ordering::Release);
                    queue.transactions.fetch_add(1, Ordering::Relaxed);
                }
                batch = Batch::default();
                remove_applied(&mut sealed, queue.applied.load(Ordering::Acquire));
            }
            Err(e) => {
                // The ops stay journaled and in `batch`; a restart replays
                // them if SQLite keeps refusing.
                tracing::error!(error = %e, "applying the journal to SQLite failed");
                std::thread::sleep(RETRY_DELAY);
            }
        }
        for reply in work.flushes {
            let _ = reply.send(outcome.clone());
        }
        if work.closing {
            return;
        }
    }
}

fn remove_applied(sealed: &mut Vec<(PathBuf, u64)>, applied: u64) {
    let done: Vec<PathBuf> = sealed
        .extract_if(.., |(_, last)| *last <= applied)
        .map(|(path, _)| path)
        .collect();
    if let Err(e) = remove_segments(&done) {
        tracing::warn!(error = %e, "removing an applied journal segment failed");
    }
}
