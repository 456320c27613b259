//! `gateway` binary: `serve` runs the payment gateway (load the config,
//! build, print the JSON ready line, run until SIGINT/SIGTERM); the admin
//! commands (`customers`, `merchants`, `payments`) open the data directory
//! directly, do one thing and exit; `check-config` validates a file.
//!
//! Exit codes: 0 done; 1 error (bad config, unknown id, refused value),
//! message on stderr; 2 usage error (clap). Secrets never come from argv:
//! the customer's password is read from stdin or a prompt, and the backup
//! code and webhook secret are printed once, when they are created.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::{customers::CustomersCommand, merchants::MerchantsCommand, payments::PaymentsCommand};

#[derive(Parser)]
#[command(
    name = "gateway",
    version,
    about = "The payment gateway: customers, merchants by certificate, checkout, codes over SMPP"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway: checkout pages and APIs, merchant API (mTLS), SMPP.
    Serve(cli::serve::ServeArgs),
    /// Register, list, show and unlock customers.
    Customers {
        #[command(flatten)]
        store: cli::StoreArgs,
        #[command(subcommand)]
        command: CustomersCommand,
    },
    /// Register merchants (client certificates), list and revoke them.
    Merchants {
        #[command(flatten)]
        store: cli::StoreArgs,
        #[command(subcommand)]
        command: MerchantsCommand,
    },
    /// List payments and show one with its timeline.
    Payments {
        #[command(flatten)]
        store: cli::StoreArgs,
        #[command(subcommand)]
        command: PaymentsCommand,
    },
    /// List prepaid vouchers, show one, return unspent balances now.
    Vouchers {
        #[command(flatten)]
        store: cli::StoreArgs,
        #[command(subcommand)]
        command: cli::vouchers::VouchersCommand,
    },
    /// Check a config file and print what it defines.
    CheckConfig {
        #[arg(long)]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every field escaped: merchant text and identities cannot forge lines.
    gateway::logging::fmt_builder()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter(&cli.command).into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The server logs what it does; one-shot admin commands stay quiet unless
/// something is wrong, so their stdout and stderr are just the answer.
fn default_filter(command: &Command) -> &'static str {
    match command {
        Command::Serve(_) => "info",
        _ => "warn",
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => cli::serve::run(args).await,
        Command::Customers { store, command } => cli::customers::run(&store, command).await,
        Command::Merchants { store, command } => cli::merchants::run(&store, command).await,
        Command::Payments { store, command } => cli::payments::run(&store, command).await,
        Command::Vouchers { store, command } => cli::vouchers::run(&store, command).await,
        Command::CheckConfig { config } => cli::check_config(&config),
    }
}
