//! Wall-clock time for the flow, as Unix milliseconds, with an offset that
//! tests move forward to reach expiry without waiting (a code lives at
//! least 60 s). Production never advances it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        wall + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Move this clock (and every clone) forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let c = Clock::default();
        let d = c.clone();
        let before = d.now_ms();
        c.advance(Duration::from_secs(600));
        assert!(d.now_ms() - before >= 600_000);
    }
}
