//! SMPP traffic for `bench handsets`: N messages to distinct terminals,
//! pipelined, with receipts, and the one-at-a-time latency samples.
//!
//! [`deliver_all`] binds one transceiver with window W, submits message i to
//! terminal i mod T from a producer that keeps up to 2W submits queued on
//! the window, and counts final receipts with `stat:DELIVRD` on the event
//! stream until all N have come back. [`latency`] sends one message at a
//! time to one terminal and times it from submit_sm to handset-sim's
//! `next-message` long poll answering with it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::sync::Semaphore;
use wire::esme::{Esme, EsmeConfig, Event, EventStream};
use wire::smpp::rusmpp::pdus::SubmitSm;

use super::procs::terminal;
use super::progress::Progress;

/// Bind the benchmark's account at `smpp` with window `window`.
pub async fn bind(smpp: &str, window: usize) -> anyhow::Result<(Esme, EventStream)> {
    let mut config = EsmeConfig::new(smpp, "bench", "bench-pw");
    config.window = window;
    config.event_capacity = 100_000;
    config.response_timeout = Duration::from_secs(60);
    Ok(Esme::connect(config).await?)
}

/// When the last submit_sm_resp and the last receipt arrived.
#[derive(Debug, Clone, Copy)]
pub struct Delivered {
    pub submitted: Duration,
    pub delivered: Duration,
}

/// Send `n` messages to terminals 0.. of `terminals`; wait for every receipt.
pub async fn deliver_all(
    esme: &Esme,
    mut events: EventStream,
    n: usize,
    terminals: usize,
    progress: &Progress,
) -> anyhow::Result<Delivered> {
    let window = esme.config().window;
    let queued = Arc::new(Semaphore::new(window * 2));
    let t0 = Instant::now();
    let producer = {
        let esme = esme.clone();
        tokio::spawn(async move {
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..n {
                let permit = Arc::clone(&queued).acquire_owned().await?;
                let sm = submit(&terminal(i % terminals), &format!("Bench message {i}"))?;
                let esme = esme.clone();
                tasks.spawn(async move {
                    let r = esme.submit_sm(sm).await;
                    drop(permit);
                    r
                });
                while let Some(done) = tasks.try_join_next() {
                    done??;
                }
            }
            while let Some(done) = tasks.join_next().await {
                done??;
            }
            anyhow::Ok(t0.elapsed())
        })
    };
    let mut delivered = 0;
    while delivered < n {
        let event = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .with_context(|| format!("no receipt for 60 s ({delivered} of {n} delivered)"))?;
        match event {
            Some(e @ Event::DeliverSm(_)) => {
                let Some(r) = e.receipt() else { continue };
                let text = String::from_utf8_lossy(&r.text);
                if text.contains("stat:DELIVRD") {
                    delivered += 1;
                    progress.update(delivered, n);
                } else if !r.intermediate {
                    bail!("a message was not delivered: {text}");
                }
            }
            Some(Event::Disconnected(why)) => bail!("the SMSC dropped the bind: {why:?}"),
            Some(_) => {}
            None => bail!("the event stream ended"),
        }
    }
    let delivered = t0.elapsed();
    let submitted = producer.await.context("producer task")??;
    Ok(Delivered {
        submitted,
        delivered,
    })
}

/// `samples` messages one at a time to `msisdn`, submit_sm → in the inbox.
pub async fn latency(
    esme: &Esme,
    handsets_api: &str,
    msisdn: &str,
    samples: usize,
    progress: &Progress,
) -> anyhow::Result<Vec<Duration>> {
    let http = reqwest::Client::new();
    let terminal = format!("{handsets_api}/api/terminals/{msisdn}");
    http.post(format!("{terminal}/capacity"))
        .json(&serde_json::json!({ "capacity": samples + 10 }))
        .send()
        .await?
        .error_for_status()?;
    let mut out = Vec::with_capacity(samples);
    let mut after = 0u64;
    for i in 0..samples {
        let text = format!("Your code is {:06} for 12.50 EUR", i % 1_000_000);
        let sm = submit(msisdn, &text)?;
        let t0 = Instant::now();
        esme.submit_sm(sm).await?;
        let m: serde_json::Value = http
            .get(format!("{terminal}/next-message"))
            .query(&[("timeout", "10"), ("after", &after.to_string())])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        out.push(t0.elapsed());
        after = m["id"].as_u64().context("message id")?;
        if m["text"] != text.as_str() {
            bail!("the inbox got {:?}, expected {text:?}", m["text"]);
        }
        progress.update(i + 1, samples);
    }
    Ok(out)
}

/// A GSM 7-bit submit_sm from "Bench" to `dest` asking for a receipt.
fn submit(dest: &str, text: &str) -> anyhow::Result<SubmitSm> {
    use wire::smpp::rusmpp::types::{COctetString, OctetString};
    use wire::smpp::rusmpp::values::{Npi, RegisteredDelivery, Ton};
    let c = |v: &str| COctetString::from_string(v.to_owned()).map_err(|e| anyhow::anyhow!("{e:?}"));
    let body = OctetString::from_slice(&wire::text::gsm7::encode(text)?)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(c("Bench")?)
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(c(dest)?)
        .esm_class(wire::smpp::esm::esm_class(wire::smpp::esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(1))
        .short_message(body)
        .build())
}
