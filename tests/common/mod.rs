//! Shared by the cross-part scenarios: the fixture stack on free ports, an
//! ESME bound to it with our client, submit_sm builders and receipt waits.
#![allow(dead_code)]

pub use switchboard::merchant_client as merchant;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use switchboard::{Stack, StackConfig};
use wire::esme::{Esme, EsmeConfig, Event, EventStream};
use wire::smpp::esm;
use wire::smpp::rusmpp::pdus::SubmitSm;
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{DataCoding, Npi, RegisteredDelivery, Ton};

pub const ALICE: &str = "447700900101";
pub const BOB: &str = "447700900102";
pub const BOB_PAGER: &str = "447700900103";
pub const CAROL_STB: &str = "447700900104";
pub const LI_WEI: &str = "8613800138000";
/// Demo Shop's account at the simulated bank.
pub const SHOP_ACCOUNT: &str = "GB33SWBK00000000009001";

pub fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub async fn stack() -> Stack {
    let config = StackConfig::from_fixtures(&fixtures())
        .expect("fixtures load")
        .on_free_ports();
    Stack::start(config).await.expect("stack starts")
}

pub async fn esme(stack: &Stack, system_id: &str, password: &str) -> (Esme, EventStream) {
    Esme::connect(EsmeConfig::new(stack.smpp.to_string(), system_id, password))
        .await
        .expect("ESME binds")
}

pub fn handsets(stack: &Stack) -> handset_sim::client::Client {
    handset_sim::client::Client::new(&stack.handsets_api()).expect("client")
}

/// submit_sm from "ShopPay" with `short_message` coded as `data_coding`.
pub fn submit(dest: &str, data_coding: u8, esm_class: u8, short_message: &[u8]) -> SubmitSm {
    SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(COctetString::from_string("ShopPay".to_owned()).expect("source"))
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(COctetString::from_string(dest.to_owned()).expect("dest"))
        .esm_class(esm::esm_class(esm_class))
        .registered_delivery(RegisteredDelivery::from(1))
        .data_coding(DataCoding::from(data_coding))
        .short_message(OctetString::from_slice(short_message).expect("fits"))
        .build()
}

pub fn text_submit(dest: &str, text: &str) -> SubmitSm {
    submit(
        dest,
        0x00,
        esm::DEFAULT,
        &wire::text::gsm7::encode(text).expect("GSM text"),
    )
}

/// The receipt for `message_id`: (stat, err), skipping other deliver_sm.
pub async fn receipt(events: &mut EventStream, message_id: &str) -> (String, String) {
    receipts(events, &[message_id.to_owned()]).await.remove(0)
}

/// The receipts for all of `ids`, in the order of `ids`, whatever order they come in.
pub async fn receipts(events: &mut EventStream, ids: &[String]) -> Vec<(String, String)> {
    let mut got = std::collections::HashMap::new();
    let wait = async {
        while got.len() < ids.len() {
            let ev = events.recv().await.expect("ESME events open");
            let Some(fields) = ev.receipt() else { continue };
            let text = String::from_utf8_lossy(&fields.text).into_owned();
            let r = wire::receipt::Receipt::parse(&text).expect("receipt text parses");
            if ids.contains(&r.id) {
                got.insert(r.id, (r.stat, r.err.unwrap_or_default()));
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .is_err()
    {
        panic!("receipts for {ids:?} not all in within 20 s: {got:?}");
    }
    ids.iter().map(|id| got[id].clone()).collect()
}

/// The next mobile-originated deliver_sm: (source, destination, text).
pub async fn next_mo(events: &mut EventStream) -> (String, String, String) {
    let wait = async {
        loop {
            if let Event::DeliverSm(sm) = events.recv().await.expect("events open")
                && !wire::esme::is_receipt(sm.esm_class.into(), sm.tlvs())
            {
                let text = wire::text::decode(sm.data_coding.into(), sm.short_message().as_ref())
                    .expect("MO text decodes");
                return (
                    sm.source_addr.as_str().to_owned(),
                    sm.destination_addr.as_str().to_owned(),
                    text,
                );
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("an MO deliver_sm within 20 s")
}

/// GET a JSON document.
pub async fn get_json(url: String) -> Value {
    reqwest::get(&url)
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .json()
        .await
        .expect("JSON body")
}

/// Wait until the switch reports `msisdn` in `state`.
pub async fn wait_state(stack: &Stack, msisdn: &str, state: &str) {
    let url = format!("http://{}/api/handsets/{msisdn}", stack.smsc_http);
    let wait = async {
        while get_json(url.clone()).await["state"] != state {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("{msisdn} never became {state}"));
}

/// The Demo Shop merchant of the fixtures, over mutual TLS.
pub fn demo_shop(stack: &Stack) -> merchant::Merchant {
    merchant::Merchant::from_dir(
        stack.gateway_merchant,
        &stack.gateway_data.join("merchants").join("mer_demoshop"),
    )
    .expect("the demo shop's certificate files")
}

/// Create a payment as Demo Shop; returns its id.
pub async fn create_payment(stack: &Stack, amount: &str) -> String {
    let body = serde_json::json!({
        "order_id": format!("order-{amount}"), "amount": amount, "currency": "GBP",
        "description": "Test basket", "return_url": "https://shop.example/return",
    });
    let a = demo_shop(stack)
        .call("POST", "/v1/payments", Some(&body), &[])
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a.body["id"].as_str().expect("payment id").to_owned()
}

/// A step of the JSON checkout API: (status, body).
pub async fn checkout(stack: &Stack, id: &str, step: &str, body: Value) -> (u16, Value) {
    let url = format!("http://{}/api/v1/checkout/{id}/{step}", stack.gateway_http);
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("checkout API answers");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Identify as `identity` with `password`.
pub async fn identify(stack: &Stack, id: &str, identity: &str, password: &str) -> (u16, Value) {
    let body = serde_json::json!({ "identity": identity, "password": password });
    checkout(stack, id, "identify", body).await
}

pub async fn bank_balance(stack: &Stack, account: &str) -> i64 {
    stack
        .bank
        .balance(account)
        .await
        .expect("bank answers")
        .expect("account exists")
        .minor
}

/// Wait until the switch reports (CAMARA check) that `msisdn` changed SIM.
pub async fn wait_sim_swapped(stack: &Stack, msisdn: &str) {
    let http = reqwest::Client::new();
    let check = format!("http://{}/sim-swap/v1/check", stack.smsc_http);
    let body = serde_json::json!({ "phoneNumber": format!("+{msisdn}"), "maxAge": 24 });
    let wait = async {
        loop {
            let v: Value = http
                .post(&check)
                .json(&body)
                .send()
                .await
                .expect("check")
                .json()
                .await
                .expect("json");
            if v["swapped"] == true {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the switch saw the new SIM");
}

/// The operator's whole record of payment `id` (timeline with details)
/// from the admin API, with the fixture's admin token.
pub async fn admin_payment(stack: &Stack, id: &str) -> Value {
    let url = format!("http://{}/admin/api/payments/{id}", stack.gateway_http);
    reqwest::Client::new()
        .get(url)
        .bearer_auth("demo-admin-token-change-me")
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("admin API")
        .json()
        .await
        .expect("JSON")
}

/// Waits (at most 10 s) for an SMS on `msisdn` containing `needle`, from
/// `from` when given; returns the newest such text.
pub async fn sms_matching(stack: &Stack, msisdn: &str, from: Option<&str>, needle: &str) -> String {
    let phones = handsets(stack);
    let wait = async {
        loop {
            let inbox = phones.inbox(msisdn).await.expect("inbox");
            let hit = inbox
                .iter()
                .rev()
                .filter(|m| from.is_none_or(|f| m["from"] == f))
                .filter_map(|m| m["text"].as_str())
                .find(|t| t.contains(needle));
            if let Some(t) = hit {
                return t.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no SMS from {from:?} with {needle:?} on {msisdn}"))
}

/// A webhook receiver on 127.0.0.1:0 registered as Demo Shop's webhook:
/// each POST's `Switchboard-Signature` and body, in arrival order.
pub struct Webhooks {
    pub secret: &'static str,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

impl Webhooks {
    pub async fn for_demo_shop(stack: &Stack) -> Webhooks {
        let seen = std::sync::Arc::<std::sync::Mutex<Vec<(String, String)>>>::default();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post({
                let seen = std::sync::Arc::clone(&seen);
                move |headers: axum::http::HeaderMap, body: String| async move {
                    let sig = headers
                        .get("switchboard-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    seen.lock().expect("lock").push((sig, body));
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        let secret = "whsec_test_0123456789abcdef";
        let shop: gateway::domain::MerchantId = "mer_demoshop".parse().expect("id");
        stack
            .payments
            .store()
            .set_merchant_webhook(&shop, Some(url), secret.into(), 0)
            .await
            .expect("webhook");
        Webhooks { secret, seen }
    }

    /// The first webhook (signature, body), waiting at most 10 s.
    pub async fn first(&self) -> (String, String) {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(x) = self.seen.lock().expect("lock").first().cloned() {
                    return x;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("webhook within 10 s")
    }

    /// The first webhook whose body names `id`, as JSON (at most 10 s).
    pub async fn for_payment(&self, id: &str) -> Value {
        let wait = async {
            loop {
                let found = self
                    .seen
                    .lock()
                    .expect("lock")
                    .iter()
                    .find(|(_, body)| body.contains(id))
                    .map(|(_, body)| body.clone());
                if let Some(body) = found {
                    return serde_json::from_str(&body).unwrap_or(Value::String(body));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .unwrap_or_else(|_| panic!("no webhook for {id}"))
    }

    /// Whether `sig` signs `body` with this receiver's secret, now.
    pub fn verifies(&self, sig: &str, body: &str) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_secs() as i64;
        gateway::webhooks::verify(
            self.secret.as_bytes(),
            sig,
            body.as_bytes(),
            now,
            Duration::from_secs(300),
        )
    }
}
