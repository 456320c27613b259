//! `switchboard`: run every part of Switchboard in one process on loopback,
//! with the fixtures. Today that is the SMS center and switch (smsc-sim)
//! and one cell of virtual terminals (handset-sim); the payment gateway
//! joins them in a later issue. Each part stays runnable on its own.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use switchboard::{Stack, StackConfig};

#[derive(Parser)]
#[command(
    version,
    about = "Run smsc-sim and handset-sim together with the fixtures"
)]
struct Cli {
    /// Directory with smsc-sim.toml and handset-sim.toml.
    #[arg(long, default_value = "fixtures")]
    fixtures: PathBuf,
    /// Where the SMSC keeps its message store.
    #[arg(long, default_value = "data/smsc", conflicts_with = "memory")]
    data_dir: PathBuf,
    /// Keep everything in memory.
    #[arg(long)]
    memory: bool,
    /// Every listener on a free port (127.0.0.1:0) instead of the fixture ports.
    #[arg(long)]
    free_ports: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let mut config = StackConfig::from_fixtures(&cli.fixtures)
        .with_context(|| format!("loading the fixtures in {}", cli.fixtures.display()))?;
    if cli.free_ports {
        config = config.on_free_ports();
    }
    if cli.memory {
        config.smsc.store.memory = true;
    } else if !cli.free_ports {
        config.smsc.store.data_dir = Some(cli.data_dir.clone());
    }
    let stack = Stack::start(config).await?;
    eprintln!(
        "\nSwitchboard is running (Ctrl-C stops it)\n\
         \x20 phones page      http://{phones}/\n\
         \x20 SMSC admin API   http://{admin}/api/stats\n\
         \x20 SMPP             {smpp}  (system_id gateway / password gw-pw, or tester / test-pw)\n\
         \x20 air link         {air}\n\
         \x20 try: handset-sim --api http://{phones} wait-code 447700900101 --timeout 60\n",
        phones = stack.handsets_http,
        admin = stack.smsc_http,
        smpp = stack.smpp,
        air = stack.air,
    );
    println!(
        "{}",
        serde_json::json!({
            "smpp": stack.smpp.to_string(),
            "smsc_http": stack.smsc_http.to_string(),
            "air": stack.air.to_string(),
            "handsets_http": stack.handsets_http.to_string(),
        })
    );
    shutdown_signal().await;
    eprintln!("stopping: handsets detach, SMPP sessions unbind");
    stack.stop().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
