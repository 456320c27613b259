//! `handset-sim` binary: `serve` runs a cell (parse the command line, load
//! the config, print the ready line, run until SIGINT/SIGTERM); the client
//! commands talk to a running one over its API (`--api`).
//!
//! Exit codes: 0 done; 1 error (bad arguments, nothing listening, the API
//! refused); 2 `wait-code` timed out.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use handset_sim::client::{Client, ClientError, DEFAULT_API};
use handset_sim::{Config, HandsetSim};

#[derive(Parser)]
#[command(
    name = "handset-sim",
    version,
    about = "Virtual phones, pagers, PDAs and set-top cards on a cell of the switch"
)]
struct Cli {
    /// API of a running handset-sim, for the client commands.
    #[arg(long, global = true, env = "HANDSET_SIM_API", default_value = DEFAULT_API)]
    api: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a cell: connect to the switch, serve the API and the phones page.
    Serve {
        /// TOML configuration (see fixtures/handset-sim.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The switch's air-link address, host:port (overrides [cell] air).
        #[arg(long)]
        air: Option<String>,
        /// HTTP listen address (port 0 picks a free port).
        #[arg(long)]
        http_listen: Option<SocketAddr>,
    },
    /// Check a config file and print what it defines.
    CheckConfig {
        #[arg(long)]
        config: PathBuf,
    },
    /// Print a terminal's inbox, one message a line (id, from, code, text).
    Inbox {
        msisdn: String,
        /// Print the API's JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Wait for the next authorization code and print just the code.
    WaitCode {
        msisdn: String,
        /// Seconds to wait (fractions allowed).
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
    },
    /// Send an MO message from a terminal; prints its reference.
    Send {
        msisdn: String,
        #[arg(long)]
        to: String,
        text: String,
        /// Ask for a status report.
        #[arg(long)]
        status_report: bool,
    },
    /// Switch a terminal on or off.
    Power { msisdn: String, state: OnOff },
}

#[derive(Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[tokio::main]
async fn main() -> ExitCode {
    // Every field escaped: text from the switch cannot forge log lines.
    log_escape::fmt_builder()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            config,
            air,
            http_listen,
        } => serve(config, air, http_listen).await,
        Command::CheckConfig { config } => Config::from_file(&config)
            .map(|c| {
                println!(
                    "{}: cell {}, {} terminals",
                    config.display(),
                    c.cell.id,
                    c.terminals.len()
                )
            })
            .map_err(Into::into),
        client => return run_client(&cli.api, client).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handset-sim: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(
    config: Option<PathBuf>,
    air: Option<String>,
    http: Option<SocketAddr>,
) -> anyhow::Result<()> {
    let mut config = match &config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(air) = air {
        config.cell.air = air;
    }
    if let Some(listen) = http {
        config.http.listen = listen;
    }
    let shutdown =
        http_serve::shutdown_signal().context("installing the SIGINT/SIGTERM handlers")?;
    let sim = HandsetSim::build(config).await?;
    println!("{}", sim.ready_line());
    sim.run_until(shutdown).await
}

async fn run_client(api: &str, command: Command) -> ExitCode {
    let result = async {
        let client = Client::new(api)?;
        match command {
            Command::Inbox { msisdn, json } => {
                let messages = client.inbox(&msisdn).await?;
                if json {
                    println!("{}", serde_json::Value::Array(messages));
                    return Ok(());
                }
                for m in &messages {
                    let field = |k: &str| m[k].as_str().unwrap_or("-").to_owned();
                    println!(
                        "{}\t{}\t{}\t{}",
                        m["id"],
                        field("from"),
                        field("code"),
                        field("display")
                    );
                }
            }
            Command::WaitCode { msisdn, timeout } => {
                let timeout = Duration::try_from_secs_f64(timeout)
                    .map_err(|e| ClientError::Invalid(format!("--timeout {timeout}: {e}")))?;
                println!("{}", client.wait_code(&msisdn, timeout).await?);
            }
            Command::Send {
                msisdn,
                to,
                text,
                status_report,
            } => {
                println!("{}", client.send(&msisdn, &to, &text, status_report).await?);
            }
            Command::Power { msisdn, state } => {
                let t = client.power(&msisdn, matches!(state, OnOff::On)).await?;
                println!(
                    "{}: power {}, {}",
                    t["msisdn"].as_str().unwrap_or(&msisdn),
                    if t["power"] == true { "on" } else { "off" },
                    t["registration"].as_str().unwrap_or("?")
                );
            }
            Command::Serve { .. } | Command::CheckConfig { .. } => unreachable!("handled in main"),
        }
        Ok::<(), ClientError>(())
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ ClientError::Timeout(_)) => {
            eprintln!("handset-sim: timed out: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("handset-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
