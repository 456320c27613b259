//! `switchboard`: run every part of Switchboard in one process on loopback,
//! with the fixtures: the SMS center and switch (smsc-sim), one cell of
//! virtual terminals (handset-sim) and the payment gateway. Each part stays
//! runnable on its own.

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
    #[command(subcommand)]
    command: Option<Command>,
    /// Directory with smsc-sim.toml, handset-sim.toml and gateway.toml.
    #[arg(long, default_value = "fixtures")]
    fixtures: PathBuf,
    /// Where the parts keep their data (smsc/ and gateway/ inside).
    #[arg(long, default_value = "data", conflicts_with = "memory")]
    data_dir: PathBuf,
    /// Keep everything in memory.
    #[arg(long)]
    memory: bool,
    /// Every listener on a free port (127.0.0.1:0) instead of the fixture ports.
    #[arg(long, conflicts_with = "port_offset")]
    free_ports: bool,
    /// Add this to every fixture port (run a second Switchboard beside one).
    #[arg(long, default_value_t = 0)]
    port_offset: u16,
    /// Run only these parts (comma-separated: smsc, handsets, gateway); the
    /// others are your own systems, at the addresses in the fixture files.
    #[arg(long, default_value = "smsc,handsets,gateway")]
    parts: switchboard::parts::Parts,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Run one scripted checkout end to end (in memory, free ports) and
    /// print each hop with its time; exit 0 only on success.
    Demo,
    /// A merchant terminal (point of sale): charge a customer who confirms
    /// on the phone (YES <ref> <PIN>), wait, print the receipt.
    Pos(switchboard::pos::PosArgs),
    /// Benchmarks: print figures as a table and one JSON line.
    #[command(subcommand)]
    Bench(switchboard::bench::BenchCommand),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The demo prints its own story; only warnings from the parts.
    let default_filter = if cli.command.is_some() {
        "warn"
    } else {
        "info"
    };
    // The gateway's formatter escapes control characters in every field, so
    // text from shoppers, merchants and SMPP peers cannot forge log lines.
    gateway::logging::fmt_builder()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match &cli.command {
        Some(Command::Demo) => return switchboard::demo::run(&cli.fixtures).await,
        Some(Command::Bench(bench)) => return switchboard::bench::run(bench, &cli.fixtures).await,
        Some(Command::Pos(pos)) => return switchboard::pos::run(pos).await,
        None => {}
    }
    let mut config = StackConfig::from_fixtures(&cli.fixtures)
        .with_context(|| format!("loading the fixtures in {}", cli.fixtures.display()))?;
    if cli.free_ports {
        config = config.on_free_ports();
    } else if cli.port_offset > 0 {
        config = config.with_port_offset(cli.port_offset)?;
    }
    if cli.memory {
        config.smsc.store.memory = true;
        config.gateway.store.memory = true;
        config.gateway.store.data_dir = None;
    } else if !cli.free_ports {
        config.smsc.store.data_dir = Some(cli.data_dir.join("smsc"));
        config.gateway.store.data_dir = Some(cli.data_dir.join("gateway"));
    }
    let shutdown =
        http_serve::shutdown_signal().context("installing the SIGINT/SIGTERM handlers")?;
    if cli.parts != switchboard::parts::Parts::ALL {
        return switchboard::parts::run_parts(config, cli.parts, shutdown).await;
    }
    let stack = Stack::start(config).await?;
    let certs = stack.gateway_data.join("merchants").join("mer_demoshop");
    eprintln!(
        "\nSwitchboard is running (Ctrl-C stops it)\n\
         \x20 demo shop         http://{shop}/   (buy, then pay with the code from the phone)\n\
         \x20 phones page       http://{phones}/\n\
         \x20 POS terminal      http://{shop}/pos   (or: switchboard pos --customer alice --amount 12.50)\n\
         \x20 gateway checkout  http://{gw}/checkout/<payment id>\n\
         \x20 merchant API      https://localhost:{mport}/v1/payments  (mutual TLS)\n\
         \x20 SMSC admin API    http://{admin}/api/stats\n\
         \x20 SMPP              {smpp}  (system_id gateway / password gw-pw, or tester / test-pw)\n\
         \x20 air link          {air}\n\
         \x20 create a payment as Demo Shop:\n\
         \x20   curl --cacert {c}/ca.pem --cert {c}/client.pem --key {c}/client.key \\\n\
         \x20        -H 'Content-Type: application/json' https://localhost:{mport}/v1/payments \\\n\
         \x20        -d '{{\"order_id\":\"A-1\",\"amount\":\"12.50\",\"currency\":\"GBP\"}}'\n\
         \x20   then open its checkout_url and sign in as alice / alice-pass-1\n",
        shop = stack.shop_http,
        phones = stack.handsets_http,
        gw = stack.gateway_http,
        mport = stack.gateway_merchant.port(),
        admin = stack.smsc_http,
        smpp = stack.smpp,
        air = stack.air,
        c = certs.display(),
    );
    println!(
        "{}",
        serde_json::json!({
            "smpp": stack.smpp.to_string(),
            "smsc_http": stack.smsc_http.to_string(),
            "air": stack.air.to_string(),
            "handsets_http": stack.handsets_http.to_string(),
            "gateway_http": stack.gateway_http.to_string(),
            "gateway_merchant": stack.gateway_merchant.to_string(),
            "shop_http": stack.shop_http.to_string(),
        })
    );
    shutdown.await;
    eprintln!("stopping: the gateway unbinds, handsets detach, SMPP sessions close");
    stack.stop().await
}
