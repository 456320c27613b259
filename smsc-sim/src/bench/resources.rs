//! CPU time and peak memory of the bench process, from procfs.
//!
//! [`CpuTime::now`] reads utime and stime from `/proc/self/stat` (the whole
//! process, all threads: with an in-process target that is the load generator
//! and the server together); a phase's cost is the difference of two
//! readings. [`reset_peak_rss`] asks the kernel to restart the high-water
//! mark (`/proc/self/clear_refs` "5") so [`peak_rss_mib`] (VmHWM in
//! `/proc/self/status`) covers one phase. The crate forbids unsafe code, so
//! there is no getrusage or sysconf: clock ticks are taken as USER_HZ = 100,
//! which Linux has reported to user space on every architecture for decades.
//! Off Linux every figure reads as zero.

use serde::Serialize;

/// Clock ticks per second in `/proc/<pid>/stat` (USER_HZ).
const TICKS_PER_SEC: f64 = 100.0;

/// User and system CPU seconds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub struct CpuTime {
    pub user_s: f64,
    pub sys_s: f64,
}

impl CpuTime {
    /// The process's CPU time so far.
    pub fn now() -> CpuTime {
        std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| parse_stat(&s))
            .unwrap_or_default()
    }

    /// CPU spent since `earlier`.
    pub fn since(earlier: CpuTime) -> CpuTime {
        let now = CpuTime::now();
        // Whole ticks, so the JSON says 4.83 rather than 4.829999999999999.
        let ticks = |s: f64| (s * TICKS_PER_SEC).round().max(0.0) / TICKS_PER_SEC;
        CpuTime {
            user_s: ticks(now.user_s - earlier.user_s),
            sys_s: ticks(now.sys_s - earlier.sys_s),
        }
    }
}

/// utime and stime are fields 14 and 15; the command name (field 2) is in
/// parentheses and may hold spaces, so count from the last ')'.
fn parse_stat(stat: &str) -> Option<CpuTime> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some(CpuTime {
        user_s: utime / TICKS_PER_SEC,
        sys_s: stime / TICKS_PER_SEC,
    })
}

/// Restarts the peak-RSS mark; harmless where unsupported (the peak then
/// covers the whole process life, which is still an upper bound).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size in MiB (VmHWM), 0 when unreadable.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| parse_hwm_kib(&s))
        .map_or(0.0, |kib| kib as f64 / 1024.0)
}

fn parse_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_a_name_with_spaces() {
        let stat = "42 (tokio (worker) 1) R 1 42 42 0 -1 4194560 100 0 0 0 250 37 0 0 20 0";
        assert_eq!(
            parse_stat(stat),
            Some(CpuTime {
                user_s: 2.5,
                sys_s: 0.37
            })
        );
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn hwm_from_status() {
        let status = "Name:\tsmsc-sim\nVmPeak:\t  900 kB\nVmHWM:\t   2048 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(parse_hwm_kib(status), Some(2048));
        assert_eq!(parse_hwm_kib("Name: x\n"), None);
    }
}
