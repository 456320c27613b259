//! `switchboard bench`: benchmarks that print figures, never assert them.
//!
//! [`BenchCommand::Otp`] runs whole checkouts through the in-process stack
//! against the argon2id ceiling ([`otp`], shoppers in [`checkout`]);
//! [`BenchCommand::Handsets`] runs one cell of many terminals against the
//! switch as separate release processes ([`handsets`], with [`procs`] for
//! the processes and [`load`] for the SMPP traffic). Each prints a human
//! table on stdout and then one JSON line (only the JSON line with
//! `--json-only`); [`progress`] draws on stderr meanwhile; [`stats`] holds
//! the percentiles, medians and memory readings they share, `table` the
//! human tables.

pub mod checkout;
pub mod handsets;
pub mod load;
pub mod otp;
pub mod procs;
pub mod progress;
pub mod stats;
mod table;

use std::path::Path;

pub use handsets::{HandsetsArgs, HandsetsReport};
pub use otp::{OtpArgs, OtpReport};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum BenchCommand {
    /// Checkouts/s through the whole stack (merchant API → identify → code
    /// on the phone → confirm → bank), code delivery latency, and the
    /// argon2id hashes/s ceiling measured in the same run.
    Otp(OtpArgs),
    /// One cell of many terminals (smsc-sim and handset-sim as release
    /// processes): attach time, memory per terminal, messages/s to distinct
    /// terminals with receipts, and submit → inbox latency.
    Handsets(HandsetsArgs),
}

/// Run `command` and print its table (unless `--json-only`) and JSON line.
pub async fn run(command: &BenchCommand, fixtures: &Path) -> anyhow::Result<()> {
    let json = match command {
        BenchCommand::Otp(args) => {
            let report = otp::run(args, fixtures).await?;
            if !args.json_only {
                report.print_table();
            }
            serde_json::to_string(&report)?
        }
        BenchCommand::Handsets(args) => {
            let report = handsets::run(args).await?;
            if !args.json_only {
                report.print_table();
            }
            serde_json::to_string(&report)?
        }
    };
    println!("{json}");
    Ok(())
}
