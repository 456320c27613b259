//! The append-only journal in front of SQLite: what makes a write durable
//! before it is acknowledged, at the cost of one `write` per call (plus a
//! shared `fdatasync` in [`SyncMode::Full`]) instead of one SQLite commit.
//!
//! The journal is a series of segment files `journal-<first seq>.log` in the
//! data directory. [`Segment`] appends batches of records (`codec`) to the
//! newest one and is sealed once it grows past [`SEGMENT_BYTES`]; the
//! applier deletes a sealed segment once SQLite holds all of its records.
//! At open, `replay` reads back what SQLite has not applied yet.

mod codec;
mod fields;
mod replay;
mod values;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub use codec::{Op, decode, encode};
pub use replay::{remove_segments, unapplied};

use super::{StoreError, SyncMode};

/// A segment is sealed once it holds this many bytes.
pub const SEGMENT_BYTES: u64 = 64 * 1024 * 1024;

const PREFIX: &str = "journal-";
const SUFFIX: &str = ".log";

/// The segment being appended to.
pub struct Segment {
    file: File,
    path: PathBuf,
    dir: PathBuf,
    len: u64,
    sync: SyncMode,
}

impl Segment {
    /// Creates the segment whose first record will be `first_seq`.
    pub fn create(dir: &Path, first_seq: u64, sync: SyncMode) -> Result<Segment, StoreError> {
        let path = dir.join(format!("{PREFIX}{first_seq:020}{SUFFIX}"));
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(io)?;
        if sync == SyncMode::Full {
            // The new file's directory entry must survive a power loss too.
            File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(Segment {
            file,
            path,
            dir: dir.to_path_buf(),
            len: 0,
            sync,
        })
    }

    pub fn sync(&self) -> SyncMode {
        self.sync
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends encoded records in one write; once it returns they survive
    /// the process being killed (a power loss needs a sync as well).
    pub fn append(&mut self, records: &[u8]) -> Result<(), StoreError> {
        self.file
            .write_all(records)
            .map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })?;
        self.len += records.len() as u64;
        Ok(())
    }

    /// A second handle on the file, for syncing it from another thread.
    pub fn handle(&self) -> Result<File, StoreError> {
        self.file.try_clone().map_err(|source| StoreError::Io {
            path: self.path.clone(),
            source,
        })
    }

    pub fn is_full(&self) -> bool {
        self.len >= SEGMENT_BYTES
    }

    /// Starts the next segment at `first_seq`; returns the sealed one's path.
    /// In `Full` mode the sealed segment is synced first.
    pub fn rotate(&mut self, first_seq: u64) -> Result<PathBuf, StoreError> {
        if self.sync == SyncMode::Full {
            self.file.sync_data().map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })?;
        }
        let next = Segment::create(&self.dir, first_seq, self.sync)?;
        let sealed = std::mem::replace(self, next);
        Ok(sealed.path)
    }
}

/// Segment files in `dir`, oldest first.
fn segments(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let io = |source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with(PREFIX) && name.ends_with(SUFFIX) {
            found.push(path);
        }
    }
    // Zero-padded sequence numbers sort by name.
    found.sort();
    Ok(found)
}
