//! `switchboard bench handsets`: one cell of T terminals against the
//! switch, as separate release processes.
//!
//! smsc-sim starts in memory with [`procs::SMSC_CONFIG`]; handset-sim
//! starts once with an empty cell (its baseline memory) and then with a
//! generated cell of T terminals. The attach time runs from spawning that
//! handset-sim to the SMSC's `/api/stats` counting all T attached (config
//! parsing included); memory per terminal is the resident-memory difference
//! over T. Then one bind sends S messages one at a time for the latency
//! figure ([`load::latency`]) and another N messages to distinct terminals,
//! pipelined with receipts ([`load::deliver_all`]) → messages/s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use super::progress::Progress;
use super::stats::{Latency, rss_kib};
use super::{load, procs};

#[derive(Debug, Clone, clap::Args)]
pub struct HandsetsArgs {
    /// Terminals in the one cell.
    #[arg(long, default_value_t = 100_000)]
    pub terminals: usize,
    /// Messages to distinct terminals (default: one per terminal).
    #[arg(long)]
    pub messages: Option<usize>,
    /// SMPP window of the load bind.
    #[arg(long, default_value_t = 200)]
    pub window: usize,
    /// Messages sent one at a time for the submit → inbox latency (0: none).
    #[arg(long, default_value_t = 1000)]
    pub latency_samples: usize,
    /// Where smsc-sim and handset-sim are (default: beside this executable).
    #[arg(long)]
    pub bin_dir: Option<PathBuf>,
    /// Print only the JSON line (no table, no progress).
    #[arg(long)]
    pub json_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HandsetsReport {
    pub bench: &'static str,
    pub terminals: usize,
    pub attach_s: f64,
    pub rss_empty_mib: f64,
    pub rss_attached_mib: f64,
    pub kib_per_terminal: f64,
    pub messages: usize,
    pub window: usize,
    pub submit_per_s: f64,
    pub delivered_s: f64,
    pub messages_per_s: f64,
    pub rss_after_messages_mib: f64,
    pub submit_to_inbox: Latency,
}

pub async fn run(args: &HandsetsArgs) -> anyhow::Result<HandsetsReport> {
    let (t, n) = (args.terminals, args.messages.unwrap_or(args.terminals));
    if t == 0 || args.window == 0 {
        bail!("--terminals and --window must be > 0");
    }
    let smsc_bin = procs::binary(args.bin_dir.as_deref(), "smsc-sim")?;
    let handset_bin = procs::binary(args.bin_dir.as_deref(), "handset-sim")?;
    let progress = Progress::new(!args.json_only);
    let dir = std::env::temp_dir().join(format!("switchboard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let outcome = measure(args, t, n, &dir, &smsc_bin, &handset_bin, &progress).await;
    progress.clear();
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(
    args: &HandsetsArgs,
    t: usize,
    n: usize,
    dir: &Path,
    smsc_bin: &Path,
    handset_bin: &Path,
    progress: &Progress,
) -> anyhow::Result<HandsetsReport> {
    let smsc_conf = dir.join("smsc.toml");
    std::fs::write(&smsc_conf, procs::SMSC_CONFIG)?;
    let any = "127.0.0.1:0";
    let (_smsc, ready) = procs::start(
        Command::new(smsc_bin)
            .arg("serve")
            .arg("--config")
            .arg(&smsc_conf)
            .args([
                "--memory",
                "--smpp-listen",
                any,
                "--http-listen",
                any,
                "--air-listen",
                any,
            ]),
    )?;
    let field = |k: &str| {
        ready[k]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("smsc-sim ready line: {k}"))
    };
    let (smpp, smsc_http, air) = (field("smpp")?, field("http")?, field("air")?);
    let cell = |conf: &Path| {
        let mut c = Command::new(handset_bin);
        c.arg("serve")
            .arg("--config")
            .arg(conf)
            .args(["--air", &air, "--http-listen", any]);
        c
    };
    let empty = dir.join("cell-empty.toml");
    std::fs::write(&empty, "[cell]\nid = \"empty\"\n")?;
    let (base, _) = procs::start(&mut cell(&empty))?;
    // Let the idle process settle (runtime threads, first HTTP buffers).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_empty = rss_kib(base.id())?;
    drop(base);

    progress.phase(&format!("writing a cell of {t} terminals"));
    let conf = dir.join("cell.toml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&conf)?);
    procs::cell_config(&mut f, t)?;
    std::io::Write::flush(&mut f)?;
    drop(f);
    progress.phase("attaching");
    let t0 = Instant::now();
    let (handsets, ready) = procs::start(&mut cell(&conf))?;
    let handsets_api = format!(
        "http://{}",
        ready["http"]
            .as_str()
            .context("handset-sim ready line: http")?
    );
    let http = reqwest::Client::new();
    loop {
        let stats: serde_json::Value = http
            .get(format!("http://{smsc_http}/api/stats"))
            .send()
            .await?
            .json()
            .await?;
        let attached = stats["handsets"]["attached"].as_u64().unwrap_or(0) as usize;
        progress.update(attached, t);
        if attached >= t {
            break;
        }
        if t0.elapsed() > Duration::from_secs(300) {
            bail!(
                "{attached} of {t} attached after 300 s: {}",
                stats["handsets"]
            );
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let attach = t0.elapsed();
    let rss_attached = rss_kib(handsets.id())?;

    let mut samples = Vec::new();
    if args.latency_samples > 0 {
        progress.phase("submit -> inbox, one at a time");
        let (esme, mut events) = load::bind(&smpp, 1).await?;
        // Receipts must be read or the ESME stops reading from the SMSC.
        tokio::spawn(async move { while events.recv().await.is_some() {} });
        samples = load::latency(
            &esme,
            &handsets_api,
            &procs::terminal(0),
            args.latency_samples,
            progress,
        )
        .await?;
        esme.unbind().await?;
    }
    let mut sent = None;
    if n > 0 {
        progress.phase(&format!("{n} messages, window {}", args.window));
        let (esme, events) = load::bind(&smpp, args.window).await?;
        sent = Some(load::deliver_all(&esme, events, n, t, progress).await?);
        esme.unbind().await?;
    }
    let rss_after = rss_kib(handsets.id())?;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let rate = |d: Option<Duration>| d.map_or(0.0, |d| n as f64 / d.as_secs_f64());
    Ok(HandsetsReport {
        bench: "handsets",
        terminals: t,
        attach_s: attach.as_secs_f64(),
        rss_empty_mib: mib(rss_empty),
        rss_attached_mib: mib(rss_attached),
        kib_per_terminal: rss_attached.saturating_sub(rss_empty) as f64 / t as f64,
        messages: n,
        window: args.window,
        submit_per_s: rate(sent.map(|s| s.submitted)),
        delivered_s: sent.map_or(0.0, |s| s.delivered.as_secs_f64()),
        messages_per_s: rate(sent.map(|s| s.delivered)),
        rss_after_messages_mib: mib(rss_after),
        submit_to_inbox: Latency::of(samples),
    })
}
