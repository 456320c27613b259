//! Measures whole checkouts through every part, and what bounds them.
//!
//! ```text
//! cargo run --release --example checkout -- [SHOPPERS] [CHECKOUTS_EACH]
//! ```
//!
//! The fixture stack (smsc-sim, handset-sim, gateway) runs in this process
//! with SHOPPERS extra customers (default 8), each with a phone of its own.
//! Every shopper runs CHECKOUTS_EACH (default 25) checkouts one after
//! another, all shoppers at once: the merchant creates the payment (mutual
//! TLS is skipped: the payment service is called directly), the shopper
//! identifies over the JSON checkout API (argon2id password check), the code
//! travels over SMPP and the air link, is taken from the phone's inbox and
//! entered, and the bank moves the money. The per-number and per-IP code
//! limits are raised for the run. Then, in the same process, argon2id
//! hashes per second with the configured profile on one and on all cores.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use switchboard::{Stack, StackConfig};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn msisdn(i: usize) -> String {
    format!("4477009020{i:02}")
}

/// The fixtures plus `shoppers` customers, terminals and accounts.
fn config(shoppers: usize) -> anyhow::Result<StackConfig> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut gw = std::fs::read_to_string(dir.join("gateway.toml"))?;
    let mut hs = std::fs::read_to_string(dir.join("handset-sim.toml"))?;
    gw = gw.replace("per_number_10min = 5", "per_number_10min = 1000");
    gw = gw.replace("per_number_hour = 10", "per_number_hour = 1000");
    gw = gw.replace("per_ip_starts_per_min = 20", "per_ip_starts_per_min = 1000");
    gw = gw.replace("per_ip_checks_per_min = 30", "per_ip_checks_per_min = 1000");
    for i in 0..shoppers {
        let (m, acct) = (msisdn(i), format!("GB33SWBK000000000020{i:02}"));
        gw.push_str(&format!(
            "\n[[customers]]\nname = \"Shopper {i}\"\nid_document = \"X{i:08}\"\n\
             identities = [\"+{m}\", \"shopper{i}\"]\npassword = \"shopper-pass-{i}\"\n\
             terminals = [{{ msisdn = \"{m}\", kind = \"phone\", label = \"phone {i}\" }}]\n\
             accounts = [\"{acct}\"]\n\
             [[bank_accounts]]\nnumber = \"{acct}\"\nholder = \"Shopper {i}\"\ncurrency = \"GBP\"\nbalance = \"100000.00\"\n"
        ));
        hs.push_str(&format!(
            "\n[[terminals]]\nmsisdn = \"{m}\"\nimsi = \"2341599000000{i:02}\"\nkind = \"phone\"\ncapacity = 10000\n"
        ));
    }
    let cfg = StackConfig {
        smsc: smsc_sim::Config::from_file(dir.join("smsc-sim.toml"))?,
        handsets: handset_sim::Config::from_toml_str(&hs)?,
        gateway: gateway::config::Config::from_toml_str(&gw)?,
        shop_listen: ([127, 0, 0, 1], 0).into(),
    };
    Ok(cfg.on_free_ports())
}

struct Sample {
    total: Duration,
    code: Duration,
}

async fn shopper(stack: Arc<Stack>, i: usize, n: usize) -> anyhow::Result<Vec<Sample>> {
    let http = reqwest::Client::new();
    let base = format!("http://{}/api/v1/checkout", stack.gateway_http);
    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let shop: gateway::domain::MerchantId = "mer_demoshop".parse()?;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let t0 = Instant::now();
        let req = gateway::payments::CreatePayment {
            order_id: format!("bench-{i}-{k}"),
            amount: "1.00".into(),
            currency: "GBP".into(),
            description: "bench".into(),
            return_url: None,
            customer_hint: None,
        };
        let (p, _) = stack.payments.create(&shop, req, None).await?;
        let id = p.id.as_str().to_owned();
        let body =
            json!({ "identity": format!("shopper{i}"), "password": format!("shopper-pass-{i}") });
        let t_code = Instant::now();
        let v: Value = http
            .post(format!("{base}/{id}/identify"))
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        if v["state"] != "code_sent" {
            bail!("identify: {v}");
        }
        let code = phones
            .wait_code(&msisdn(i), Duration::from_secs(10))
            .await?;
        let code_latency = t_code.elapsed();
        let v: Value = http
            .post(format!("{base}/{id}/code"))
            .json(&json!({ "code": code }))
            .send()
            .await?
            .json()
            .await?;
        if v["state"] != "succeeded" {
            bail!("confirm: {v}");
        }
        out.push(Sample {
            total: t0.elapsed(),
            code: code_latency,
        });
    }
    Ok(out)
}

fn argon2_rate(params: gateway::config::PasswordParams, threads: usize) -> anyhow::Result<f64> {
    let hasher = gateway::customers::Hasher::new(params)?;
    let run = Duration::from_secs(2);
    let t0 = Instant::now();
    let counts: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let hasher = &hasher;
                s.spawn(move || {
                    let mut n = 0;
                    while t0.elapsed() < run {
                        let _ = hasher.hash_blocking(b"correct horse battery staple");
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).collect()
    });
    Ok(counts.iter().sum::<usize>() as f64 / t0.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let shoppers: usize = args.next().map_or(Ok(8), |a| a.parse())?;
    let each: usize = args.next().map_or(Ok(25), |a| a.parse())?;
    let cfg = config(shoppers)?;
    let params = cfg.gateway.password_params();
    let stack = Arc::new(Stack::start(cfg).await?);
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..shoppers)
        .map(|i| tokio::spawn(shopper(Arc::clone(&stack), i, each)))
        .collect();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await.context("shopper task")??);
    }
    let elapsed = t0.elapsed();
    let mut total: Vec<Duration> = samples.iter().map(|s| s.total).collect();
    let mut code: Vec<Duration> = samples.iter().map(|s| s.code).collect();
    total.sort();
    code.sort();
    let rate = samples.len() as f64 / elapsed.as_secs_f64();
    println!(
        "{} checkouts by {shoppers} concurrent shoppers in {elapsed:.2?}: {rate:.1} checkouts/s",
        samples.len()
    );
    println!(
        "  full checkout        p50 {:?}  p99 {:?}",
        percentile(&total, 0.5),
        percentile(&total, 0.99)
    );
    println!(
        "  identify -> code in the phone's inbox (incl. argon2 check)  p50 {:?}  p99 {:?}",
        percentile(&code, 0.5),
        percentile(&code, 0.99)
    );
    if let Ok(stack) = Arc::try_unwrap(stack) {
        stack.stop().await?;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let one = argon2_rate(params, 1)?;
    let all = argon2_rate(params, cores)?;
    println!(
        "  argon2id {params:?}: {one:.1} hashes/s on 1 core, {all:.1} on {cores}; \
         checkouts/s = {:.0}% of the all-core hash rate (one verify per checkout)",
        rate / all * 100.0
    );
    Ok(())
}
