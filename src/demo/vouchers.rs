//! The demo's prepaid-voucher mode (issue 8 part 4): Alice buys a GBP 20.00
//! voucher by a transfer from her bank account to the gateway's float
//! account; the SMS with its number and random password reaches her phone;
//! a Demo Shop payment is paid with it (float account to merchant); the
//! balance SMS follows; the end-of-day return (run now through the admin
//! API) moves the rest back to her account. Fails when a hop does not
//! happen or a bank balance is not what it should be.

use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};

use super::Clock;
use crate::Stack;

const ALICE: &str = "447700900101";
const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";
/// The admin token of fixtures/gateway.toml.
const ADMIN: &str = "demo-admin-token-change-me";

async fn balance(stack: &Stack, account: &str) -> anyhow::Result<i64> {
    Ok(stack
        .bank
        .balance(account)
        .await?
        .context("the account exists")?
        .minor)
}

/// Waits for an SMS on Alice's phone containing `needle`.
async fn sms_with(phones: &handset_sim::client::Client, needle: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let inbox = phones.inbox(ALICE).await?;
        if let Some(t) = inbox
            .iter()
            .rev()
            .filter_map(|m| m["text"].as_str())
            .find(|t| t.contains(needle))
        {
            return Ok(t.to_owned());
        }
        if Instant::now() > deadline {
            bail!("no SMS with {needle:?} on Alice's phone within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn post(stack: &Stack, path: &str, body: Value, admin: bool) -> anyhow::Result<Value> {
    let mut req = reqwest::Client::new()
        .post(format!("http://{}{path}", stack.gateway_http))
        .json(&body);
    if admin {
        req = req.bearer_auth(ADMIN);
    }
    let r = req.send().await?;
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    ensure!(status.is_success(), "{path}: {status} {v}");
    Ok(v)
}

pub(super) async fn run(stack: &Stack) -> anyhow::Result<()> {
    let phones = handset_sim::client::Client::new(&stack.handsets_api())?;
    let float = "GB33SWBK00000000009900";
    let (alice0, float0) = (
        balance(stack, ALICE_ACCOUNT).await?,
        balance(stack, float).await?,
    );
    println!("Prepaid voucher: Alice buys GBP 20.00, pays GBP 7.50, the rest goes back");
    let clock = Clock(Instant::now());
    let body = json!({ "identity": "alice", "password": "alice-pass-1", "amount": "20.00",
                       "currency": "GBP" });
    let v = post(stack, "/api/v1/vouchers", body, false).await?;
    let number = v["number"].as_str().context("voucher number")?.to_owned();
    ensure!(
        balance(stack, ALICE_ACCOUNT).await? == alice0 - 2000,
        "purchase not debited"
    );
    clock.hop(&format!(
        "voucher {number} bought: GBP 20.00 from Alice's account to the float account"
    ));
    let sms = sms_with(&phones, &number).await?;
    let password: String = sms
        .split("Payment password: ")
        .nth(1)
        .and_then(|t| t.split('.').next())
        .context("the password in the voucher SMS")?
        .replace(' ', "");
    clock.hop("the voucher SMS with number and password is on Alice's phone");
    let (_, id) =
        super::demo_shop_payment(stack, "demo-voucher", "7.50", "Paid by voucher").await?;
    let body = json!({ "number": number, "password": password });
    let paid = post(
        stack,
        &format!("/api/v1/checkout/{id}/voucher"),
        body,
        false,
    )
    .await?;
    ensure!(paid["state"] == "succeeded", "voucher payment: {paid}");
    clock.hop(&format!(
        "payment {id} paid with the voucher: float account -> Demo Shop"
    ));
    sms_with(&phones, "Balance left: GBP 12.50").await?;
    clock.hop("the balance SMS (GBP 12.50 left) is on Alice's phone");
    let report = post(stack, "/admin/api/vouchers/return-unspent", json!({}), true).await?;
    ensure!(
        report["returned"].to_string().contains(&number),
        "voucher not returned: {report}"
    );
    ensure!(
        balance(stack, ALICE_ACCOUNT).await? == alice0 - 750
            && balance(stack, float).await? == float0,
        "the return did not move GBP 12.50 back"
    );
    clock.hop("end-of-day return: GBP 12.50 back to Alice's account");
    println!("OK");
    Ok(())
}
