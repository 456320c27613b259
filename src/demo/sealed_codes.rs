//! The demo's sealed-code mode (issue 8 part 3): Demo Shop charges Carol,
//! whose registered terminal is a set-top card with a key; the gateway seals
//! the code for the card and sends it as an 8-bit SMS to port 9200; the
//! SMSC's admin API shows it holds only ciphertext; the card opens it with
//! its key; the code read off the card pays. Fails when a hop does not
//! happen or the code shows in clear at the SMSC.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::Clock;
use crate::Stack;

const CAROL_CARD: &str = "447700900104";
const CAROL_ACCOUNT: &str = "GB33SWBK00000000000104";

pub(super) async fn run(stack: &Stack) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let api = format!("http://{}/api/v1/checkout", stack.gateway_http);
    let before = balance(stack).await?;
    println!("Sealed code to a dedicated terminal: Demo Shop charges Carol GBP 1.20");
    let clock = Clock(Instant::now());
    let (_, id) =
        super::demo_shop_payment(stack, "demo-sealed-1", "1.20", "Pay-per-view film").await?;
    clock.hop(&format!("payment {id} created over the merchant API"));
    let v: Value = http
        .post(format!("{api}/{id}/identify"))
        .json(&json!({ "identity": "carol", "password": "carol-pass-1" }))
        .send()
        .await?
        .json()
        .await?;
    if v["state"] != "code_sent" {
        bail!("identify: {v}");
    }
    clock.hop("Carol signed in; the code was sealed (XChaCha20-Poly1305) for her set-top card");
    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let code = phones
        .wait_code(CAROL_CARD, Duration::from_secs(20))
        .await?;
    let inbox = phones.inbox(CAROL_CARD).await?;
    let shown = inbox.last().context("the card's inbox is empty")?;
    if shown["sealed"] != "opened" {
        bail!("the card did not open a sealed message: {shown}");
    }
    clock.hop(&format!(
        "the card opened it with its key and shows: {}",
        shown["display"].as_str().unwrap_or_default()
    ));
    let messages: Value = http
        .get(format!(
            "http://{}/api/messages?number={CAROL_CARD}",
            stack.smsc_http
        ))
        .send()
        .await?
        .json()
        .await?;
    let stored = messages
        .as_array()
        .and_then(|a| a.iter().max_by_key(|m| m["submitted_at"].as_i64()))
        .context("the SMSC holds no message to the card")?;
    let payload = stored["payload_hex"].as_str().unwrap_or_default();
    if stored["data_coding"] != 4 || !payload.starts_with("06050423f023f0") {
        bail!("the SMSC did not get an 8-bit message to port 9200: {stored}");
    }
    let clear_hex: String = code.bytes().map(|b| format!("{b:02x}")).collect();
    if stored.to_string().contains(&code) || payload.contains(&clear_hex) {
        bail!("the code is readable at the SMSC");
    }
    clock.hop(&format!(
        "the SMSC held only ciphertext: data_coding 0x04, port 9200, {} octets",
        payload.len() / 2
    ));
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
    let after = balance(stack).await?;
    if before - after != 120 {
        bail!("the bank moved {} instead of 120", before - after);
    }
    clock.hop("code accepted; the bank debited Carol and credited Demo Shop");
    println!("OK");
    Ok(())
}

async fn balance(stack: &Stack) -> anyhow::Result<i64> {
    Ok(stack
        .bank
        .balance(CAROL_ACCOUNT)
        .await?
        .context("Carol's account")?
        .minor)
}
