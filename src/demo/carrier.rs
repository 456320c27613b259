//! The demo's carrier billing: a Demo Shop payment that Alice charges to
//! her phone bill at "Switchboard Mobile" (smsc-sim as the operator); the
//! operator checks her number, billing PIN and credit limit, texts her a
//! confirmation through its own switch, and the charge shows on her
//! monthly statement at the operator.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use serde_json::{Value, json};

use super::Clock;
use crate::Stack;

const ALICE: &str = "447700900101";
/// Alice's billing PIN in fixtures/smsc-sim.toml.
const PIN: &str = "2468";
const OPERATOR: &str = "Switchboard Mobile";

pub async fn run(stack: &Stack) -> anyhow::Result<()> {
    println!("Carrier billing: Alice pays GBP 4.20 on her {OPERATOR} phone bill");
    let clock = Clock(Instant::now());
    let http = reqwest::Client::new();
    let statement_url = format!(
        "http://{}/api/billing/subscribers/{ALICE}/statement",
        stack.smsc_http
    );
    let billed = |s: &Value| s["total_billed"].as_i64().unwrap_or(0);
    let before: Value = http.get(&statement_url).send().await?.json().await?;
    let (_, id) =
        super::demo_shop_payment(stack, "demo-carrier", "4.20", "Paid on the phone bill").await?;
    clock.hop(&format!("Demo Shop created {id}"));

    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let from_operator = |inbox: &[Value]| {
        inbox
            .iter()
            .filter(|m| m["from"] == "Billing")
            .filter(|m| m["text"].as_str().is_some_and(|t| t.contains("4.20")))
            .count()
    };
    let sms_before = from_operator(&phones.inbox(ALICE).await?);
    let answer: Value = http
        .post(format!(
            "http://{}/api/v1/checkout/{id}/carrier",
            stack.gateway_http
        ))
        .json(&json!({ "carrier": OPERATOR, "msisdn": ALICE, "pin": PIN }))
        .send()
        .await?
        .json()
        .await?;
    if answer["state"] != "succeeded" || answer["method"] != "carrier" {
        bail!("the operator did not approve: {answer}");
    }
    clock.hop(&format!(
        "{OPERATOR} approved and captured; the payment succeeded (method carrier)"
    ));
    let deadline = Instant::now() + Duration::from_secs(20);
    while from_operator(&phones.inbox(ALICE).await?) == sms_before {
        if Instant::now() > deadline {
            bail!("Alice's phone got no confirmation from the operator within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    clock.hop("Alice's phone shows \"Switchboard Mobile: GBP 4.20 from Demo Shop will be added to your bill…\"");
    let after: Value = http.get(&statement_url).send().await?.json().await?;
    ensure!(
        billed(&after) == billed(&before) + 420,
        "the statement did not grow by 4.20: {after}"
    );
    clock.hop(&format!(
        "her statement at the operator: {} billed this month, {} of credit left (minor units)",
        billed(&after),
        after["credit_remaining"]
    ));
    println!("OK");
    Ok(())
}
