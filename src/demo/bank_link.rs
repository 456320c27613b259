//! The demo's registration from the bank: Bob's bank turns the SMS payment
//! method off for his second account and back on, as a bank's back office
//! would over `POST /bank/v1/sms-method`; each time his phone gets the
//! gateway's confirmation over SMPP and the air link.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::Clock;
use crate::Stack;

const BOB: &str = "447700900102";
const ACCOUNT: &str = "GB33SWBK00000000000103";
/// The fixture's `[bank_link] token`.
const TOKEN: &str = "demo-bank-link-token-change-me";

pub async fn run(stack: &Stack) -> anyhow::Result<()> {
    println!("Registration from the bank: Bob's bank turns SMS payment off and on for ••••0103");
    let clock = Clock(Instant::now());
    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let http = reqwest::Client::new();
    let url = format!("http://{}/bank/v1/sms-method", stack.gateway_http);
    for (n, (action, expect)) in [("cancel", "turned off"), ("open", "turned on")]
        .into_iter()
        .enumerate()
    {
        let mentions = |inbox: &[Value]| {
            inbox
                .iter()
                .filter(|m| m["text"].as_str().is_some_and(|t| t.contains(expect)))
                .count()
        };
        let before = mentions(&phones.inbox(BOB).await?);
        let body = json!({ "reference": format!("demo-bank-{n}"), "action": action,
                           "account": ACCOUNT, "msisdn": BOB });
        let answer: Value = http
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await?
            .error_for_status()
            .context("the bank's instruction")?
            .json()
            .await?;
        if answer["confirmation_sent"] != true || answer["customers"] != 1 {
            bail!("bank {action}: {answer}");
        }
        clock.hop(&format!(
            "the bank said {action}; the gateway applied it for 1 customer"
        ));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if mentions(&phones.inbox(BOB).await?) > before {
                break;
            }
            if Instant::now() > deadline {
                bail!("Bob's phone got no \"{expect}\" SMS within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        clock.hop(&format!(
            "Bob's phone shows \"…{expect} payment by SMS code…\""
        ));
    }
    println!("OK");
    Ok(())
}
