//! Client-side pacing: an SMSC's `max_rate` as the gateway keeps it.
//!
//! [`Pacer::wait`] hands out send slots `1/max_rate` apart; a caller sleeps
//! until its slot. Keeping under the SMSC's contracted rate avoids most
//! ESME_RTHROTTLED answers; those that still come are retried by the ESME.

use std::{sync::Mutex, time::Duration};

use tokio::time::{Instant, sleep_until};

/// Spaces submits `1/max_rate` apart; no limit for a rate of 0.
#[derive(Debug)]
pub struct Pacer {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn new(max_rate: u32) -> Self {
        Pacer {
            interval: (max_rate > 0).then(|| Duration::from_secs(1) / max_rate),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for the next free slot.
    pub async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + interval;
            slot
        };
        sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_follow_the_rate() {
        let pacer = Pacer::new(4);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1), "4 gaps of 250 ms");
        let unlimited = Pacer::new(0);
        for _ in 0..100 {
            unlimited.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_get_distinct_slots() {
        let pacer = Pacer::new(10);
        let start = Instant::now();
        let waits = (0..10).map(|_| pacer.wait());
        futures::future::join_all(waits).await;
        assert_eq!(start.elapsed(), Duration::from_millis(900));
    }
}
