//! Reading the journal back at open: every record SQLite has not applied
//! yet, in order. A process killed in the middle of a write leaves a torn
//! last record; its caller was never answered, so replay stops there and the
//! record is dropped with the segment. A damaged record anywhere else is
//! reported and ends the replay too: nothing after it can be trusted to be
//! in order.

use std::path::{Path, PathBuf};

use super::{Op, decode, segments};
use crate::store::StoreError;

/// What the journal holds beyond `applied`: the records in order, and the
/// highest sequence number seen (at least `applied`).
pub struct Unapplied {
    pub ops: Vec<(u64, Op)>,
    pub last_seq: u64,
    /// The segment files read, to delete once the ops are in SQLite.
    pub segments: Vec<PathBuf>,
}

/// Reads every segment in `dir` and keeps the records after `applied`.
pub fn unapplied(dir: &Path, applied: u64) -> Result<Unapplied, StoreError> {
    let files = segments(dir)?;
    let mut ops = Vec::new();
    let mut last_seq = applied;
    for (i, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
        let mut at = 0;
        while at < bytes.len() {
            let Some((seq, op, len)) = decode(&bytes[at..]) else {
                let last = i + 1 == files.len();
                if last {
                    tracing::warn!(
                        segment = %path.display(),
                        offset = at,
                        "journal ends in a torn record (a write cut short); dropping it"
                    );
                } else {
                    tracing::error!(
                        segment = %path.display(),
                        offset = at,
                        "damaged journal record before the last segment; replay stops here"
                    );
                }
                return Ok(Unapplied {
                    ops,
                    last_seq,
                    segments: files,
                });
            };
            at += len;
            last_seq = last_seq.max(seq);
            if seq > applied {
                ops.push((seq, op));
            }
        }
    }
    Ok(Unapplied {
        ops,
        last_seq,
        segments: files,
    })
}

/// Deletes segment files whose records SQLite now holds.
pub fn remove_segments(paths: &[PathBuf]) -> Result<(), StoreError> {
    for path in paths {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Io {
                    path: path.clone(),
                    source,
                });
            }
        }
    }
    Ok(())
}
