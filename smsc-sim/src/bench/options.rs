//! `smsc-sim bench` options: the clap arguments ([`BenchArgs`]) and their
//! checked form ([`BenchOptions`]), which also builds the submit_sm
//! template every phase sends.

use std::net::SocketAddr;
use std::time::Duration;

use clap::ValueEnum;
use serde::Serialize;
use wire::smpp::esm;
use wire::smpp::rusmpp::pdus::SubmitSm;
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{DataCoding, Npi, RegisteredDelivery, Ton};

/// Load an SMSC with pipelined submit_sm and report throughput, latency,
/// CPU and memory, beside the same load against a minimal responder.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Number of transceiver binds.
    #[arg(long, default_value_t = 1)]
    pub binds: usize,
    /// Outstanding submit_sm per bind.
    #[arg(long, default_value_t = 100)]
    pub window: usize,
    /// Messages per run (over all binds).
    #[arg(long, default_value_t = 200_000)]
    pub messages: usize,
    /// Ask for delivery receipts (registered_delivery 1) and wait for all of them.
    #[arg(long, value_enum, default_value_t = OnOff::On)]
    pub receipts: OnOff,
    /// short_message length in octets.
    #[arg(long, default_value_t = 20)]
    pub size: usize,
    /// data_coding: gsm (0) or ucs2 (8).
    #[arg(long, value_enum, default_value_t = Encoding::Gsm)]
    pub encoding: Encoding,
    /// Store of the in-process smsc-sim (durable uses a temporary data dir).
    #[arg(long, value_enum, default_value_t = StoreKind::Memory, conflicts_with = "target")]
    pub store: StoreKind,
    /// Load a running smsc-sim at HOST:PORT instead of an in-process one.
    #[arg(long)]
    pub target: Option<SocketAddr>,
    /// system_id to bind with.
    #[arg(long, default_value = "bench")]
    pub system_id: String,
    /// Password to bind with.
    #[arg(long, default_value = "bench")]
    pub password: String,
    /// Cap in messages per second over all binds (latency at a given load).
    #[arg(long)]
    pub rate: Option<f64>,
    /// Runs; figures are the median of the runs.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Skip the minimal-responder ceiling.
    #[arg(long)]
    pub no_ceiling: bool,
    /// Print only the JSON line (no table, no progress).
    #[arg(long)]
    pub json_only: bool,
    /// Seconds one phase may take before it is reported as failed.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Gsm,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    Memory,
    Durable,
}

/// Checked options, as echoed in the JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct BenchOptions {
    pub binds: usize,
    pub window: usize,
    pub messages: usize,
    pub receipts: bool,
    pub size: usize,
    pub encoding: Encoding,
    pub store: StoreKind,
    pub target: Option<SocketAddr>,
    pub system_id: String,
    #[serde(skip)]
    pub password: String,
    pub rate: Option<f64>,
    pub runs: usize,
    pub ceiling: bool,
    pub json_only: bool,
    pub timeout_s: u64,
}

impl BenchArgs {
    pub fn check(self) -> Result<BenchOptions, String> {
        let positive = [
            ("binds", self.binds),
            ("window", self.window),
            ("messages", self.messages),
            ("runs", self.runs),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(format!("--{name} must be at least 1"));
        }
        if self.size > 254 {
            return Err("--size must be at most 254 octets (short_message)".into());
        }
        if self.encoding == Encoding::Ucs2 && !self.size.is_multiple_of(2) {
            return Err("--size must be even with --encoding ucs2 (two octets a character)".into());
        }
        if self.rate.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
            return Err("--rate must be a positive number of messages per second".into());
        }
        if self.system_id.is_empty() || self.system_id.len() > 15 || self.password.len() > 8 {
            return Err(
                "--system-id takes 1 to 15 octets and --password at most 8 (SMPP bind)".into(),
            );
        }
        if self.timeout == 0 {
            return Err("--timeout must be at least 1 second".into());
        }
        Ok(BenchOptions {
            binds: self.binds,
            window: self.window,
            messages: self.messages,
            receipts: self.receipts == OnOff::On,
            size: self.size,
            encoding: self.encoding,
            store: self.store,
            target: self.target,
            system_id: self.system_id,
            password: self.password,
            rate: self.rate,
            runs: self.runs,
            ceiling: !self.no_ceiling,
            json_only: self.json_only,
            timeout_s: self.timeout,
        })
    }
}

impl BenchOptions {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_s)
    }

    /// The submit_sm every message repeats: `size` octets of text in the chosen coding.
    pub fn submit_template(&self) -> SubmitSm {
        const TEXT: &[u8] = b"Your code is 123456 for 10.00 EUR at Shop. ";
        let (coding, body): (u8, Vec<u8>) = match self.encoding {
            Encoding::Gsm => (0, TEXT.iter().copied().cycle().take(self.size).collect()),
            Encoding::Ucs2 => (
                8,
                TEXT.iter()
                    .flat_map(|&b| [0, b])
                    .cycle()
                    .take(self.size)
                    .collect(),
            ),
        };
        let cstr = |s: &str| COctetString::from_string(s.to_owned()).unwrap_or_default();
        SubmitSm::builder()
            .source_addr_ton(Ton::Alphanumeric)
            .source_addr_npi(Npi::Unknown)
            .source_addr(cstr("MyBank"))
            .dest_addr_ton(Ton::International)
            .dest_addr_npi(Npi::Isdn)
            .destination_addr(cstr("447700900123"))
            .esm_class(esm::esm_class(esm::DEFAULT))
            .registered_delivery(RegisteredDelivery::from(u8::from(self.receipts)))
            .data_coding(DataCoding::from(coding))
            .short_message(OctetString::from_vec(body).unwrap_or_default())
            .build()
    }
}

#[cfg(test)]
mod tests;
