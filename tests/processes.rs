//! Checkouts across real processes: smsc-sim, handset-sim and the gateway
//! spawned from the built binaries, wired together only by the addresses
//! their ready lines print, driven the way a CI script drives them (the
//! merchant API over mutual TLS, the JSON checkout API, and the
//! `handset-sim` CLI to read the code), and stopped with SIGTERM.

mod parts;

use std::net::SocketAddr;
use std::time::Duration;

use parts::{Part, Scratch};
use serde_json::{Value, json};
use switchboard::merchant_client::Merchant;

const ALICE: &str = "447700900101";
const BOB: &str = "447700900102";

async fn get(url: String) -> Value {
    reqwest::get(&url)
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .json()
        .await
        .expect("JSON")
}

/// Polls `url` until `done` holds for its JSON (at most 20 s).
async fn wait_for(url: String, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let poll = async {
        loop {
            if let Ok(r) = reqwest::get(&url).await
                && let Ok(v) = r.json::<Value>().await
                && done(&v)
            {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), poll)
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen within 20 s"))
}

async fn handset_state(smsc: &Part, msisdn: &str, state: &str) {
    let url = format!("http://{}/api/handsets/{msisdn}", smsc.addr("http"));
    wait_for(url, &format!("{msisdn} {state}"), |v| v["state"] == state).await;
}

/// The `handset-sim` CLI off the async thread (it blocks while it waits).
async fn cli(handsets: &Part, args: &[&str]) -> (i32, String, String) {
    let api = handsets.addr("http");
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(parts::bin("handset-sim"))
            .args(&args)
            .env("HANDSET_SIM_API", format!("http://{api}"))
            .output()
            .expect("handset-sim runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        )
    })
    .await
    .expect("join")
}

fn demo_shop(scratch: &Scratch, gateway: &Part) -> Merchant {
    let addr: SocketAddr = gateway.addr("merchant").parse().expect("address");
    Merchant::from_dir(addr, &scratch.path("gateway/merchants/mer_demoshop"))
        .expect("the certificate the gateway issued to the demo shop")
}

async fn create_payment(shop: &Merchant, amount: &str) -> String {
    let body = json!({
        "order_id": format!("proc-{amount}"), "amount": amount, "currency": "GBP",
        "description": "Process test", "return_url": "https://shop.example/return",
    });
    let a = shop.call("POST", "/v1/payments", Some(&body), &[]).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a.body["id"].as_str().expect("id").to_owned()
}

async fn checkout(gateway: &Part, id: &str, step: &str, body: Value) -> (u16, Value) {
    let url = format!(
        "http://{}/api/v1/checkout/{id}/{step}",
        gateway.addr("http")
    );
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("checkout API");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// All three parts, with every fixture terminal attached and the gateway
/// bound.
async fn start(scratch: &Scratch) -> (Part, Part, Part) {
    let smsc = parts::smsc_sim(scratch, ["127.0.0.1:0"; 3]);
    let handsets = parts::handset_sim(scratch, &smsc);
    let gateway = parts::gateway(scratch, &smsc);
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, "5 handsets attached", |v| {
        v["handsets"]["attached"] == 5
    })
    .await;
    let ready = format!("http://{}/ready", gateway.addr("http"));
    wait_for(ready, "gateway bound to the SMSC", |v| v["ready"] == true).await;
    (smsc, handsets, gateway)
}

fn stop_all(parts: [Part; 3]) {
    for p in parts {
        let name = p.name.clone();
        let status = p.stop();
        assert!(
            status.success(),
            "{name} exits cleanly on SIGTERM: {status}"
        );
    }
}

#[tokio::test]
async fn three_processes_run_a_checkout_with_the_code_read_by_the_cli() {
    let scratch = Scratch::new("happy");
    let (smsc, handsets, gateway) = start(&scratch).await;
    let shop = demo_shop(&scratch, &gateway);
    let id = create_payment(&shop, "19.99").await;
    let (s, v) = checkout(
        &gateway,
        &id,
        "identify",
        json!({ "identity": "bob", "password": "bob-pass-1" }),
    )
    .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");

    let (rc, code, err) = cli(&handsets, &["wait-code", BOB, "--timeout", "20"]).await;
    assert_eq!(rc, 0, "wait-code: {err}");
    assert!(
        code.chars().all(|c| c.is_ascii_digit()) && code.len() >= 6,
        "{code:?}"
    );
    let (s, v) = checkout(&gateway, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    let a = shop
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(a.body["state"], "succeeded");

    // Nothing is waiting any more: the CLI times out with its own exit code.
    let (rc, _, err) = cli(&handsets, &["wait-code", BOB, "--timeout", "0.3"]).await;
    assert_ne!(rc, 0, "no second code: {err}");
    stop_all([gateway, handsets, smsc]);
}

#[tokio::test]
async fn an_smsc_restart_in_the_middle_of_a_checkout_loses_no_code() {
    let scratch = Scratch::new("restart");
    let (smsc, handsets, gateway) = start(&scratch).await;
    let (rc, _, err) = cli(&handsets, &["power", ALICE, "off"]).await;
    assert_eq!(rc, 0, "power off: {err}");
    handset_state(&smsc, ALICE, "detached").await;

    let shop = demo_shop(&scratch, &gateway);
    let id = create_payment(&shop, "23.45").await;
    let (s, v) = checkout(
        &gateway,
        &id,
        "identify",
        json!({ "identity": "alice", "password": "alice-pass-1" }),
    )
    .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    let messages = format!("http://{}/api/messages?number={ALICE}", smsc.addr("http"));
    let stored = get(messages.clone()).await;
    assert_eq!(
        stored[0]["state"], "ENROUTE",
        "stored for the phone: {stored}"
    );

    // The SMSC goes down with the code in its store and comes back on the
    // same addresses; the handsets' cell and the gateway find it again.
    let addrs = [smsc.addr("smpp"), smsc.addr("http"), smsc.addr("air")];
    let status = smsc.stop();
    assert!(status.success(), "smsc-sim stops cleanly: {status}");
    let ready = format!("http://{}/ready", gateway.addr("http"));
    wait_for(ready, "gateway not ready without its SMSC", |v| {
        v["ready"] == false && v["smscs"][0]["up"] == false
    })
    .await;
    let smsc = parts::smsc_sim(&scratch, [&addrs[0], &addrs[1], &addrs[2]]);
    handset_state(&smsc, BOB, "attached").await;

    let (rc, _, err) = cli(&handsets, &["power", ALICE, "on"]).await;
    assert_eq!(rc, 0, "power on: {err}");
    let (rc, code, err) = cli(&handsets, &["wait-code", ALICE, "--timeout", "20"]).await;
    assert_eq!(rc, 0, "the code stored before the restart arrives: {err}");
    let (s, v) = checkout(&gateway, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");

    // The receipt reaches the gateway once it has bound again.
    let state = format!("http://{}/api/v1/checkout/{id}", gateway.addr("http"));
    wait_for(state, "DELIVRD receipt at the gateway", |v| {
        v["delivery"] == "delivered"
    })
    .await;
    let after = get(messages).await;
    let all = after.as_array().expect("list");
    assert_eq!(all.len(), 1, "sent once, delivered once: {after}");
    assert_eq!(all[0]["state"], "DELIVERED");
    stop_all([gateway, handsets, smsc]);
}
