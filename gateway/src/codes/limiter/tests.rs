use std::time::Duration;

use proptest::prelude::*;
use tokio::time::Instant;

use super::{InvalidLimit, Limit, RateLimiter, RetryAfter};
use crate::codes::CodePolicy;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn per_number_default_allows_five_per_ten_minutes() {
    let l = RateLimiter::per_number(&CodePolicy::default());
    let t0 = Instant::now();
    for i in 0..5 {
        assert_eq!(
            l.check_and_record("+447700900001", t0 + secs(i * 10)),
            Ok(()),
            "send {i}"
        );
    }
    // The oldest send (t0) leaves the 10-minute window at t0 + 600 s.
    assert_eq!(
        l.check_and_record("+447700900001", t0 + secs(60)),
        Err(RetryAfter(secs(540)))
    );
    assert_eq!(
        l.check_and_record("+447700900001", t0 + secs(599)),
        Err(RetryAfter(secs(1)))
    );
    assert_eq!(l.check_and_record("+447700900001", t0 + secs(600)), Ok(()));
    assert_eq!(
        l.check_and_record("+447700900002", t0 + secs(60)),
        Ok(()),
        "keys are independent"
    );
}

#[test]
fn per_number_default_allows_ten_per_hour() {
    let l = RateLimiter::per_number(&CodePolicy::default());
    let t0 = Instant::now();
    // Every 120 s never fills the 10-minute window, so only the hour limit bites.
    for i in 0..10 {
        assert_eq!(
            l.check_and_record("n", t0 + secs(i * 120)),
            Ok(()),
            "send {i}"
        );
    }
    assert_eq!(
        l.check_and_record("n", t0 + secs(1200)),
        Err(RetryAfter(secs(2400)))
    );
    assert_eq!(l.check_and_record("n", t0 + secs(3600)), Ok(()));
}

#[test]
fn refused_events_do_not_extend_the_block() {
    let l = RateLimiter::per_minute(2).unwrap();
    let t0 = Instant::now();
    assert!(l.check_and_record("ip", t0).is_ok());
    assert!(l.check_and_record("ip", t0 + secs(1)).is_ok());
    for s in 2..60 {
        assert_eq!(
            l.check_and_record("ip", t0 + secs(s)),
            Err(RetryAfter(secs(60 - s)))
        );
    }
    assert!(l.check_and_record("ip", t0 + secs(60)).is_ok());
}

#[test]
fn invalid_limits_are_refused() {
    assert_eq!(RateLimiter::new(&[]).unwrap_err(), InvalidLimit);
    assert!(
        RateLimiter::new(&[Limit {
            max: 0,
            per: secs(60)
        }])
        .is_err()
    );
    assert!(
        RateLimiter::new(&[Limit {
            max: 1,
            per: Duration::ZERO
        }])
        .is_err()
    );
    assert!(RateLimiter::per_minute(0).is_err());
    assert_eq!(
        RetryAfter(Duration::from_millis(1500)).to_string(),
        "rate limited; retry after 2 s"
    );
}

#[test]
fn keys_are_bounded() {
    let l = RateLimiter::per_minute(1).unwrap().with_max_keys(100);
    let t0 = Instant::now();
    for i in 0..1000 {
        assert!(
            l.check_and_record(&format!("10.0.{}.{}", i / 256, i % 256), t0)
                .is_ok()
        );
        assert!(l.tracked_keys() <= 100, "{} keys", l.tracked_keys());
    }
}

#[test]
fn idle_keys_are_pruned_by_the_periodic_sweep() {
    let l = RateLimiter::per_minute(1).unwrap();
    let t0 = Instant::now();
    for i in 0..1000 {
        assert!(l.check_and_record(&format!("ip{i}"), t0).is_ok());
    }
    assert_eq!(l.tracked_keys(), 1000);
    // Once their events left the window, idle keys are forgotten within
    // SWEEP_EVERY calls while one busy key keeps its history.
    let later = t0 + secs(61);
    for i in 0..super::SWEEP_EVERY {
        let _ = l.check_and_record("busy", later + Duration::from_millis(u64::from(i)));
    }
    assert_eq!(l.tracked_keys(), 1);
    assert!(l.check_and_record("busy", later + secs(2)).is_err());
}

#[test]
fn eviction_drops_the_least_recently_active_keys() {
    let l = RateLimiter::per_minute(1).unwrap().with_max_keys(4);
    let t0 = Instant::now();
    for (i, k) in ["a", "b", "c", "d"].into_iter().enumerate() {
        assert!(l.check_and_record(k, t0 + secs(i as u64)).is_ok());
    }
    assert!(l.check_and_record("e", t0 + secs(4)).is_ok());
    assert!(l.tracked_keys() <= 4);
    // "d" was active recently and keeps its history; "a" was the oldest and was evicted.
    assert_eq!(
        l.check_and_record("d", t0 + secs(5)),
        Err(RetryAfter(secs(58)))
    );
    assert_eq!(l.check_and_record("a", t0 + secs(5)), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn works_with_the_paused_tokio_clock() {
    let l = RateLimiter::per_minute(3).unwrap();
    for _ in 0..3 {
        assert!(l.check_and_record("ip", Instant::now()).is_ok());
        tokio::time::advance(secs(10)).await;
    }
    assert_eq!(
        l.check_and_record("ip", Instant::now()),
        Err(RetryAfter(secs(30)))
    );
    tokio::time::advance(secs(30)).await;
    assert!(l.check_and_record("ip", Instant::now()).is_ok());
}

/// A brute-force model: accept when every window holds fewer than `max`
/// accepted events; otherwise the wait is the least delay after which the
/// model would accept.
fn model(accepted: &[Duration], now: Duration, limits: &[Limit]) -> Result<(), Duration> {
    let room = |at: Duration| {
        limits.iter().all(|l| {
            let n = accepted
                .iter()
                .filter(|&&t| at.saturating_sub(t) < l.per)
                .count();
            n < l.max as usize
        })
    };
    if room(now) {
        return Ok(());
    }
    let mut candidates: Vec<Duration> = limits
        .iter()
        .flat_map(|l| accepted.iter().map(move |&t| t + l.per))
        .filter(|&c| c > now)
        .collect();
    candidates.sort();
    let at = candidates
        .into_iter()
        .find(|&c| room(c))
        .expect("events eventually leave every window");
    Err(at - now)
}

proptest! {
    #[test]
    fn matches_the_brute_force_model(
        steps in proptest::collection::vec(0u64..400_000, 1..80),
        max_short in 1u32..6,
        max_long in 1u32..12,
    ) {
        let limits = [Limit { max: max_short, per: secs(600) }, Limit { max: max_long, per: secs(3600) }];
        let l = RateLimiter::new(&limits).unwrap();
        let t0 = Instant::now();
        let (mut now, mut accepted) = (Duration::ZERO, Vec::new());
        for step in steps {
            now += Duration::from_millis(step);
            let expected = model(&accepted, now, &limits);
            let got = l.check_and_record("k", t0 + now).map_err(|RetryAfter(d)| d);
            prop_assert_eq!(got, expected);
            if got.is_ok() {
                accepted.push(now);
            }
        }
    }
}
