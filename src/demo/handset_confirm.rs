//! The demo's handset-confirmation mode (issue 8 part 1): a merchant
//! terminal (the POS simulator) charges Alice by her alias; the gateway
//! pushes the payment to her phone from the service number 7000; the phone
//! answers `YES <ref> <PIN>` (an MO over the air link, the switch and SMPP
//! deliver_sm); the bank moves the money; the terminal prints the receipt
//! and the phone gets the confirmation. Fails when a hop does not happen.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::Clock;
use crate::Stack;
use crate::merchant_client::Merchant;
use crate::pos::{self, Receipt, Sale};

const ALICE: &str = "447700900101";
const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";
/// Alice's payment PIN in fixtures/gateway.toml.
const ALICE_PIN: &str = "4821";
const AMOUNT_MINOR: i64 = 480;

/// Waits for a message from `from` containing `needle` on `msisdn`.
async fn inbox_has(
    phones: &handset_sim::client::Client,
    msisdn: &str,
    from: &str,
    needle: &str,
) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let hit = phones.inbox(msisdn).await?.into_iter().rev().find(|m| {
            m["from"].as_str().is_some_and(|f| f.ends_with(from))
                && m["text"].as_str().is_some_and(|t| t.contains(needle))
        });
        if let Some(m) = hit {
            return Ok(m["text"].as_str().unwrap_or_default().to_owned());
        }
        if Instant::now() > deadline {
            bail!("no SMS from {from} with {needle:?} on {msisdn} within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(super) async fn run(stack: &Stack) -> anyhow::Result<()> {
    let merchant = Merchant::from_dir(
        stack.gateway_merchant,
        &stack.gateway_data.join("merchants").join("mer_demoshop"),
    )?;
    let service = stack_service_number();
    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let before = balance(stack).await?;
    println!("Confirmation from the handset: a POS terminal charges Alice GBP 4.80");
    let clock = Clock(Instant::now());
    let sale = Sale {
        customer: "alice".into(),
        amount: "4.80".into(),
        currency: "GBP".into(),
        description: "Coffee and cake".into(),
        terminal_id: "POS-DEMO".into(),
    };
    let started = pos::charge(&merchant, &sale).await?;
    let id = started["id"].as_str().context("payment id")?.to_owned();
    let reference = started["push"]["reference"]
        .as_str()
        .context("push reference")?
        .to_owned();
    clock.hop(&format!(
        "payment {id} started by terminal POS-DEMO (merchant API, mutual TLS); push {reference}"
    ));
    inbox_has(&phones, ALICE, &service, &reference).await?;
    clock.hop(&format!(
        "the push from {service} is on Alice's phone (SMPP -> switch -> air link)"
    ));
    phones
        .send(
            ALICE,
            &service,
            &format!("YES {reference} {ALICE_PIN}"),
            false,
        )
        .await?;
    clock.hop("Alice answered YES <ref> <PIN> (MO -> switch -> deliver_sm to the gateway)");
    let done = pos::wait_final(
        &merchant,
        &id,
        Duration::from_millis(20),
        Duration::from_secs(20),
    )
    .await?;
    if done["state"] != "succeeded" {
        bail!("the terminal payment ended {}: {done}", done["state"]);
    }
    clock.hop("PIN checked (argon2id); the bank debited Alice and credited Demo Shop");
    inbox_has(&phones, ALICE, &service, "Paid GBP 4.80").await?;
    clock.hop("the confirmation SMS is on Alice's phone");
    println!("{}", Receipt::from_payment(&done));
    let after = balance(stack).await?;
    if before - after != AMOUNT_MINOR {
        bail!(
            "the bank moved {} instead of {AMOUNT_MINOR}",
            before - after
        );
    }
    println!("OK");
    Ok(())
}

/// The gateway's service number: `[push] service_number`'s default,
/// which fixtures/gateway.toml keeps (the SMSC routes MO to it).
fn stack_service_number() -> String {
    gateway::payments::push::PushConfig::default().service_number
}

async fn balance(stack: &Stack) -> anyhow::Result<i64> {
    Ok(stack
        .bank
        .balance(ALICE_ACCOUNT)
        .await?
        .context("Alice's account")?
        .minor)
}
