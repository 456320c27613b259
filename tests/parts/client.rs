//! Talking to the spawned parts as a CI script would: JSON over HTTP, the
//! merchant API with the certificate the gateway issued, and the
//! `handset-sim` CLI. Also the start/stop of a whole three-part set.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard::merchant_client::Merchant;

use super::{Part, Scratch};

pub const ALICE: &str = "447700900101";
pub const BOB: &str = "447700900102";

/// Two fixture shoppers as (identity, password, phone, bank account);
/// Alice starts with GBP 1000.00, Bob with GBP 2500.00.
pub const SHOPPERS: [(&str, &str, &str, &str); 2] = [
    ("alice", "alice-pass-1", ALICE, "GB33SWBK00000000000101"),
    ("bob", "bob-pass-1", BOB, "GB33SWBK00000000000102"),
];
/// Demo Shop's account at the simulated bank.
pub const SHOP_ACCOUNT: &str = "GB33SWBK00000000009001";

pub async fn get(url: String) -> Value {
    reqwest::get(&url)
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .json()
        .await
        .expect("JSON")
}

/// Polls `url` until `done` holds for its JSON (at most 20 s).
pub async fn wait_for(url: String, what: &str, done: impl Fn(&Value) -> bool) -> Value {
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

pub async fn handset_state(smsc: &Part, msisdn: &str, state: &str) {
    let url = format!("http://{}/api/handsets/{msisdn}", smsc.addr("http"));
    wait_for(url, &format!("{msisdn} {state}"), |v| v["state"] == state).await;
}

/// The `handset-sim` CLI off the async thread (it blocks while it waits).
pub async fn cli(handsets: &Part, args: &[&str]) -> (i32, String, String) {
    let api = handsets.addr("http");
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(super::bin("handset-sim"))
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

pub fn demo_shop(scratch: &Scratch, gateway: &Part) -> Merchant {
    let addr: SocketAddr = gateway.addr("merchant").parse().expect("address");
    Merchant::from_dir(addr, &scratch.path("gateway/merchants/mer_demoshop"))
        .expect("the certificate the gateway issued to the demo shop")
}

pub async fn create_payment(shop: &Merchant, amount: &str) -> String {
    let body = json!({
        "order_id": format!("proc-{amount}"), "amount": amount, "currency": "GBP",
        "description": "Process test", "return_url": "https://shop.example/return",
    });
    let a = shop.call("POST", "/v1/payments", Some(&body), &[]).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a.body["id"].as_str().expect("id").to_owned()
}

pub async fn checkout(gateway: &Part, id: &str, step: &str, body: Value) -> (u16, Value) {
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
pub async fn start(scratch: &Scratch) -> (Part, Part, Part) {
    start_with(scratch, &super::GatewayOptions::default()).await
}

pub async fn start_with(scratch: &Scratch, options: &super::GatewayOptions) -> (Part, Part, Part) {
    let smsc = super::smsc_sim(scratch, ["127.0.0.1:0"; 3]);
    let handsets = super::handset_sim(scratch, &smsc);
    let gateway = super::gateway_with(scratch, &smsc, options);
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, "5 handsets attached", |v| {
        v["handsets"]["attached"] == 5
    })
    .await;
    gateway_ready(&gateway).await;
    (smsc, handsets, gateway)
}

/// Waits for the gateway's `/ready`: an SMSC session is bound.
pub async fn gateway_ready(gateway: &Part) {
    let ready = format!("http://{}/ready", gateway.addr("http"));
    wait_for(ready, "gateway bound to the SMSC", |v| v["ready"] == true).await;
}

pub fn stop_all(parts: [Part; 3]) {
    for p in parts {
        let name = p.name.clone();
        let status = p.stop();
        assert!(
            status.success(),
            "{name} exits cleanly on SIGTERM: {status}"
        );
    }
}
