//! `switchboard bench otp`: whole checkouts through every part, against the
//! ceiling argon2id puts on them.
//!
//! Each of the M runs starts the stack in this process (free ports, in
//! memory, see [`checkout::config`]), lets C shoppers complete N checkouts
//! between them ([`checkout::shopper`]), stops the stack, and then hashes
//! with the configured password profile on every core for two seconds: one
//! password check per checkout makes that rate the ceiling of a secure
//! checkout. Code delivery runs from the code's issue at the gateway (the
//! code record's `issued_at`, ms) to the message's `received_at` in the
//! phone's inbox (handset-sim): SMPP, the SMSC's store, the switch, the air
//! link and the TPDU decode. [`OtpReport`] holds the median of every figure
//! over the runs, and each run.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use super::checkout::{self, Run};
use super::progress::Progress;
use super::stats::{Latency, median};
use crate::Stack;
use crate::merchant_client::Merchant;

/// How long the argon2 ceiling is measured in each run.
const HASHING: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, clap::Args)]
pub struct OtpArgs {
    /// Concurrent shoppers, each with a phone of its own.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Checkouts per run, shared out among the shoppers.
    #[arg(long, default_value_t = 400)]
    pub checkouts: usize,
    /// Runs; every figure is the median over them.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Print only the JSON line (no table, no progress).
    #[arg(long)]
    pub json_only: bool,
}

/// The figures of one run.
#[derive(Debug, Clone, Serialize)]
pub struct OtpRun {
    pub checkouts: usize,
    pub seconds: f64,
    pub checkouts_per_s: f64,
    pub code_delivery: Latency,
    pub checkout: Latency,
    pub argon2_hashes_per_s: f64,
    pub ratio: f64,
}

/// Medians over the runs, and the runs.
#[derive(Debug, Clone, Serialize)]
pub struct OtpReport {
    pub bench: &'static str,
    pub concurrency: usize,
    pub checkouts: usize,
    pub password_profile: String,
    pub cores: usize,
    pub checkouts_per_s: f64,
    pub code_delivery_p50_ms: f64,
    pub code_delivery_p99_ms: f64,
    pub checkout_p50_ms: f64,
    pub checkout_p99_ms: f64,
    pub argon2_hashes_per_s: f64,
    /// checkouts/s ÷ argon2 hashes/s on all cores.
    pub ratio: f64,
    pub code_delivery_measured: &'static str,
    pub runs: Vec<OtpRun>,
}

/// Run the benchmark with the fixtures in `fixtures`.
pub async fn run(args: &OtpArgs, fixtures: &Path) -> anyhow::Result<OtpReport> {
    anyhow::ensure!(
        args.concurrency > 0 && args.checkouts > 0 && args.runs > 0,
        "C, N and M must be > 0"
    );
    // Each phone may receive at most 1000 codes in 10 minutes (the most the
    // gateway's configuration allows).
    anyhow::ensure!(
        args.checkouts <= args.concurrency * 1000,
        "at most 1000 checkouts per shopper: raise --concurrency"
    );
    let progress = Arc::new(Progress::new(!args.json_only));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut runs = Vec::with_capacity(args.runs);
    let mut profile = String::new();
    for r in 0..args.runs {
        let config = checkout::config(fixtures, args.concurrency)?;
        let params = config.gateway.password_params();
        profile = format!("{params:?}");
        progress.phase(&format!("run {}/{}: starting the stack", r + 1, args.runs));
        let stack = Stack::start(config).await.context("starting the stack")?;
        progress.phase(&format!("run {}/{}: checkouts", r + 1, args.runs));
        let (samples, elapsed, stack) = checkouts(args, stack, Arc::clone(&progress)).await?;
        stack.stop().await?;
        progress.phase(&format!(
            "run {}/{}: argon2 on {cores} cores",
            r + 1,
            args.runs
        ));
        let hashes = tokio::task::spawn_blocking(move || argon2_rate(params, cores))
            .await
            .context("hashing thread")??;
        progress.clear();
        let rate = samples.len() as f64 / elapsed.as_secs_f64();
        runs.push(OtpRun {
            checkouts: samples.len(),
            seconds: elapsed.as_secs_f64(),
            checkouts_per_s: rate,
            code_delivery: Latency::of(samples.iter().map(|s| s.delivery).collect()),
            checkout: Latency::of(samples.iter().map(|s| s.checkout).collect()),
            argon2_hashes_per_s: hashes,
            ratio: rate / hashes,
        });
    }
    let med = |f: fn(&OtpRun) -> f64| median(runs.iter().map(f));
    Ok(OtpReport {
        bench: "otp",
        concurrency: args.concurrency,
        checkouts: args.checkouts,
        password_profile: profile,
        cores,
        checkouts_per_s: med(|r| r.checkouts_per_s),
        code_delivery_p50_ms: med(|r| r.code_delivery.p50_ms),
        code_delivery_p99_ms: med(|r| r.code_delivery.p99_ms),
        checkout_p50_ms: med(|r| r.checkout.p50_ms),
        checkout_p99_ms: med(|r| r.checkout.p99_ms),
        argon2_hashes_per_s: med(|r| r.argon2_hashes_per_s),
        ratio: med(|r| r.ratio),
        code_delivery_measured: "gateway code issued_at (ms) -> handset inbox received_at",
        runs,
    })
}

async fn checkouts(
    args: &OtpArgs,
    stack: Stack,
    progress: Arc<Progress>,
) -> anyhow::Result<(Vec<checkout::Sample>, Duration, Stack)> {
    let merchant = Merchant::from_dir(
        stack.gateway_merchant,
        &stack.gateway_data.join("merchants").join("mer_demoshop"),
    )?;
    let run = Arc::new(Run {
        stack,
        merchant,
        http: reqwest::Client::new(),
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        total: args.checkouts,
        progress,
    });
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|i| tokio::spawn(checkout::shopper(Arc::clone(&run), i)))
        .collect();
    let mut samples = Vec::with_capacity(args.checkouts);
    for (i, t) in tasks.into_iter().enumerate() {
        samples.extend(
            t.await
                .context("shopper task")?
                .with_context(|| format!("shopper {i}"))?,
        );
    }
    let elapsed = t0.elapsed();
    let run = Arc::into_inner(run).context("a shopper still holds the stack")?;
    Ok((samples, elapsed, run.stack))
}

/// argon2id hashes per second with `params` on `threads` threads.
fn argon2_rate(params: gateway::config::PasswordParams, threads: usize) -> anyhow::Result<f64> {
    let hasher = gateway::customers::Hasher::new(params)?;
    let t0 = Instant::now();
    let counts = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0u64;
                    while t0.elapsed() < HASHING {
                        if hasher
                            .hash_blocking(b"correct horse battery staple")
                            .is_ok()
                        {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(0))
            .sum::<u64>()
    });
    Ok(counts as f64 / t0.elapsed().as_secs_f64())
}
