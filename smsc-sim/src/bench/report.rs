//! Printing a [`BenchReport`]: a table on stdout (each run's smsc-sim and
//! ceiling rows, then the medians and the headline ratio), then one JSON line
//! with every figure. `--json-only` prints the JSON line alone.

use std::fmt::Write;

use super::options::Encoding;
use super::stats::Latency;
use super::{BenchReport, Phase};

/// Prints the table (unless `--json-only`) and the JSON line.
pub fn print(report: &BenchReport) {
    if !report.options.json_only {
        print!("{}", table(report));
    }
    println!("{}", json_line(report));
}

/// The JSON line: the report as serialized, on one line.
pub fn json_line(report: &BenchReport) -> String {
    serde_json::to_string(report).expect("the report is plain numbers and strings")
}

fn lat(l: &Latency) -> String {
    if l.samples == 0 {
        return "-".into();
    }
    format!("{}/{}/{}", l.p50_us, l.p99_us, l.p999_us)
}

fn row(out: &mut String, run: &str, name: &str, p: &Phase, ratio: Option<f64>) {
    let _ = writeln!(
        out,
        "{run:<7}{name:<10}{:>10.0}{:>10.0}{:>10.0}  {:>18}  {:>18}  {:>6.2}/{:<6.2}{:>8.1}{:>7}",
        p.msgs_per_s,
        p.submits_per_s,
        p.receipts_per_s,
        lat(&p.resp_latency),
        lat(&p.receipt_latency),
        p.cpu.user_s,
        p.cpu.sys_s,
        p.peak_rss_mib,
        ratio.map_or("-".into(), |r| format!("{r:.2}")),
    );
}

/// A compact "152k" for the headline.
fn k(rate: f64) -> String {
    format!("{:.0}k", rate / 1000.0)
}

pub fn table(r: &BenchReport) -> String {
    let o = &r.options;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "smsc-sim bench: target {}, {} bind(s), window {}, {} messages, receipts {}, {} octets {}{}",
        r.target,
        o.binds,
        o.window,
        o.messages,
        if o.receipts { "on" } else { "off" },
        o.size,
        match o.encoding {
            Encoding::Gsm => "gsm",
            Encoding::Ucs2 => "ucs2",
        },
        o.rate
            .map_or(String::new(), |x| format!(", rate cap {x:.0}/s")),
    );
    let _ = writeln!(
        out,
        "{:<7}{:<10}{:>10}{:>10}{:>10}  {:>18}  {:>18}  {:>13}{:>8}{:>7}",
        "run",
        "phase",
        "msg/s",
        "submit/s",
        "rcpt/s",
        "resp p50/99/999us",
        "rcpt p50/99/999us",
        "cpu usr/sys s",
        "rss MiB",
        "ratio"
    );
    for run in &r.runs {
        let n = run.run.to_string();
        row(&mut out, &n, "smsc-sim", &run.smsc, run.ratio);
        if let Some(c) = &run.ceiling {
            row(&mut out, &n, "ceiling", c, None);
        }
    }
    let m = &r.smsc;
    let _ = writeln!(
        out,
        "median of {} runs: {:.0} msg/s, {:.0} submit/s, {:.0} receipts/s; submit_sm_resp p50/p99/p999 {} us; receipt {} us",
        r.runs.len(),
        m.msgs_per_s,
        m.submits_per_s,
        m.receipts_per_s,
        lat(&m.resp_latency),
        lat(&m.receipt_latency),
    );
    match (&r.ceiling, r.ratio) {
        (Some(c), Some(ratio)) => {
            let _ = writeln!(
                out,
                "smsc-sim {}: {} msg/s = {ratio:.2} of ceiling {}",
                r.target,
                k(m.msgs_per_s),
                k(c.msgs_per_s)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "smsc-sim {}: {} msg/s (no ceiling measured)",
                r.target,
                k(m.msgs_per_s)
            );
        }
    }
    out
}
