//! The journal front: where a write becomes durable. The calling task takes
//! one lock, validates the op against [`Known`] (final states are final, ids
//! unique, receipts known), appends its record to the journal with one
//! `write` — a copy into the page cache, which outlives a killed process —
//! and queues the op for the applier. In [`SyncMode::Full`] it then waits
//! for a shared `fdatasync` (`syncer`) on a blocking thread. Only then does
//! the call return, so a returned call means "durable".
//!
//! Writing in the caller, rather than handing each op to a writer thread
//! and waiting for its reply, measured markedly cheaper: no channel, no
//! reply allocation, no thread wake-up per call, and a caller that polls
//! once (as the switch does for receipts) finds the write done.
//!
//! A refused op is answered with its error and journals nothing. A failed
//! journal write fails that call and every later one: acknowledging after a
//! write error could lose an acknowledged message.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use super::applier::ApplyQueue;
use super::journal::{Op, Segment, encode};
use super::known::{Answer, Known};
use super::syncer::Syncer;
use super::{StoreError, SyncMode};

struct Inner {
    segment: Segment,
    known: Known,
    next_seq: u64,
    records: Vec<u8>,
    broken: Option<String>,
    /// `known` has forgotten the final messages applied up to here.
    forgotten: u64,
}

/// Handle on the journal and the applier thread behind it. Dropping it
/// lets the applier bring SQLite up to date and waits for it, like `close`.
pub struct Front {
    /// `None` once closed.
    inner: Mutex<Option<Inner>>,
    queue: Arc<ApplyQueue>,
    applier: Mutex<Option<JoinHandle<()>>>,
    syncer: Option<Arc<Syncer>>,
    commits: AtomicU64,
}

impl Front {
    pub fn new(
        segment: Segment,
        known: Known,
        next_seq: u64,
        queue: Arc<ApplyQueue>,
        applier: JoinHandle<()>,
    ) -> Result<Front, StoreError> {
        let syncer = match segment.sync() {
            SyncMode::Full => Some(Arc::new(Syncer::new(segment.handle()?, next_seq - 1))),
            SyncMode::Normal => None,
        };
        let forgotten = queue.applied.load(Ordering::Acquire);
        Ok(Front {
            inner: Mutex::new(Some(Inner {
                segment,
                known,
                next_seq,
                records: Vec::with_capacity(4096),
                broken: None,
                forgotten,
            })),
            queue,
            applier: Mutex::new(Some(applier)),
            syncer,
            commits: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Option<Inner>> {
        // A panic mid-append may have left part of a record in the journal:
        // refuse further writes rather than append after it.
        self.inner.lock().unwrap_or_else(|poisoned| {
            let mut guard = poisoned.into_inner();
            if let Some(inner) = guard.as_mut() {
                inner
                    .broken
                    .get_or_insert_with(|| "a write panicked".into());
            }
            guard
        })
    }

    /// Journals `op`; returns once it is durable.
    pub async fn write(&self, op: Op) -> Result<Answer, StoreError> {
        let (answer, seq) = self.append(op)?;
        if let Some(syncer) = &self.syncer {
            let syncer = Arc::clone(syncer);
            tokio::task::spawn_blocking(move || syncer.sync_to(seq)).await??;
        }
        Ok(answer)
    }

    fn append(&self, op: Op) -> Result<(Answer, u64), StoreError> {
        let mut guard = self.lock();
        let inner = guard.as_mut().ok_or(StoreError::WriterGone)?;
        if let Some(why) = &inner.broken {
            return Err(failed(inner, why));
        }
        let applied = self.queue.applied.load(Ordering::Acquire);
        if applied > inner.forgotten {
            inner.known.end_batch();
            inner.known.forget_applied(applied);
            inner.forgotten = applied;
        }
        let seq = inner.next_seq;
        let (op, answer) = inner.known.check(seq, op)?;
        inner.records.clear();
        encode(&mut inner.records, seq, &op);
        if let Err(e) = inner.segment.append(&inner.records) {
            tracing::error!(error = %e, "journal write failed; the store refuses further writes");
            inner.broken = Some(e.to_string());
            return Err(e);
        }
        inner.next_seq += 1;
        self.commits.fetch_add(1, Ordering::Relaxed);
        if let Some(syncer) = &self.syncer {
            syncer.written(seq);
        }
        self.queue.push(seq, op);
        if inner.segment.is_full() {
            self.seal(inner, seq);
        }
        Ok((answer, seq))
    }

    fn seal(&self, inner: &mut Inner, last_seq: u64) {
        let sealed = inner.segment.rotate(last_seq + 1).and_then(|path| {
            if let Some(syncer) = &self.syncer {
                syncer.switch(inner.segment.handle()?, last_seq);
            }
            Ok(path)
        });
        match sealed {
            Ok(path) => self.queue.seal(path, last_seq),
            // The full segment keeps growing; the next write tries again.
            Err(e) => tracing::warn!(error = %e, "starting a new journal segment failed"),
        }
    }

    /// Journal writes so far (each one acknowledges one call).
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// True in `Full` mode: a write returns only after an fdatasync.
    pub fn waits_for_fsync(&self) -> bool {
        self.syncer.is_some()
    }

    /// fsyncs made in `Full` mode, shared by concurrent calls.
    pub fn syncs(&self) -> u64 {
        self.syncer
            .as_ref()
            .map_or(0, |s| s.syncs.load(Ordering::Relaxed))
    }

    pub fn queue(&self) -> &ApplyQueue {
        &self.queue
    }

    #[cfg(test)]
    pub fn syncer(&self) -> Option<&Syncer> {
        self.syncer.as_deref()
    }

    /// Refuses further writes, lets the applier bring SQLite up to date and
    /// delete the journal, and waits for it. Blocks: call off the runtime.
    pub fn shut(&self) {
        if let Some(inner) = self.lock().take() {
            self.queue
                .seal(inner.segment.path().to_path_buf(), inner.next_seq - 1);
        }
        self.queue.close();
        let applier = self
            .applier
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(applier) = applier {
            // A panic there was already reported on the thread.
            let _ = applier.join();
        }
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.shut();
    }
}

fn failed(inner: &Inner, why: &str) -> StoreError {
    StoreError::Io {
        path: inner.segment.path().to_path_buf(),
        source: io::Error::other(why.to_owned()),
    }
}
