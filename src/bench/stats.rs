//! Figures from samples: percentiles of latencies, the median of repeated
//! runs, resident memory of a process, and the human table every benchmark
//! prints before its JSON line.
//!
//! Latencies are kept as [`Duration`]s and reported in milliseconds with
//! microsecond precision; percentiles use the nearest-rank rule on the
//! sorted samples, so p99 of 100 samples is the 99th smallest.

use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

/// p50 and p99 of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
}

impl Latency {
    /// From unsorted samples; all zero when there are none.
    pub fn of(mut samples: Vec<Duration>) -> Latency {
        samples.sort_unstable();
        let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
        Latency {
            p50_ms: percentile(&samples, 0.50).map_or(0.0, ms),
            p99_ms: percentile(&samples, 0.99).map_or(0.0, ms),
            max_ms: samples.last().copied().map_or(0.0, ms),
            samples: samples.len(),
        }
    }
}

/// Nearest-rank percentile of sorted samples (`p` in 0..=1).
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The median of the values (the mean of the middle two for an even count);
/// 0 when there are none.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Resident memory of process `pid` in KiB (Linux /proc).
pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .context("no VmRSS in /proc status")
}

/// Print `rows` as a two-column table under `title`.
pub fn print_table(title: &str, rows: &[(String, String)]) {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    println!("{title}");
    for (k, v) in rows {
        println!("  {k:<width$}  {v}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn nearest_rank_percentiles() {
        let s: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&s, 0.5), Some(ms(50)));
        assert_eq!(percentile(&s, 0.99), Some(ms(99)));
        assert_eq!(percentile(&s, 1.0), Some(ms(100)));
        assert_eq!(percentile(&s[..1], 0.99), Some(ms(1)));
        assert_eq!(percentile(&[], 0.5), None);
        let l = Latency::of(vec![ms(3), ms(1), ms(2)]);
        assert_eq!((l.p50_ms, l.max_ms, l.samples), (2.0, 3.0, 3));
    }

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median([3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median([4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median([]), 0.0);
    }

    #[test]
    fn own_rss_is_readable() {
        assert!(rss_kib(std::process::id()).expect("linux /proc") > 0);
    }
}
