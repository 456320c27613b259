//! One benchmark shopper and the stack configuration it needs.
//!
//! [`config`] is the fixture stack on free ports in memory plus one extra
//! customer per concurrent shopper, each with a phone of its own (a
//! terminal in the cell; the SMSC's HLR auto-provisions the unlisted
//! numbers when they attach) and a funded bank account. All checkouts come
//! from 127.0.0.1 and each phone receives many codes, so the per-IP and
//! per-number code limits are raised for the run: they are policy, not
//! work. [`shopper`] takes checkout numbers from a shared counter until
//! all are done; each checkout is the merchant API over mutual TLS →
//! identify (JSON checkout API, argon2id) → the code from the phone's
//! inbox (handset-sim's next-code long poll) → confirm → the bank.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::progress::Progress;
use crate::merchant_client::Merchant;
use crate::{Stack, StackConfig};

/// The limits raised for the run to the most the gateway accepts, as they
/// are written in fixtures/gateway.toml.
const LIMITS: [(&str, &str); 5] = [
    ("per_number_10min = 5", "per_number_10min = 1000"),
    ("per_prefix_10min = 1000", "per_prefix_10min = 100000"),
    ("per_number_hour = 10", "per_number_hour = 10000"),
    (
        "per_ip_starts_per_min = 20",
        "per_ip_starts_per_min = 10000",
    ),
    (
        "per_ip_checks_per_min = 30",
        "per_ip_checks_per_min = 10000",
    ),
];

/// The phone number of shopper `i`.
pub fn msisdn(i: usize) -> String {
    format!("44770091{i:04}")
}

/// The fixtures in `dir` on free ports in memory, with `shoppers` customers.
pub fn config(dir: &Path, shoppers: usize) -> anyhow::Result<StackConfig> {
    if shoppers > 10_000 {
        bail!("at most 10000 concurrent shoppers (numbers 44770091xxxx)");
    }
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .with_context(|| format!("reading {f} in {}", dir.display()))
    };
    let mut gw = read("gateway.toml")?;
    for (from, to) in LIMITS {
        if !gw.contains(from) {
            bail!("gateway.toml no longer says `{from}`: update the bench's limit override");
        }
        gw = gw.replace(from, to);
    }
    let mut hs = read("handset-sim.toml")?;
    for i in 0..shoppers {
        let (m, account) = (msisdn(i), format!("GB33SWBK{:014}", 91_000_000 + i));
        gw.push_str(&format!(
            "\n[[customers]]\nname = \"Shopper {i}\"\nid_document = \"B{i:08}\"\n\
             identities = [\"+{m}\", \"shopper{i}\"]\npassword = \"shopper-pass-{i}\"\n\
             terminals = [{{ msisdn = \"{m}\", kind = \"phone\", label = \"phone {i}\" }}]\n\
             accounts = [\"{account}\"]\n\
             [[bank_accounts]]\nnumber = \"{account}\"\nholder = \"Shopper {i}\"\n\
             currency = \"GBP\"\nbalance = \"1000000.00\"\n"
        ));
        hs.push_str(&format!(
            "\n[[terminals]]\nmsisdn = \"{m}\"\nimsi = \"23415991{i:07}\"\nkind = \"phone\"\n\
             capacity = 10000\n"
        ));
    }
    let config = StackConfig {
        smsc: smsc_sim::Config::from_file(dir.join("smsc-sim.toml"))?,
        handsets: handset_sim::Config::from_toml_str(&hs)?,
        gateway: gateway::config::Config::from_toml_str(&gw)?,
        shop_listen: ([127, 0, 0, 1], 0).into(),
    };
    Ok(config.on_free_ports())
}

/// The timings of one checkout.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// From creating the payment to the bank's answer.
    pub checkout: Duration,
    /// From the code's issue at the gateway to the message in the inbox.
    pub delivery: Duration,
}

/// What all shoppers share during a run.
pub struct Run {
    pub stack: Stack,
    pub merchant: Merchant,
    pub http: reqwest::Client,
    pub next: AtomicUsize,
    pub done: AtomicUsize,
    pub total: usize,
    pub progress: Arc<Progress>,
}

/// Shopper `i`: checkouts until the run's counter reaches its total.
pub async fn shopper(run: Arc<Run>, i: usize) -> anyhow::Result<Vec<Sample>> {
    let mut out = Vec::new();
    while run.next.fetch_add(1, Ordering::Relaxed) < run.total {
        out.push(checkout(&run, i, out.len()).await?);
        let done = run.done.fetch_add(1, Ordering::Relaxed) + 1;
        run.progress.update(done, run.total);
    }
    Ok(out)
}

async fn checkout(run: &Run, i: usize, k: usize) -> anyhow::Result<Sample> {
    let t0 = Instant::now();
    let body = json!({ "order_id": format!("bench-{i}-{k}"), "amount": "1.00", "currency": "GBP" });
    let created = run
        .merchant
        .call("POST", "/v1/payments", Some(&body), &[])
        .await;
    if created.status != 201 {
        bail!("merchant API answered {}: {}", created.status, created.body);
    }
    let id = created.body["id"]
        .as_str()
        .context("payment id")?
        .to_owned();
    let api = format!("http://{}/api/v1/checkout/{id}", run.stack.gateway_http);
    let who = json!({ "identity": format!("shopper{i}"), "password": format!("shopper-pass-{i}") });
    let v: Value = run
        .http
        .post(format!("{api}/identify"))
        .json(&who)
        .send()
        .await?
        .json()
        .await?;
    if v["state"] != "code_sent" {
        bail!("identify answered {v}");
    }
    let phone = format!(
        "{}/api/terminals/{}/next-code",
        run.stack.handsets_api(),
        msisdn(i)
    );
    let got: Value = run
        .http
        .get(phone)
        .query(&[("timeout", "10")])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let code = got["code"]
        .as_str()
        .context("no code in the next-code answer")?;
    let received = got["message"]["received_at"]
        .as_str()
        .context("received_at")?;
    let received = OffsetDateTime::parse(received, &Rfc3339)?;
    let issued = run
        .stack
        .payments
        .store()
        .latest_code(&id.parse()?)
        .await?
        .context("the payment has no code")?
        .issued_at;
    let delivery_ms = (received.unix_timestamp_nanos() as f64 / 1e6 - issued as f64).max(0.0);
    let v: Value = run
        .http
        .post(format!("{api}/code"))
        .json(&json!({ "code": code }))
        .send()
        .await?
        .json()
        .await?;
    if v["state"] != "succeeded" {
        bail!("confirm answered {v}");
    }
    Ok(Sample {
        checkout: t0.elapsed(),
        delivery: Duration::from_secs_f64(delivery_ms / 1e3),
    })
}
