//! The gateway killed (SIGKILL) while shoppers sign in and their codes are
//! being issued and sent (identify → code stored → submit_sm → message id
//! stored), then restarted on the same ports and data directory. Wherever
//! the kill lands, every payment can still be finished afterwards: one
//! whose sign-in was lost signs in again; one whose code went out uses it;
//! one whose code was stored but may never have left asks for a resend.
//! Each ends succeeded with the newest code its phone shows, and the bank
//! moved each amount exactly once.

mod parts;

use std::time::Duration;

use parts::*;
use serde_json::{Value, json};

const EACH: usize = 4;

/// Distinct amounts, so each code SMS names its payment.
fn amount(i: usize) -> (String, i64) {
    let pence = 2000 + 137 * i64::try_from(i).expect("small");
    (format!("{}.{:02}", pence / 100, pence % 100), pence)
}

/// The newest code on `phone` for the payment of `amount`, if any.
async fn newest_code(handsets: &Part, phone: &str, amount: &str) -> Option<String> {
    let url = format!(
        "http://{}/api/terminals/{phone}/inbox",
        handsets.addr("http")
    );
    let inbox = get(url).await;
    let wanted = format!("GBP {amount}.");
    inbox
        .as_array()?
        .iter()
        .rev()
        .filter_map(|m| m["text"].as_str())
        .find(|t| t.contains(&wanted))
        .and_then(|t| {
            let after = t.split("code ").nth(1)?;
            Some(after.chars().take_while(char::is_ascii_digit).collect())
        })
}

async fn wait_code(handsets: &Part, phone: &str, amount: &str, within: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(code) = newest_code(handsets, phone, amount).await {
            return Some(code);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn first_submit(smsc: &Part) {
    let url = format!("http://{}/metrics", smsc.addr("http"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let text = reqwest::get(&url)
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        let submitted: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("smsc_submitted_total "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if submitted > 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no code submitted in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn relaxed_limits(config: &mut toml::Table) {
    let codes = config["codes"].as_table_mut().expect("[codes]");
    codes.insert("per_number_10min".into(), 100.into());
    codes.insert("per_number_hour".into(), 100.into());
    codes.insert(
        "resend_cooldowns_s".into(),
        toml::Value::Array(vec![1.into(), 1.into(), 1.into()]),
    );
}

#[tokio::test]
async fn a_gateway_killed_while_codes_go_out_leaves_every_payment_finishable() {
    let scratch = Scratch::new("gwkillcodes");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let handsets = handset_sim(&scratch, &smsc);
    let options = GatewayOptions::default();
    let gateway = gateway_configured(
        &scratch,
        &smsc.addr("smpp"),
        &smsc,
        &options,
        relaxed_limits,
    );
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, "handsets attached", |v| {
        v["handsets"]["attached"].as_u64() >= Some(2)
    })
    .await;
    gateway_ready(&gateway).await;
    let shop = demo_shop(&scratch, &gateway);

    let mut payments = Vec::new();
    for (n, (identity, password, phone, _)) in SHOPPERS.into_iter().enumerate() {
        for i in 0..EACH {
            let k = n * EACH + i;
            let id = create_payment(&shop, &amount(k).0).await;
            payments.push((id, k, identity, password, phone));
        }
    }
    // Every sign-in at once; the kill lands while codes are issued and sent.
    let identifies: Vec<_> = payments
        .iter()
        .map(|(id, _, identity, password, _)| {
            let url = format!(
                "http://{}/api/v1/checkout/{id}/identify",
                gateway.addr("http")
            );
            let body = json!({ "identity": identity, "password": password });
            tokio::spawn(async move { reqwest::Client::new().post(url).json(&body).send().await })
        })
        .collect();
    // Killed as soon as the SMSC has taken the first code: the other
    // sign-ins are then between their password check and their submit.
    first_submit(&smsc).await;
    let options = GatewayOptions {
        http: gateway.addr("http"),
        merchant: gateway.addr("merchant"),
        ..options
    };
    gateway.kill();
    for i in identifies {
        let _ = i.await;
    }
    let gateway = gateway_configured(
        &scratch,
        &smsc.addr("smpp"),
        &smsc,
        &options,
        relaxed_limits,
    );
    gateway_ready(&gateway).await;

    let (mut again, mut resent, mut kept) = (0, 0, 0);
    for (id, k, identity, password, phone) in &payments {
        let (amount, _) = amount(*k);
        let url = format!("http://{}/api/v1/checkout/{id}", gateway.addr("http"));
        let state: Value = get(url).await;
        let code = match state["state"].as_str() {
            Some("created" | "identified") => {
                again += 1;
                let body = json!({ "identity": identity, "password": password });
                let (s, v) = checkout(&gateway, id, "identify", body).await;
                assert_eq!(
                    (s, v["state"].as_str()),
                    (200, Some("code_sent")),
                    "{id}: {v}"
                );
                wait_code(&handsets, phone, &amount, Duration::from_secs(20)).await
            }
            Some("code_sent") => {
                match wait_code(&handsets, phone, &amount, Duration::from_secs(3)).await {
                    Some(code) => {
                        kept += 1;
                        Some(code)
                    }
                    None => {
                        // Stored before the kill, never sent: a resend replaces it.
                        resent += 1;
                        tokio::time::sleep(Duration::from_millis(1100)).await;
                        let (s, v) = checkout(&gateway, id, "resend", json!({})).await;
                        assert_eq!(s, 200, "{id}: resend {v}");
                        wait_code(&handsets, phone, &amount, Duration::from_secs(20)).await
                    }
                }
            }
            other => panic!("{id} is {other:?} after the kill: {state}"),
        };
        let code = code.unwrap_or_else(|| panic!("{id}: no code on {phone}"));
        let (s, v) = checkout(&gateway, id, "code", json!({ "code": code })).await;
        assert_eq!(
            (s, v["state"].as_str()),
            (200, Some("succeeded")),
            "{id}: {v}"
        );
    }
    eprintln!(
        "after the kill: {again} signed in again, {kept} used the code sent before, {resent} resent"
    );
    let gateway_data = scratch.path("gateway");
    stop_all([gateway, handsets, smsc]);

    let bank =
        gateway::bank::SimBank::open_dir(&gateway_data, gateway::bank::SimBankConfig::default())
            .expect("the gateway's bank ledger");
    let mut total = 0;
    for (n, (_, _, _, account)) in SHOPPERS.into_iter().enumerate() {
        let paid: i64 = (0..EACH).map(|i| amount(n * EACH + i).1).sum();
        total += paid;
        let start = if n == 0 { 100_000 } else { 250_000 };
        let now = bank
            .balance(account)
            .await
            .expect("bank")
            .expect("account")
            .minor;
        assert_eq!(now, start - paid, "{account} debited once per payment");
    }
    let shop_now = bank
        .balance(SHOP_ACCOUNT)
        .await
        .expect("bank")
        .expect("account")
        .minor;
    assert_eq!(shop_now, total);
}
