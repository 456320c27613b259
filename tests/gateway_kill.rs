//! The gateway killed (SIGKILL) while shoppers confirm their codes, then
//! restarted on the same ports and data directory. Wherever the kill lands
//! (before a confirm is read, after the code is used, after the bank moved
//! the money, before the webhook went out), afterwards every payment is
//! final or can still be finished with its code, no customer is debited
//! twice, the bank's balances add up to exactly the succeeded payments, and
//! every succeeded payment's webhook arrives, retries carrying one event id.

mod parts;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use gateway::webhooks::EVENT_ID_HEADER;
use parts::*;
use serde_json::{Value, json};

/// (merchant, event id, payment id, type) of every webhook received.
type Received = Arc<Mutex<Vec<(String, String, String, String)>>>;

async fn webhook_receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/webhooks/{merchant}",
            axum::routing::post(
                |State(r): State<Received>,
                 Path(merchant): Path<String>,
                 headers: HeaderMap,
                 body: String| async move {
                    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    let event = headers
                        .get(EVENT_ID_HEADER)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let payment = v["payment"]["id"].as_str().unwrap_or("").to_owned();
                    let kind = v["type"].as_str().unwrap_or("").to_owned();
                    r.lock()
                        .expect("log")
                        .push((merchant, event, payment, kind));
                    "ok"
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), received)
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

const EACH: usize = 4;

/// The `i`th payment's amount, as the merchant API takes it and in pence:
/// all different, so every order id differs too.
fn amount(i: usize) -> (String, i64) {
    let pence = 1000 + 111 * i64::try_from(i).expect("small");
    (format!("{}.{:02}", pence / 100, pence % 100), pence)
}

#[tokio::test]
async fn a_gateway_killed_during_confirms_debits_once_and_sends_every_webhook() {
    let (hooks, received) = webhook_receiver().await;
    let scratch = Scratch::new("gwkill");
    let options = GatewayOptions {
        webhooks: Some(hooks),
        ..GatewayOptions::default()
    };
    let (smsc, handsets, gateway) = start_with(&scratch, &options).await;
    let shop = demo_shop(&scratch, &gateway);

    // Every payment reaches code_sent, its code read off the phone.
    let mut payments = Vec::new();
    for (n, (identity, password, phone, account)) in SHOPPERS.into_iter().enumerate() {
        for i in 0..EACH {
            let id = create_payment(&shop, &amount(n * EACH + i).0).await;
            let body = json!({ "identity": identity, "password": password });
            let (s, v) = checkout(&gateway, &id, "identify", body).await;
            assert_eq!(s, 200, "{v}");
            let (rc, code, err) = cli(&handsets, &["wait-code", phone, "--timeout", "20"]).await;
            assert_eq!(rc, 0, "{err}");
            payments.push((id, code, account));
        }
    }
    let gateway_data = scratch.path("gateway");

    // All confirms at once; the gateway is killed while they are running.
    let confirms: Vec<_> = payments
        .iter()
        .map(|(id, code, _)| {
            let url = format!("http://{}/api/v1/checkout/{id}/code", gateway.addr("http"));
            let body = json!({ "code": code });
            tokio::spawn(async move { reqwest::Client::new().post(url).json(&body).send().await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(15)).await;
    let options = GatewayOptions {
        http: gateway.addr("http"),
        merchant: gateway.addr("merchant"),
        ..options
    };
    gateway.kill();
    for c in confirms {
        let _ = c.await;
    }
    let gateway = gateway_with(&scratch, &smsc, &options);
    gateway_ready(&gateway).await;

    // Whatever was cut short can be finished: a payment still waiting for
    // its code takes it now; none is left in between.
    let mut resumed = 0;
    for (id, code, _) in &payments {
        let state = get(format!(
            "http://{}/api/v1/checkout/{id}",
            gateway.addr("http")
        ))
        .await;
        if state["state"] == "code_sent" {
            resumed += 1;
            let (s, v) = checkout(&gateway, id, "code", json!({ "code": code })).await;
            assert_eq!(
                (s, v["state"].as_str()),
                (200, Some("succeeded")),
                "{id}: {v}"
            );
        } else {
            assert_eq!(state["state"], "succeeded", "{id}: {state}");
        }
    }

    // Every webhook arrives; a retry after the kill repeats its event id.
    let wait = async {
        loop {
            let got: HashSet<String> = received
                .lock()
                .expect("log")
                .iter()
                .map(|r| r.2.clone())
                .collect();
            if payments.iter().all(|(id, _, _)| got.contains(id)) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), wait)
        .await
        .expect("every payment's webhook within 30 s");
    let log = received.lock().expect("log").clone();
    let mut event_of: HashMap<String, String> = HashMap::new();
    for (merchant, event, payment, kind) in &log {
        assert_eq!(
            (merchant.as_str(), kind.as_str()),
            ("mer_demoshop", "payment.succeeded")
        );
        assert!(!event.is_empty(), "every webhook names its event");
        let first = event_of
            .entry(payment.clone())
            .or_insert_with(|| event.clone());
        assert_eq!(
            first, event,
            "a repeated webhook for {payment} is the same event"
        );
    }
    eprintln!(
        "after the kill: {resumed} of {} confirmed again, {} webhooks for {} payments",
        payments.len(),
        log.len(),
        event_of.len()
    );
    let events: HashSet<&String> = event_of.values().collect();
    assert_eq!(events.len(), payments.len(), "one event per payment");

    stop_all([gateway, handsets, smsc]);

    // The money: each shopper paid exactly their payments, once.
    let mut paid: HashMap<&str, i64> = HashMap::new();
    let mut total = 0;
    for (i, (_, _, account)) in payments.iter().enumerate() {
        let minor = amount(i).1;
        *paid.entry(account).or_default() += minor;
        total += minor;
    }
    assert_eq!(
        balance(&gateway_data, SHOPPERS[0].3).await,
        100_000 - paid[SHOPPERS[0].3]
    );
    assert_eq!(
        balance(&gateway_data, SHOPPERS[1].3).await,
        250_000 - paid[SHOPPERS[1].3]
    );
    assert_eq!(balance(&gateway_data, SHOP_ACCOUNT).await, total);
}
