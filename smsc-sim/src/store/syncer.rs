//! Group fsync for [`SyncMode::Full`](super::SyncMode::Full): a write is
//! acknowledged only once an `fdatasync` that started after it returns.
//! Callers wait on blocking threads; the first to take the lock syncs
//! everything written so far, and the callers queued behind it find their
//! records covered and return without another sync. So concurrent writes
//! share one fsync, the way they shared one commit before the journal.
//!
//! After a failed fsync the kernel may have dropped the dirty pages, so the
//! syncer refuses every later acknowledgement instead of retrying.

use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::StoreError;

pub struct Syncer {
    state: Mutex<State>,
    /// Highest sequence number appended to the journal.
    written: AtomicU64,
    /// fsyncs made, to show how well they are shared.
    pub syncs: AtomicU64,
}

pub(super) struct State {
    synced: u64,
    file: File,
    failed: Option<String>,
}

impl Syncer {
    /// `file` is a handle on the segment being written; `synced` the last
    /// sequence number already on disk.
    pub fn new(file: File, synced: u64) -> Syncer {
        Syncer {
            state: Mutex::new(State {
                synced,
                file,
                failed: None,
            }),
            written: AtomicU64::new(synced),
            syncs: AtomicU64::new(0),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Each field is set in one assignment: a panic leaves them coherent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that `seq` is in the journal (called in sequence order).
    pub fn written(&self, seq: u64) {
        self.written.store(seq, Ordering::Release);
    }

    /// A new segment: everything up to `last_seq` is already synced (the
    /// caller synced the old segment); later syncs go to `file`.
    pub fn switch(&self, file: File, last_seq: u64) {
        let mut s = self.lock();
        s.file = file;
        s.synced = s.synced.max(last_seq);
    }

    /// Blocks until `seq` is on disk. Call off the async runtime.
    pub fn sync_to(&self, seq: u64) -> Result<(), StoreError> {
        let mut s = self.lock();
        if let Some(why) = &s.failed {
            return Err(StoreError::Io {
                path: "journal".into(),
                source: std::io::Error::other(why.clone()),
            });
        }
        if s.synced >= seq {
            return Ok(());
        }
        let target = self.written.load(Ordering::Acquire);
        self.syncs.fetch_add(1, Ordering::Relaxed);
        match s.file.sync_data() {
            Ok(()) => {
                s.synced = target;
                Ok(())
            }
            Err(source) => {
                s.failed = Some(source.to_string());
                Err(StoreError::Io {
                    path: "journal".into(),
                    source,
                })
            }
        }
    }
}
