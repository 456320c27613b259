//! Sustained load across real processes with a fault rule active: several
//! ESMEs submit at a steady high rate (receipts on) while shoppers run
//! checkouts through the gateway, and smsc-sim rejects a share of the
//! ESMEs' submits to one number range (`ESME_RSUBMITFAIL`, the injected
//! fault). Asserted: no error beyond the injected ones (every other submit
//! is accepted and gets a `DELIVRD` receipt, every checkout succeeds), and
//! the resident memory of smsc-sim and of the gateway stays bounded: its
//! growth over the second half of the run is below [`RSS_GROWTH_LIMIT_KIB`].
//! The figures are printed.
//!
//! `SUSTAINED_LOAD_SECONDS` sets the duration (default 10, a CI-sized
//! run); the full run is
//! `SUSTAINED_LOAD_SECONDS=60 cargo test --release --test sustained_load -- --nocapture`.
//! `SUSTAINED_LOAD_RATE` sets the ESMEs' total submit_sm/s (default 1000).

mod common;
mod parts;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parts::*;
use serde_json::{Value, json};
use wire::esme::{Esme, EsmeConfig, EsmeError};
use wire::smpp::rusmpp::CommandStatus;

const ESMES: usize = 4;
const SHOPPERS: usize = 6;
/// The ESMEs' destinations: 100 numbers no terminal uses, answered by the
/// HLR's "auto" profile.
const LOAD_PREFIX: &str = "4477009099";
/// The fault rule: half the submits to 447700909910..19 are refused.
const FAULT_GLOB: &str = "44770090991?";
/// Largest RSS growth allowed over the second half of the run, per process.
const RSS_GROWTH_LIMIT_KIB: u64 = 48 * 1024;

fn env_or(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn shopper_phone(s: usize) -> String {
    format!("4477009060{s:02}")
}

fn load_dest(n: u64) -> String {
    format!("{LOAD_PREFIX}{:02}", n % 100)
}

fn injected(dest: &str) -> bool {
    dest.starts_with(&FAULT_GLOB[..FAULT_GLOB.len() - 1])
}

/// smsc-sim's fixture config plus a `load` account for the ESMEs.
fn smsc_config(scratch: &Scratch) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixtures().join("smsc-sim.toml")).expect("fixture");
    let mut config: toml::Table = text.parse().expect("fixture TOML");
    let account: toml::Table = toml::from_str(
        "system_id = \"load\"\npassword = \"load-pw\"\nmax_binds = 8\nwindow = 100\n",
    )
    .expect("account");
    config["accounts"]
        .as_array_mut()
        .expect("[[accounts]]")
        .push(account.into());
    let path = scratch.path("smsc-load.toml");
    std::fs::write(&path, config.to_string()).expect("write");
    path
}

/// One cell with a phone per shopper.
fn cell_config(scratch: &Scratch) -> std::path::PathBuf {
    let mut text = String::from("[cell]\nid = \"cell-shoppers\"\n");
    for s in 0..SHOPPERS {
        text.push_str(&format!(
            "[[terminals]]\nmsisdn = \"{}\"\nimsi = \"234150000060{s:03}\"\nkind = \"phone\"\n\
             capacity = 100\n",
            shopper_phone(s)
        ));
    }
    let path = scratch.path("cell-shoppers.toml");
    std::fs::write(&path, text).expect("write");
    path
}

/// A customer and a bank account per shopper, and limits that let one
/// address and a few numbers run checkouts back to back.
fn gateway_config(config: &mut toml::Table) {
    let codes = config["codes"].as_table_mut().expect("[codes]");
    codes.insert("per_number_10min".into(), 1000.into());
    codes.insert("per_number_hour".into(), 10_000.into());
    codes.insert("per_ip_starts_per_min".into(), 10_000.into());
    codes.insert("per_ip_checks_per_min".into(), 10_000.into());
    // All the shoppers' numbers share one 8-digit prefix.
    codes.insert("per_prefix_10min".into(), 100_000.into());
    for s in 0..SHOPPERS {
        let customer: toml::Table = toml::from_str(&format!(
            "name = \"Load Shopper {s}\"\nid_document = \"L{s:08}\"\n\
             identities = [\"load{s}\"]\npassword = \"load-pass-{s}\"\n\
             terminals = [{{ msisdn = \"{}\", kind = \"phone\", label = \"phone {s}\" }}]\n\
             accounts = [\"GB11LOAD{s:014}\"]\n",
            shopper_phone(s)
        ))
        .expect("customer");
        config["customers"]
            .as_array_mut()
            .expect("[[customers]]")
            .push(customer.into());
        let account: toml::Table = toml::from_str(&format!(
            "number = \"GB11LOAD{s:014}\"\nholder = \"Load Shopper {s}\"\ncurrency = \"GBP\"\n\
             balance = \"1000000.00\"\n"
        ))
        .expect("bank account");
        config["bank_accounts"]
            .as_array_mut()
            .expect("[[bank_accounts]]")
            .push(account.into());
    }
}

#[derive(Default)]
struct Counts {
    accepted: AtomicU64,
    injected: AtomicU64,
    other_errors: AtomicU64,
    receipts: AtomicU64,
    not_delivered: AtomicU64,
    checkouts: AtomicU64,
}

/// One ESME submitting `rate`/s until `until`; returns the accepted ids.
async fn esme_load(
    smpp: String,
    n: usize,
    rate: u64,
    until: Instant,
    counts: Arc<Counts>,
) -> (Esme, Vec<String>) {
    let mut config = EsmeConfig::new(smpp, "load", "load-pw");
    config.window = 100;
    let (esme, mut events) = Esme::connect(config).await.expect("bind");
    {
        let counts = Arc::clone(&counts);
        tokio::spawn(async move {
            while let Some(ev) = events.recv().await {
                let Some(fields) = ev.receipt() else { continue };
                let text = String::from_utf8_lossy(&fields.text).into_owned();
                match wire::receipt::Receipt::parse(&text) {
                    Ok(r) if r.stat == "DELIVRD" => counts.receipts.fetch_add(1, Ordering::SeqCst),
                    _ => counts.not_delivered.fetch_add(1, Ordering::SeqCst),
                };
            }
        });
    }
    let window = Arc::new(tokio::sync::Semaphore::new(100));
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut sent: u64 = 0;
    let (tx, mut ids) = tokio::sync::mpsc::unbounded_channel();
    let started = Instant::now();
    while Instant::now() < until {
        tick.tick().await;
        let due = (rate as f64 * started.elapsed().as_secs_f64()) as u64;
        while sent < due {
            let permit = Arc::clone(&window).acquire_owned().await.expect("open");
            let dest = load_dest(sent * ESMES as u64 + n as u64);
            let text = format!("load {n} {sent}");
            sent += 1;
            let (esme, counts, tx) = (esme.clone(), Arc::clone(&counts), tx.clone());
            tokio::spawn(async move {
                match esme.submit_sm(common::text_submit(&dest, &text)).await {
                    Ok(r) => {
                        counts.accepted.fetch_add(1, Ordering::SeqCst);
                        let _ = tx.send(r.message_id);
                    }
                    Err(EsmeError::Status { status, .. })
                        if status == CommandStatus::EsmeRsubmitfail && injected(&dest) =>
                    {
                        counts.injected.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(e) => {
                        counts.other_errors.fetch_add(1, Ordering::SeqCst);
                        eprintln!("ESME {n}: submit to {dest}: {e}");
                    }
                }
                drop(permit);
            });
        }
    }
    // Every submit answered before the ids are counted.
    let _ = window.acquire_many(100).await.expect("open");
    drop(tx);
    let mut all = Vec::new();
    while let Some(id) = ids.recv().await {
        all.push(id);
    }
    (esme, all)
}

/// Checkouts back to back for shopper `s` until `until`.
async fn shopper(
    s: usize,
    gateway: Arc<Part>,
    handsets: String,
    shop: Arc<switchboard::merchant_client::Merchant>,
    until: Instant,
    counts: Arc<Counts>,
) {
    let phone = shopper_phone(s);
    let inbox = format!("http://{handsets}/api/terminals/{phone}/inbox");
    let http = reqwest::Client::new();
    let mut k = 0;
    while Instant::now() < until {
        k += 1;
        let amount = format!("{k}.{s:02}");
        let body = json!({
            "order_id": format!("load-{s}-{k}"), "amount": amount, "currency": "GBP",
            "description": "Load test", "return_url": "https://shop.example/return",
        });
        let a = shop.call("POST", "/v1/payments", Some(&body), &[]).await;
        assert_eq!(a.status, 201, "{:?}", a.body);
        let id = a.body["id"].as_str().expect("id").to_owned();
        let login = json!({ "identity": format!("load{s}"), "password": format!("load-pass-{s}") });
        let (st, v) = checkout(&gateway, &id, "identify", login).await;
        assert_eq!((st, v["state"].as_str()), (200, Some("code_sent")), "{v}");
        let wanted = format!("to pay GBP {amount}.");
        let find = async {
            loop {
                let list: Value = get(inbox.clone()).await;
                let code = list.as_array().expect("inbox").iter().find_map(|m| {
                    let text = m["text"].as_str()?;
                    text.contains(&wanted)
                        .then(|| text.split("code ").nth(1)?.split(' ').next())
                        .flatten()
                        .map(str::to_owned)
                });
                if let Some(code) = code {
                    return code;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let code = tokio::time::timeout(Duration::from_secs(30), find)
            .await
            .unwrap_or_else(|_| panic!("shopper {s}: the code for {amount} within 30 s"));
        let (st, v) = checkout(&gateway, &id, "code", json!({ "code": code })).await;
        assert_eq!((st, v["state"].as_str()), (200, Some("succeeded")), "{v}");
        counts.checkouts.fetch_add(1, Ordering::SeqCst);
        let r = http.delete(&inbox).send().await.expect("clear inbox");
        assert!(r.status().is_success());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_load_with_a_fault_rule_has_only_the_injected_errors_and_bounded_memory() {
    let seconds = env_or("SUSTAINED_LOAD_SECONDS", 10);
    let rate = env_or("SUSTAINED_LOAD_RATE", 1000);
    let scratch = Scratch::new("sustained");
    let smsc = smsc_sim_with(&scratch, &smsc_config(&scratch), ["127.0.0.1:0"; 3]);
    let handsets = handset_sim_with(&scratch, &cell_config(&scratch), &smsc.addr("air"));
    let gateway = gateway_configured(
        &scratch,
        &smsc.addr("smpp"),
        &smsc,
        &GatewayOptions::default(),
        gateway_config,
    );
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, "the shoppers' phones attached", |v| {
        v["handsets"]["attached"] == SHOPPERS as u64
    })
    .await;
    gateway_ready(&gateway).await;
    let rule = json!({
        "destination": FAULT_GLOB, "probability": 0.5, "action": { "reject": "ESME_RSUBMITFAIL" }
    });
    let r = reqwest::Client::new()
        .post(format!("http://{}/api/faults", smsc.addr("http")))
        .json(&rule)
        .send()
        .await
        .expect("fault rule");
    assert_eq!(r.status().as_u16(), 201);

    let shop = Arc::new(demo_shop(&scratch, &gateway));
    let gateway = Arc::new(gateway);
    let counts = Arc::new(Counts::default());
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut esmes = Vec::new();
    for n in 0..ESMES {
        esmes.push(tokio::spawn(esme_load(
            smsc.addr("smpp"),
            n,
            rate / ESMES as u64,
            until,
            Arc::clone(&counts),
        )));
    }
    let mut shoppers = Vec::new();
    for s in 0..SHOPPERS {
        shoppers.push(tokio::spawn(shopper(
            s,
            Arc::clone(&gateway),
            handsets.addr("http"),
            Arc::clone(&shop),
            until,
            Arc::clone(&counts),
        )));
    }

    // RSS of both servers once a second.
    let mut samples: Vec<(f64, u64, u64)> = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    while Instant::now() < until {
        tick.tick().await;
        let t = started.elapsed().as_secs_f64();
        samples.push((t, smsc.rss_kib(), gateway.rss_kib()));
    }
    let mut ids = Vec::new();
    let mut esmes_bound = Vec::new();
    for e in esmes {
        let (esme, mut got) = e.await.expect("ESME task");
        ids.append(&mut got);
        esmes_bound.push(esme);
    }
    for s in shoppers {
        s.await.expect("a shopper's checkouts all succeeded");
    }
    let elapsed = started.elapsed().as_secs_f64();

    // Every accepted message gets its receipt.
    let wanted = ids.len() as u64;
    let drain = async {
        while counts.receipts.load(Ordering::SeqCst) + counts.not_delivered.load(Ordering::SeqCst)
            < wanted
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let drained = tokio::time::timeout(Duration::from_secs(60), drain).await;

    let c = |a: &AtomicU64| a.load(Ordering::SeqCst);
    let half = samples.len() / 2;
    let growth = |pick: fn(&(f64, u64, u64)) -> u64| {
        let mid = pick(&samples[half.saturating_sub(1)]);
        let peak = samples[half..].iter().map(pick).max().unwrap_or(mid);
        (mid, peak, peak.saturating_sub(mid))
    };
    let (s_mid, s_peak, s_growth) = growth(|s| s.1);
    let (g_mid, g_peak, g_growth) = growth(|s| s.2);
    eprintln!(
        "sustained load: {elapsed:.1} s, {ESMES} ESMEs at {rate}/s target, {SHOPPERS} shoppers\n  \
         submits: {} accepted ({:.0}/s), {} injected ESME_RSUBMITFAIL, {} other errors\n  \
         receipts: {} DELIVRD, {} other\n  \
         checkouts: {} succeeded ({:.1}/s)\n  \
         smsc-sim RSS: {} KiB at half time, peak {} KiB after (growth {} KiB)\n  \
         gateway RSS: {} KiB at half time, peak {} KiB after (growth {} KiB)\n  \
         RSS samples (s, smsc KiB, gateway KiB): {:?}",
        c(&counts.accepted),
        c(&counts.accepted) as f64 / elapsed,
        c(&counts.injected),
        c(&counts.other_errors),
        c(&counts.receipts),
        c(&counts.not_delivered),
        c(&counts.checkouts),
        c(&counts.checkouts) as f64 / elapsed,
        s_mid,
        s_peak,
        s_growth,
        g_mid,
        g_peak,
        g_growth,
        samples
            .iter()
            .map(|(t, s, g)| (*t as u64, *s, *g))
            .collect::<Vec<_>>()
    );
    assert!(
        drained.is_ok(),
        "every accepted message's receipt within 60 s"
    );
    assert_eq!(
        c(&counts.other_errors),
        0,
        "errors beyond the injected ones"
    );
    assert_eq!(c(&counts.not_delivered), 0, "receipts other than DELIVRD");
    assert!(c(&counts.injected) > 0, "the fault rule fired");
    assert!(c(&counts.checkouts) >= SHOPPERS as u64, "checkouts ran");
    assert!(
        s_growth < RSS_GROWTH_LIMIT_KIB,
        "smsc-sim RSS grew {s_growth} KiB in the second half"
    );
    assert!(
        g_growth < RSS_GROWTH_LIMIT_KIB,
        "gateway RSS grew {g_growth} KiB in the second half"
    );

    for esme in esmes_bound {
        let _ = esme.unbind().await;
    }
    let gateway = Arc::try_unwrap(gateway).unwrap_or_else(|_| panic!("shoppers done"));
    stop_all([gateway, handsets, smsc]);
}
