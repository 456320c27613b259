//! Wall-clock time that follows tokio's clock.
//!
//! Message times (submit date, validity, receipts) are Unix milliseconds, but
//! tests pause and advance tokio's clock; deriving wall time from a start
//! point plus `tokio::time::Instant` elapsed keeps both views in step.

use std::time::{SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start_unix_ms: i64,
    start: Instant,
}

impl Clock {
    pub fn new() -> Self {
        let start_unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Self {
            start_unix_ms,
            start: Instant::now(),
        }
    }

    /// Current Unix time in milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.start_unix_ms + self.start.elapsed().as_millis() as i64
    }

    /// The tokio instant at which Unix time `unix_ms` falls (past times map to now).
    pub fn instant_at(&self, unix_ms: i64) -> Instant {
        let delta = unix_ms - self.now_ms();
        Instant::now() + std::time::Duration::from_millis(delta.max(0) as u64)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}
