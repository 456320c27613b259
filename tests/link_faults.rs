//! The gateway's link to the SMSC broken while checkouts wait for their
//! codes, across real processes: smsc-sim SIGKILLed and restarted on the
//! same ports and data directory, and the TCP link cut (by a [`Proxy`])
//! without killing anyone. Afterwards the gateway has bound again, every
//! code the SMSC accepted arrives, a checkout whose submit was cut off got
//! an honest `sms_unavailable` and succeeds when the shopper tries again,
//! every receipt after the reconnect is matched to its payment
//! (`delivery: delivered`), no phone shows the same SMS twice, and the
//! bank moved each payment's money exactly once.

mod parts;

use std::collections::HashMap;
use std::time::Duration;

use parts::*;
use serde_json::{Value, json};

const CAROL: &str = "447700900104";

struct Shopper {
    identity: &'static str,
    password: &'static str,
    phone: &'static str,
    account: &'static str,
    balance: i64,
}

const ALICE_S: Shopper = Shopper {
    identity: "alice",
    password: "alice-pass-1",
    phone: ALICE,
    account: "GB33SWBK00000000000101",
    balance: 100_000,
};
const BOB_S: Shopper = Shopper {
    identity: "bob",
    password: "bob-pass-1",
    phone: BOB,
    account: "GB33SWBK00000000000102",
    balance: 250_000,
};
const CAROL_S: Shopper = Shopper {
    identity: "carol",
    password: "carol-pass-1",
    phone: CAROL,
    account: "GB33SWBK00000000000104",
    balance: 500,
};
const SHOP: &str = "GB33SWBK00000000009001";

/// One checkout: its payment id, amount ("1.01") and shopper.
struct Checkout {
    id: String,
    amount: String,
    shopper: &'static Shopper,
}

fn pence(amount: &str) -> i64 {
    let (pounds, p) = amount.split_once('.').expect("amount with pence");
    pounds.parse::<i64>().expect("pounds") * 100 + p.parse::<i64>().expect("pence")
}

async fn identify(gateway: &Part, c: &Checkout) -> (u16, Value) {
    let body = json!({ "identity": c.shopper.identity, "password": c.shopper.password });
    checkout(gateway, &c.id, "identify", body).await
}

/// The codes sent for `amount` to `phone`, oldest first.
async fn codes_for(handsets: &Part, phone: &str, amount: &str) -> Vec<String> {
    let url = format!(
        "http://{}/api/terminals/{phone}/inbox",
        handsets.addr("http")
    );
    let inbox = get(url).await;
    let mut found: Vec<(u64, String)> = inbox
        .as_array()
        .expect("inbox")
        .iter()
        .filter_map(|m| {
            let text = m["text"].as_str()?;
            if !text.contains(&format!("to pay GBP {amount}.")) {
                return None;
            }
            let code = text.split("code ").nth(1)?.split(' ').next()?.to_owned();
            Some((m["id"].as_u64()?, code))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, c)| c).collect()
}

/// Waits (at most 30 s) for a code for `c` that was not in `seen`, then
/// confirms with the newest codes first; a code the gateway revoked (sent
/// before a re-identify, delivered late) may cost one wrong attempt.
async fn confirm(gateway: &Part, handsets: &Part, c: &Checkout, seen: &[String]) {
    let wait = async {
        loop {
            let codes = codes_for(handsets, c.shopper.phone, &c.amount).await;
            if codes.iter().any(|code| !seen.contains(code)) {
                return codes;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let codes = tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .unwrap_or_else(|_| panic!("a code for {} {} within 30 s", c.shopper.phone, c.amount));
    let mut tried = Vec::new();
    for code in codes.iter().rev() {
        let (s, v) = checkout(gateway, &c.id, "code", json!({ "code": code })).await;
        if (s, v["state"].as_str()) == (200, Some("succeeded")) {
            assert!(tried.len() <= 1, "{}: wrong codes first: {tried:?}", c.id);
            return;
        }
        tried.push((code.clone(), s, v));
    }
    panic!("{} {}: no code was accepted: {tried:?}", c.id, c.amount);
}

async fn wait_delivered(gateway: &Part, id: &str) {
    let url = format!("http://{}/api/v1/checkout/{id}", gateway.addr("http"));
    wait_for(url, &format!("{id}: delivery delivered"), |v| {
        v["delivery"] == "delivered"
    })
    .await;
}

/// No terminal shows the same SMS twice.
async fn no_duplicates(handsets: &Part, phones: &[&str]) {
    for phone in phones {
        let url = format!(
            "http://{}/api/terminals/{phone}/inbox",
            handsets.addr("http")
        );
        let inbox = get(url).await;
        let mut count: HashMap<&str, usize> = HashMap::new();
        for m in inbox.as_array().expect("inbox") {
            *count.entry(m["text"].as_str().expect("text")).or_default() += 1;
        }
        let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{phone} shows SMS twice: {twice:?}");
    }
}

async fn balance(data: &std::path::Path, account: &str) -> i64 {
    let bank = gateway::bank::SimBank::open_dir(data, gateway::bank::SimBankConfig::default())
        .expect("the gateway's bank ledger");
    bank.balance(account)
        .await
        .expect("bank")
        .expect("account")
        .minor
}

/// Each shopper was debited their payments once; the shop got them all.
async fn money_moved_once(data: &std::path::Path, checkouts: &[Checkout]) {
    let mut paid: HashMap<&str, (i64, i64)> = HashMap::new();
    for c in checkouts {
        let e = paid
            .entry(c.shopper.account)
            .or_insert((c.shopper.balance, 0));
        e.1 += pence(&c.amount);
    }
    for (account, (start, sum)) in &paid {
        assert_eq!(balance(data, account).await, start - sum, "{account}");
    }
    let total: i64 = checkouts.iter().map(|c| pence(&c.amount)).sum();
    assert_eq!(balance(data, SHOP).await, total, "the shop's account");
}

async fn power(handsets: &Part, phone: &str, on: &str) {
    let (rc, _, err) = cli(handsets, &["power", phone, on]).await;
    assert_eq!(rc, 0, "power {phone} {on}: {err}");
}

#[tokio::test]
async fn an_smsc_killed_during_checkouts_comes_back_and_every_checkout_pays_once() {
    let scratch = Scratch::new("linkkill");
    let (smsc, handsets, gateway) = start(&scratch).await;
    let shop = demo_shop(&scratch, &gateway);
    // Alice's phone is off: her codes wait in the SMSC's store when it dies.
    power(&handsets, ALICE, "off").await;
    handset_state(&smsc, ALICE, "detached").await;

    let mut checkouts = Vec::new();
    for (shopper, amounts) in [
        (&ALICE_S, ["1.01", "1.02", "1.03"].as_slice()),
        (&BOB_S, ["2.01", "2.02"].as_slice()),
        (&CAROL_S, ["0.31", "0.32"].as_slice()),
    ] {
        for amount in amounts {
            let id = create_payment(&shop, amount).await;
            checkouts.push(Checkout {
                id,
                amount: (*amount).to_owned(),
                shopper,
            });
        }
    }
    for c in &checkouts[..3] {
        let (s, v) = identify(&gateway, c).await;
        assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    }

    // Bob's and Carol's checkouts start together; the SMSC is killed as
    // soon as the first of their codes is in its store.
    let gw = gateway.addr("http");
    let started: Vec<_> = checkouts[3..]
        .iter()
        .map(|c| {
            let url = format!("http://{gw}/api/v1/checkout/{}/identify", c.id);
            let body = json!({ "identity": c.shopper.identity, "password": c.shopper.password });
            tokio::spawn(async move {
                let r = reqwest::Client::new()
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("the gateway answers");
                (
                    r.status().as_u16(),
                    r.json::<Value>().await.unwrap_or_default(),
                )
            })
        })
        .collect();
    let any_code = format!("http://{}/api/messages", smsc.addr("http"));
    wait_for(any_code, "a code for Bob or Carol at the SMSC", |v| {
        v.as_array().is_some_and(|all| {
            all.iter()
                .any(|m| m["dest"]["addr"] == BOB || m["dest"]["addr"] == CAROL)
        })
    })
    .await;
    let addrs = [smsc.addr("smpp"), smsc.addr("http"), smsc.addr("air")];
    smsc.kill();
    let smsc = smsc_sim(&scratch, [&addrs[0], &addrs[1], &addrs[2]]);

    let mut outcomes = Vec::new();
    for (c, task) in checkouts[3..].iter().zip(started) {
        let (s, v) = task.await.expect("join");
        match (s, v["state"].as_str(), v["code"].as_str()) {
            (200, Some("code_sent"), _) => outcomes.push("sent"),
            (503, _, Some("sms_unavailable")) => outcomes.push("unavailable"),
            other => panic!("{}: not an honest answer: {other:?} {v}", c.id),
        }
    }
    gateway_ready(&gateway).await;
    for phone in [BOB, CAROL, "447700900103"] {
        handset_state(&smsc, phone, "attached").await;
    }
    power(&handsets, ALICE, "on").await;

    // Every checkout finishes: a code the SMSC accepted arrives; one whose
    // submit was cut off is honest about it and a new identify sends one.
    let mut retried = 0;
    for c in &checkouts {
        let state = get(format!("http://{gw}/api/v1/checkout/{}", c.id)).await;
        let mut seen = Vec::new();
        if state["state"] == "identified" {
            retried += 1;
            seen = codes_for(&handsets, c.shopper.phone, &c.amount).await;
            let (s, v) = identify(&gateway, c).await;
            assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
        } else {
            assert_eq!(state["state"], "code_sent", "{}: {state}", c.id);
        }
        confirm(&gateway, &handsets, c, &seen).await;
    }
    // Receipts that came after the re-bind still find their payments.
    for c in &checkouts {
        wait_delivered(&gateway, &c.id).await;
    }
    no_duplicates(&handsets, &[ALICE, BOB, CAROL]).await;
    eprintln!(
        "SMSC killed with Bob's and Carol's identifies in flight: {outcomes:?}; \
         {retried} checkouts identified again"
    );
    let data = scratch.path("gateway");
    stop_all([gateway, handsets, smsc]);
    money_moved_once(&data, &checkouts).await;
}

#[tokio::test]
async fn a_cut_smsc_link_is_bound_again_and_held_receipts_find_their_payments() {
    let scratch = Scratch::new("linkcut");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let handsets = handset_sim(&scratch, &smsc);
    let proxy = Proxy::start(&smsc.addr("smpp")).await;
    let gateway = gateway_configured(
        &scratch,
        &proxy.addr,
        &smsc,
        &GatewayOptions::default(),
        |config| {
            let smsc = config["smsc"].as_array_mut().expect("[[smsc]]")[0]
                .as_table_mut()
                .expect("a table");
            smsc.insert("reconnect_min_ms".into(), 200.into());
            smsc.insert("reconnect_max_ms".into(), 1000.into());
        },
    );
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, "5 handsets attached", |v| {
        v["handsets"]["attached"] == 5
    })
    .await;
    gateway_ready(&gateway).await;
    let shop = demo_shop(&scratch, &gateway);

    // Bob's phone is off: his two codes are stored at the SMSC.
    power(&handsets, BOB, "off").await;
    handset_state(&smsc, BOB, "detached").await;
    let mut checkouts = Vec::new();
    for (shopper, amount) in [(&BOB_S, "3.01"), (&BOB_S, "3.02"), (&ALICE_S, "3.03")] {
        let id = create_payment(&shop, amount).await;
        checkouts.push(Checkout {
            id,
            amount: amount.to_owned(),
            shopper,
        });
    }
    for c in &checkouts[..2] {
        let (s, v) = identify(&gateway, c).await;
        assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    }

    // The link goes: every connection closed, new ones refused.
    proxy.block();
    proxy.cut();
    let gw = gateway.addr("http");
    wait_for(format!("http://{gw}/ready"), "gateway not ready", |v| {
        v["ready"] == false
    })
    .await;
    // A shopper starting now is told the SMS could not go, and the
    // payment stays open.
    let alice = &checkouts[2];
    let (s, v) = identify(&gateway, alice).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (503, Some("sms_unavailable")),
        "{v}"
    );
    let state = get(format!("http://{gw}/api/v1/checkout/{}", alice.id)).await;
    assert_eq!(state["state"], "identified", "{state}");

    // Bob's codes reach his phone while the gateway is cut off; their
    // receipts wait at the SMSC.
    power(&handsets, BOB, "on").await;
    for c in &checkouts[..2] {
        let wait = async {
            while codes_for(&handsets, BOB, &c.amount).await.is_empty() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .expect("Bob's code arrives while the link is down");
        let state = get(format!("http://{gw}/api/v1/checkout/{}", c.id)).await;
        assert_eq!(state["delivery"], "sent", "no receipt yet: {state}");
    }

    let before = proxy.accepted();
    proxy.unblock();
    gateway_ready(&gateway).await;
    assert!(proxy.accepted() > before, "the gateway connected again");
    for c in &checkouts[..2] {
        wait_delivered(&gateway, &c.id).await;
        confirm(&gateway, &handsets, c, &[]).await;
    }
    let (s, v) = identify(&gateway, alice).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    confirm(&gateway, &handsets, alice, &[]).await;
    wait_delivered(&gateway, &alice.id).await;
    no_duplicates(&handsets, &[ALICE, BOB]).await;

    // Each code was sent once: nothing was submitted twice over the
    // reconnect.
    let bob = get(format!(
        "http://{}/api/messages?number={BOB}",
        smsc.addr("http")
    ))
    .await;
    let codes = bob
        .as_array()
        .expect("list")
        .iter()
        .filter(|m| m["text"].as_str().is_some_and(|t| t.contains(" code ")))
        .count();
    assert_eq!(codes, 2, "Bob's two codes, once each: {bob}");
    eprintln!(
        "link cut: the gateway connected {} times through the proxy",
        proxy.accepted()
    );
    let data = scratch.path("gateway");
    stop_all([gateway, handsets, smsc]);
    money_moved_once(&data, &checkouts).await;
}
