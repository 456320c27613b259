//! `smsc-sim bench`: how fast smsc-sim takes submit_sm and returns receipts,
//! next to the ceiling of the same load on the same framing.
//!
//! Each of `--runs` runs has two phases: the load ([`load`]) against the
//! minimal responder ([`ceiling`]), then the identical load against the
//! target ([`target`]: an in-process smsc-sim, memory or durable, or a
//! running one). A phase yields a [`Phase`] of rates, latency percentiles
//! ([`stats`]) and the process's CPU time and peak RSS ([`resources`]); the
//! run's ratio compares the two phases measured back to back, so a noisy
//! machine moves both. [`BenchReport`] holds every run and the medians;
//! [`report`] prints it as a table and one JSON line.

pub mod ceiling;
pub mod load;
pub mod options;
pub mod report;
pub mod resources;
pub mod stats;
mod target;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

pub use options::{BenchArgs, BenchOptions};

use load::{LoadResult, LoadSpec, Progress};
use resources::CpuTime;
use stats::{Latency, median, median_latency};

/// One phase's figures. Rates run from the first submit to the last
/// submit_sm_resp (`submits_per_s`) or the last receipt (`receipts_per_s`);
/// `msgs_per_s` is the latter with receipts on and the former without.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub submitted: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub receipts: u64,
    pub wall_s: f64,
    pub msgs_per_s: f64,
    pub submits_per_s: f64,
    pub receipts_per_s: f64,
    pub resp_latency: Latency,
    pub receipt_latency: Latency,
    /// The whole bench process (generator, and the server when in-process).
    pub cpu: CpuTime,
    pub peak_rss_mib: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub run: usize,
    pub smsc: Phase,
    pub ceiling: Option<Phase>,
    /// smsc msgs_per_s / ceiling msgs_per_s, in this run.
    pub ratio: Option<f64>,
}

/// Medians over the runs, field by field.
#[derive(Debug, Clone, Serialize)]
pub struct Medians {
    pub msgs_per_s: f64,
    pub submits_per_s: f64,
    pub receipts_per_s: f64,
    pub resp_latency: Latency,
    pub receipt_latency: Latency,
    pub cpu_user_s: f64,
    pub cpu_sys_s: f64,
    pub peak_rss_mib: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// "memory", "durable" or the address given with --target.
    pub target: String,
    pub options: BenchOptions,
    pub runs: Vec<Run>,
    pub smsc: Medians,
    pub ceiling: Option<Medians>,
    /// Median of the per-run ratios.
    pub ratio: Option<f64>,
}

/// Entry point of the subcommand: check, run, print.
pub async fn main(args: BenchArgs) -> anyhow::Result<()> {
    let opts = args.check().map_err(anyhow::Error::msg)?;
    let report = run(&opts).await?;
    report::print(&report);
    Ok(())
}

/// Runs every phase of every run; a phase that fails ends the bench with its error.
pub async fn run(opts: &BenchOptions) -> anyhow::Result<BenchReport> {
    let spec = LoadSpec {
        binds: opts.binds,
        window: opts.window,
        messages: opts.messages,
        receipts: opts.receipts,
        submit: opts.submit_template(),
        rate: opts.rate,
        system_id: opts.system_id.clone(),
        password: opts.password.clone(),
        timeout: opts.timeout(),
    };
    let mut runs = Vec::with_capacity(opts.runs);
    for i in 1..=opts.runs {
        let label = format!("run {i}/{}", opts.runs);
        // The ceiling goes first: peak RSS is per process and the allocator
        // keeps what the server freed, so after the server it would read high.
        let ceiling = if opts.ceiling {
            let c = ceiling::Ceiling::start().await?;
            let p = phase(c.addr, &spec, opts, &format!("{label} ceiling")).await;
            c.stop().await;
            Some(p?)
        } else {
            None
        };
        let target = target::Target::start(opts).await?;
        let smsc = phase(target.addr, &spec, opts, &format!("{label} smsc-sim")).await;
        target.stop().await?;
        let smsc = smsc?;
        let ratio = ceiling.as_ref().map(|c| smsc.msgs_per_s / c.msgs_per_s);
        runs.push(Run {
            run: i,
            smsc,
            ceiling,
            ratio,
        });
    }
    let ceilings: Vec<Phase> = runs.iter().filter_map(|r| r.ceiling.clone()).collect();
    let ratios: Vec<f64> = runs.iter().filter_map(|r| r.ratio).collect();
    Ok(BenchReport {
        target: opts.target.map_or_else(
            || {
                serde_json::to_value(opts.store)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            },
            |a| a.to_string(),
        ),
        options: opts.clone(),
        smsc: medians(&runs.iter().map(|r| r.smsc.clone()).collect::<Vec<_>>()),
        ceiling: (!ceilings.is_empty()).then(|| medians(&ceilings)),
        ratio: (!ratios.is_empty()).then(|| median(&ratios)),
        runs,
    })
}

async fn phase(
    addr: std::net::SocketAddr,
    spec: &LoadSpec,
    opts: &BenchOptions,
    label: &str,
) -> anyhow::Result<Phase> {
    let progress = Arc::new(Progress::default());
    let ticker = (!opts.json_only)
        .then(|| tokio::spawn(tick(label.to_owned(), opts.messages, progress.clone())));
    resources::reset_peak_rss();
    let cpu0 = CpuTime::now();
    let result = load::run_load(addr, spec, progress).await;
    let cpu = CpuTime::since(cpu0);
    let peak_rss_mib = resources::peak_rss_mib();
    if let Some(t) = ticker {
        t.abort();
    }
    let r = result.map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
    Ok(figures(r, cpu, peak_rss_mib, opts.receipts))
}

/// A progress line on stderr every second while a phase runs.
async fn tick(label: String, messages: usize, progress: Arc<Progress>) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.tick().await;
    loop {
        every.tick().await;
        let (s, r, d) = progress.snapshot();
        eprintln!("{label}: {s}/{messages} submitted, {r} submit_sm_resp, {d} receipts");
    }
}

fn figures(r: LoadResult, cpu: CpuTime, peak_rss_mib: f64, receipts: bool) -> Phase {
    let o = &r.outcome;
    let span = |end: Option<tokio::time::Instant>| match (o.first_submit, end) {
        (Some(a), Some(b)) if b > a => (b - a).as_secs_f64(),
        _ => 0.0,
    };
    let per_s = |n: u64, secs: f64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let submits_per_s = per_s(o.accepted + o.rejected, span(o.last_resp));
    let receipts_per_s = per_s(o.receipts, span(o.last_receipt));
    let wall_s = span(o.last_resp).max(span(o.last_receipt));
    Phase {
        submitted: o.submitted,
        accepted: o.accepted,
        rejected: o.rejected,
        receipts: o.receipts,
        wall_s,
        msgs_per_s: if receipts {
            receipts_per_s
        } else {
            submits_per_s
        },
        submits_per_s,
        receipts_per_s,
        resp_latency: r.resp_latency.summary(),
        receipt_latency: r.receipt_latency.summary(),
        cpu,
        peak_rss_mib,
    }
}

fn medians(phases: &[Phase]) -> Medians {
    let m = |f: fn(&Phase) -> f64| median(&phases.iter().map(f).collect::<Vec<_>>());
    Medians {
        msgs_per_s: m(|p| p.msgs_per_s),
        submits_per_s: m(|p| p.submits_per_s),
        receipts_per_s: m(|p| p.receipts_per_s),
        resp_latency: median_latency(&phases.iter().map(|p| p.resp_latency).collect::<Vec<_>>()),
        receipt_latency: median_latency(
            &phases.iter().map(|p| p.receipt_latency).collect::<Vec<_>>(),
        ),
        cpu_user_s: m(|p| p.cpu.user_s),
        cpu_sys_s: m(|p| p.cpu.sys_s),
        peak_rss_mib: m(|p| p.peak_rss_mib),
    }
}
