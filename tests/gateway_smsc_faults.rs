//! The gateway when the SMS center misbehaves: a rejected submit leaves the
//! payment retryable and nothing is sent twice; throttling is retried
//! without a second message; an unreachable SMSC gives the shopper an
//! honest "try again" and the payment stays open; a receipt that comes
//! before its submit_sm_resp still finds its payment.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

async fn smsc(stack: &switchboard::Stack, method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("http://{}{path}", stack.smsc_http);
    let c = reqwest::Client::new();
    let req = match method {
        "POST" => c.post(url),
        "DELETE" => c.delete(url),
        _ => c.get(url),
    };
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let r = req.send().await.expect("smsc admin API");
    r.json().await.unwrap_or(Value::Null)
}

async fn messages_to(stack: &switchboard::Stack, number: &str) -> usize {
    let v = smsc(
        stack,
        "GET",
        &format!("/api/messages?number={number}"),
        None,
    )
    .await;
    v.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_rejected_submit_leaves_the_payment_retryable_without_double_send() {
    let stack = stack().await;
    let rule = smsc(
        &stack,
        "POST",
        "/api/faults",
        Some(json!({
            "destination": ALICE, "probability": 1.0, "action": { "reject": "ESME_RSUBMITFAIL" }
        })),
    )
    .await;
    let id = create_payment(&stack, "4.00").await;
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (503, Some("sms_unavailable")),
        "{v}"
    );
    let state = checkout_state(&stack, &id).await;
    assert_eq!(state, "identified", "the payment stays open");
    let rule_id = rule["id"]
        .as_u64()
        .map(|n| n.to_string())
        .or_else(|| rule["id"].as_str().map(str::to_owned))
        .expect("rule id");
    smsc(&stack, "DELETE", &format!("/api/faults/{rule_id}"), None).await;
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    let code = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    assert_eq!(
        messages_to(&stack, ALICE).await,
        2,
        "the code and the receipt SMS, nothing twice"
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn throttling_is_retried_and_the_code_goes_once() {
    let stack = stack().await;
    let rule = smsc(
        &stack,
        "POST",
        "/api/faults",
        Some(json!({
            "destination": BOB, "probability": 1.0, "action": { "throttle": true }
        })),
    )
    .await;
    let rule_id = rule["id"].to_string().trim_matches('"').to_owned();
    let id = create_payment(&stack, "6.00").await;
    // The SMSC throttles every submit for a while, then lets them through:
    // the gateway's client backs off and retries the same submit.
    let lift = {
        let url = format!("http://{}/api/faults/{rule_id}", stack.smsc_http);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            reqwest::Client::new()
                .delete(url)
                .send()
                .await
                .expect("delete rule");
        })
    };
    let (s, v) = identify(&stack, &id, "bob", "bob-pass-1").await;
    lift.await.expect("rule lifted");
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    handsets(&stack)
        .wait_code(BOB, Duration::from_secs(10))
        .await
        .expect("code");
    assert_eq!(
        messages_to(&stack, BOB).await,
        1,
        "throttled submits are not stored, the retry is"
    );
    let stats = smsc(&stack, "GET", "/api/stats", None).await;
    assert!(
        stats["counters"]["throttled"].as_u64() > Some(0),
        "the fault fired: {stats}"
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_receipt_before_its_submit_response_still_finds_its_payment() {
    let stack = stack().await;
    // The SMSC stores, delivers and sends the receipt at once, but holds
    // the submit_sm_resp: the receipt names a message id the gateway has
    // not written on the code yet.
    smsc(
        &stack,
        "POST",
        "/api/faults",
        Some(json!({
            "destination": ALICE, "probability": 1.0,
            "action": { "delay_response_ms": 1500 }
        })),
    )
    .await;
    let id = create_payment(&stack, "3.10").await;
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    let url = format!("http://{}/api/v1/checkout/{id}", stack.gateway_http);
    let mut delivery = Value::Null;
    for _ in 0..100 {
        delivery = get_json(url.clone()).await["delivery"].clone();
        if delivery == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        delivery, "delivered",
        "the early receipt was held, not lost"
    );
    stack.stop().await.expect("clean stop");
}

async fn checkout_state(stack: &switchboard::Stack, id: &str) -> String {
    let url = format!("http://{}/api/v1/checkout/{id}", stack.gateway_http);
    let v: Value = reqwest::get(url)
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    v["state"].as_str().expect("state").to_owned()
}

#[tokio::test]
async fn an_unreachable_smsc_gives_an_honest_error_and_keeps_the_payment_open() {
    let mut config =
        gateway::config::Config::from_file(fixtures().join("gateway.toml")).expect("fixture");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    for s in &mut config.smsc {
        s.address = addr.to_string();
    }
    config.http.listen = "127.0.0.1:0".parse().expect("addr");
    config.merchant_api.listen = "127.0.0.1:0".parse().expect("addr");
    config.store.memory = true;
    config.store.data_dir = None;
    let gw = gateway::server::Gateway::build(config)
        .await
        .expect("gateway builds with its SMSC down");
    let payments = gw.payments();
    let shop = "mer_demoshop".parse().expect("id");
    let req = gateway::payments::CreatePayment {
        order_id: "o-down".into(),
        amount: "1.00".into(),
        currency: "GBP".into(),
        description: String::new(),
        return_url: None,
        customer_hint: None,
    };
    let (p, _) = payments.create(&shop, req, None).await.expect("created");
    let identify = gateway::payments::IdentifyRequest {
        identity: "alice".into(),
        password: gateway::domain::Password::new("alice-pass-1".into()).expect("password"),
        terminal: None,
        account: None,
        send_to: None,
        ip: "127.0.0.1".into(),
    };
    let err = tokio::time::timeout(Duration::from_secs(10), payments.identify(&p.id, identify))
        .await
        .expect("answers quickly")
        .expect_err("no SMSC");
    assert!(
        matches!(err, gateway::payments::PaymentError::SmsUnavailable),
        "{err:?}"
    );
    let p = payments.payment(&p.id).await.expect("payment");
    assert_eq!(p.state, gateway::domain::PaymentState::Identified);
}
