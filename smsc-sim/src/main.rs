//! `smsc-sim` binary: parse the command line, load the config, start the
//! SMSC, print the ready line, run until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use smsc_sim::{Config, Smsc};

#[derive(Parser)]
#[command(
    name = "smsc-sim",
    version,
    about = "An SMS center (SMPP server, switch, HLR) for tests and demos"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the SMSC.
    Serve(ServeArgs),
    /// Check a config file and print what it defines.
    CheckConfig {
        #[arg(long)]
        config: PathBuf,
    },
    /// Load an SMSC with pipelined submit_sm and measure it against a minimal responder.
    Bench(smsc_sim::bench::BenchArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// TOML configuration (see fixtures/smsc-sim.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// SMPP listen address (port 0 picks a free port).
    #[arg(long)]
    smpp_listen: Option<SocketAddr>,
    /// SMPP over TLS listen address (needs [smpp.tls] cert and key in the config).
    #[arg(long)]
    smpp_tls_listen: Option<SocketAddr>,
    /// Admin HTTP listen address.
    #[arg(long)]
    http_listen: Option<SocketAddr>,
    /// Air-link listen address for handset-sim cells.
    #[arg(long)]
    air_listen: Option<SocketAddr>,
    /// Directory of the message store.
    #[arg(long, conflicts_with = "memory")]
    data_dir: Option<PathBuf>,
    /// Keep messages in memory only (load tests).
    #[arg(long)]
    memory: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // A bench's in-process server would log every bind; keep stderr for progress.
    let default_level = match cli.command {
        Command::Bench(_) => "warn",
        _ => "info",
    };
    // Every field escaped: system_ids, addresses and air-link text from
    // peers cannot forge log lines.
    log_escape::fmt_builder()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_level.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Bench(args) => smsc_sim::bench::main(args).await,
        Command::CheckConfig { config } => {
            let c = Config::from_file(&config)?;
            println!(
                "{}: {} accounts, {} subscribers, {} fault rules",
                config.display(),
                c.accounts.len(),
                c.hlr.subscribers.len(),
                c.faults.rules.len()
            );
            Ok(())
        }
        Command::Serve(args) => serve(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(a) = args.smpp_listen {
        config.smpp.listen = a;
    }
    if let Some(a) = args.http_listen {
        config.http.listen = a;
    }
    if let Some(a) = args.air_listen {
        config.air.listen = a;
    }
    if let Some(a) = args.smpp_tls_listen {
        match &mut config.smpp.tls {
            Some(tls) => tls.listen = a,
            None => anyhow::bail!("--smpp-tls-listen needs [smpp.tls] cert and key in the config"),
        }
    }
    if args.memory {
        config.store.memory = true;
    }
    if let Some(dir) = args.data_dir {
        config.store.data_dir = Some(dir);
        config.store.memory = false;
    }
    if let Some(dir) = config
        .store
        .data_dir
        .as_ref()
        .filter(|_| !config.store.memory)
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let shutdown =
        http_serve::shutdown_signal().context("installing the SIGINT/SIGTERM handlers")?;
    let smsc = Smsc::build(config).await?;
    println!("{}", smsc.ready_line());
    smsc.run_until(shutdown).await
}
