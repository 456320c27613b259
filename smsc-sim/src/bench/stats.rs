//! Latency samples and percentiles for the bench.
//!
//! Each bind records one `u32` of microseconds per submit_sm_resp and per
//! receipt into a [`Samples`]; the binds' samples are merged after the run and
//! sorted once, so percentiles are exact (nearest-rank) rather than bucketed.
//! 200 000 samples are 800 KB, small next to what the run itself allocates.
//! [`median`] picks the middle of the runs' figures for the summary.

use std::time::Duration;

use serde::Serialize;

/// Latencies in microseconds, unsorted until [`Samples::summary`].
#[derive(Debug, Default, Clone)]
pub struct Samples(Vec<u32>);

impl Samples {
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    pub fn record(&mut self, d: Duration) {
        self.0
            .push(u32::try_from(d.as_micros()).unwrap_or(u32::MAX));
    }

    pub fn extend(&mut self, other: Samples) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts the samples and reads p50/p99/p999 and the maximum.
    pub fn summary(mut self) -> Latency {
        self.0.sort_unstable();
        Latency {
            samples: self.0.len(),
            p50_us: percentile(&self.0, 50.0),
            p99_us: percentile(&self.0, 99.0),
            p999_us: percentile(&self.0, 99.9),
            max_us: self.0.last().copied().unwrap_or(0),
        }
    }
}

/// Percentiles of one latency series, in microseconds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub samples: usize,
    pub p50_us: u32,
    pub p99_us: u32,
    pub p999_us: u32,
    pub max_us: u32,
}

/// Nearest-rank percentile of sorted samples: the smallest value with at
/// least `p` percent of the samples at or below it; 0 when there are none.
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    // 99.9 has no exact binary form: without the nudge, p999 of 1000
    // samples would be rank 1000, not 999.
    let rank = ((p / 100.0) * sorted.len() as f64 - 1e-9).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of the runs' figures (the lower middle for an even count, so
/// the figure is one that was measured, not an average of two).
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) / 2]
}

/// Median of each percentile over runs.
pub fn median_latency(runs: &[Latency]) -> Latency {
    let pick = |f: fn(&Latency) -> u32| {
        median(&runs.iter().map(|l| f64::from(f(l))).collect::<Vec<_>>()) as u32
    };
    Latency {
        samples: median(&runs.iter().map(|l| l.samples as f64).collect::<Vec<_>>()) as usize,
        p50_us: pick(|l| l.p50_us),
        p99_us: pick(|l| l.p99_us),
        p999_us: pick(|l| l.p999_us),
        max_us: pick(|l| l.max_us),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u32> = (1..=1000).collect();
        assert_eq!(percentile(&v, 50.0), 500);
        assert_eq!(percentile(&v, 99.0), 990);
        assert_eq!(percentile(&v, 99.9), 999);
        assert_eq!(percentile(&v, 100.0), 1000);
        assert_eq!(percentile(&[7], 99.9), 7);
        assert_eq!(percentile(&[], 50.0), 0);
    }

    #[test]
    fn summary_sorts_before_reading() {
        let mut s = Samples::default();
        for us in [900u64, 100, 500, 300, 700] {
            s.record(Duration::from_micros(us));
        }
        let l = s.summary();
        assert_eq!(
            (l.samples, l.p50_us, l.p99_us, l.max_us),
            (5, 500, 900, 900)
        );
    }

    #[test]
    fn long_latencies_saturate() {
        let mut s = Samples::default();
        s.record(Duration::from_secs(10_000));
        assert_eq!(s.summary().max_us, u32::MAX);
    }

    #[test]
    fn median_of_runs() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.0);
        assert_eq!(median(&[]), 0.0);
        let l = median_latency(&[
            Latency {
                samples: 10,
                p50_us: 5,
                p99_us: 50,
                p999_us: 90,
                max_us: 100,
            },
            Latency {
                samples: 10,
                p50_us: 1,
                p99_us: 10,
                p999_us: 30,
                max_us: 300,
            },
            Latency {
                samples: 10,
                p50_us: 3,
                p99_us: 30,
                p999_us: 60,
                max_us: 200,
            },
        ]);
        assert_eq!((l.p50_us, l.p99_us, l.p999_us, l.max_us), (3, 30, 60, 200));
    }
}
