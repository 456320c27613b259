//! Per-account throughput limit: a token bucket refilled continuously.
//!
//! One bucket is shared by all binds of an account, so an ESME cannot escape
//! its limit by opening more sessions; an empty bucket answers ESME_RTHROTTLED.

use std::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// `rate` messages per second with a burst of one second's worth.
    pub fn new(rate: u32) -> Self {
        let rate = f64::from(rate.max(1));
        Self {
            rate,
            state: Mutex::new((rate, Instant::now())),
        }
    }

    /// Take `n` tokens if available.
    pub fn try_take(&self, n: u32) -> bool {
        let mut guard = self.state.lock().expect("token bucket lock poisoned");
        let (tokens, last) = &mut *guard;
        let now = Instant::now();
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(self.rate);
        *last = now;
        if *tokens >= f64::from(n) {
            *tokens -= f64::from(n);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn refills_with_time() {
        let b = TokenBucket::new(10);
        assert!((0..10).all(|_| b.try_take(1)));
        assert!(!b.try_take(1));
        tokio::time::advance(std::time::Duration::from_millis(100)).await;
        assert!(b.try_take(1));
        assert!(!b.try_take(1));
        tokio::time::advance(std::time::Duration::from_secs(5)).await;
        assert!((0..10).all(|_| b.try_take(1)));
        assert!(!b.try_take(1));
    }
}
