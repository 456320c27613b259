//! `switchboard demo`: one scripted checkout through every part, with the
//! time of each hop. The stack starts in memory on free ports; Demo Shop
//! creates a payment over the merchant API (mutual TLS); Alice identifies
//! through the JSON checkout API; the code is read from her phone's inbox in
//! handset-sim (it travelled over SMPP and the air link); it is entered;
//! the bank moves the money; the signed webhook reaches a receiver started
//! here. Success only when every hop happened and the signature verifies.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::merchant_client::Merchant;
use crate::{Stack, StackConfig};

mod bank_link;
mod carrier;
mod handset_confirm;
mod sealed_codes;
mod vouchers;

const ALICE: &str = "447700900101";
const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";
const SECRET: &str = "whsec_demo_run_0123456789abcdef";

type Received = Arc<Mutex<Option<(Instant, String, String)>>>;

/// A local webhook receiver; returns its URL and what it received.
async fn webhook_receiver() -> anyhow::Result<(String, Received)> {
    let got: Received = Arc::default();
    let sink = Arc::clone(&got);
    let app = axum::Router::new().route(
        "/webhook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let sink = Arc::clone(&sink);
            async move {
                let sig = headers
                    .get("switchboard-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if let Ok(mut g) = sink.lock() {
                    g.get_or_insert((Instant::now(), sig, body));
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, got))
}

struct Clock(Instant);

impl Clock {
    fn hop(&self, what: &str) {
        println!(
            "  {:>8.1} ms  {what}",
            self.0.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Run the demo; Ok(()) only when the payment succeeded end to end.
pub async fn run(fixtures: &Path) -> anyhow::Result<()> {
    let config = StackConfig::from_fixtures(fixtures)?.on_free_ports();
    let stack = Stack::start(config).await.context("starting the stack")?;
    let outcome = every_mode(&stack).await;
    stack.stop().await?;
    outcome
}

/// The SMS-code checkout, then each other payment mode (submodules of this
/// one, one line each), on the same stack.
async fn every_mode(stack: &Stack) -> anyhow::Result<()> {
    checkout(stack).await?;
    sealed_codes::run(stack).await?;
    handset_confirm::run(stack).await?;
    vouchers::run(stack).await?;
    bank_link::run(stack).await?;
    carrier::run(stack).await?;
    Ok(())
}

async fn checkout(stack: &Stack) -> anyhow::Result<()> {
    let (url, received) = webhook_receiver().await?;
    let shop: gateway::domain::MerchantId = "mer_demoshop".parse()?;
    stack
        .payments
        .store()
        .set_merchant_webhook(&shop, Some(url), SECRET.into(), 0)
        .await?;
    let before = balance(stack).await?;
    let http = reqwest::Client::new();
    let api = format!("http://{}/api/v1/checkout", stack.gateway_http);
    println!("Switchboard demo: Demo Shop charges Alice GBP 12.50");
    let clock = Clock(Instant::now());
    let (merchant, id) = demo_shop_payment(stack, "demo-1", "12.50", "Demo basket").await?;
    clock.hop(&format!(
        "payment {id} created over the merchant API (mutual TLS)"
    ));
    let v: Value = http
        .post(format!("{api}/{id}/identify"))
        .json(&json!({ "identity": "alice", "password": "alice-pass-1" }))
        .send()
        .await?
        .json()
        .await?;
    if v["state"] != "code_sent" {
        bail!("identify: {v}");
    }
    clock.hop(&format!(
        "Alice signed in (argon2id); code sent to {}",
        v["destination"]
    ));
    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let code = phones.wait_code(ALICE, Duration::from_secs(20)).await?;
    clock.hop("the code is in the inbox of Alice's phone (SMPP -> switch -> air link)");
    let v: Value = http
        .post(format!("{api}/{id}/code"))
        .json(&json!({ "code": code }))
        .send()
        .await?
        .json()
        .await?;
    if v["state"] != "succeeded" {
        bail!("confirm: {v}");
    }
    clock.hop("code accepted; the bank debited Alice and credited Demo Shop");
    let (at, sig, body) = wait_webhook(&received).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    if !gateway::webhooks::verify(
        SECRET.as_bytes(),
        &sig,
        body.as_bytes(),
        now,
        Duration::from_secs(300),
    ) {
        bail!("the webhook's signature does not verify");
    }
    println!(
        "  {:>8.1} ms  webhook payment.succeeded received, signature valid",
        at.duration_since(clock.0).as_secs_f64() * 1000.0
    );
    let after = balance(stack).await?;
    println!("Alice's account: {before} -> {after} (minor units)");
    let detail = merchant
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    println!("The gateway's timeline of {id}:");
    let events = detail.body["timeline"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let t0 = events.first().and_then(|e| e["at"].as_i64()).unwrap_or(0);
    for e in events {
        let at = e["at"].as_i64().unwrap_or(t0) - t0;
        println!(
            "  +{at:>6} ms  {:<16} {}",
            e["event"].as_str().unwrap_or(""),
            e["detail"].as_str().unwrap_or("")
        );
    }
    if before - after != 1250 {
        bail!("the bank moved {} instead of 1250", before - after);
    }
    println!("OK");
    Ok(())
}

/// Demo Shop creates a GBP payment over its mutual-TLS merchant API;
/// returns the merchant's client and the payment id.
async fn demo_shop_payment(
    stack: &Stack,
    order_id: &str,
    amount: &str,
    description: &str,
) -> anyhow::Result<(Merchant, String)> {
    let merchant = Merchant::from_dir(
        stack.gateway_merchant,
        &stack.gateway_data.join("merchants").join("mer_demoshop"),
    )?;
    let order = json!({ "order_id": order_id, "amount": amount, "currency": "GBP",
                        "description": description });
    let created = merchant
        .call("POST", "/v1/payments", Some(&order), &[])
        .await;
    if created.status != 201 {
        bail!(
            "the merchant API answered {}: {}",
            created.status,
            created.body
        );
    }
    let id = created.body["id"]
        .as_str()
        .context("payment id")?
        .to_owned();
    Ok((merchant, id))
}

async fn balance(stack: &Stack) -> anyhow::Result<i64> {
    Ok(stack
        .bank
        .balance(ALICE_ACCOUNT)
        .await?
        .context("Alice's account")?
        .minor)
}

async fn wait_webhook(received: &Received) -> anyhow::Result<(Instant, String, String)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(x) = received.lock().ok().and_then(|g| g.clone()) {
            return Ok(x);
        }
        if Instant::now() > deadline {
            bail!("no webhook within 10 s");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
