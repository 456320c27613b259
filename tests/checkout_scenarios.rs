//! The shoppers' stories where the phone, not the password, is the
//! problem: the whole stack in-process (smsc-sim, handset-sim, gateway from
//! the fixtures), a merchant payment over mutual TLS, the JSON checkout API,
//! and the code read off the virtual phone. The SMSC's admin API shows what
//! the gateway really submitted (validity, data_coding).

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use switchboard::{Stack, StackConfig};

/// The payment's checkout state: `delivery` is the code SMS's receipt.
async fn checkout_state(stack: &Stack, id: &str) -> Value {
    get_json(format!(
        "http://{}/api/v1/checkout/{id}",
        stack.gateway_http
    ))
    .await
}

/// Waits until the code SMS of `id` has the delivery status `want`.
async fn wait_delivery(stack: &Stack, id: &str, want: &str) -> Value {
    let wait = async {
        loop {
            let v = checkout_state(stack, id).await;
            if v["delivery"] == want {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("the code SMS of {id} never became {want}"))
}

/// The SMSC's record of every message to `msisdn`, newest last.
async fn smsc_messages(stack: &Stack, msisdn: &str) -> Vec<Value> {
    let v = get_json(format!(
        "http://{}/api/messages?number={msisdn}",
        stack.smsc_http
    ))
    .await;
    let mut all = v.as_array().expect("a list").clone();
    all.sort_by_key(|m| m["submitted_at"].as_i64());
    all
}

async fn timeline(stack: &Stack, id: &str) -> Vec<String> {
    let a = demo_shop(stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    a.body["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| format!("{} {}", e["event"].as_str().unwrap_or(""), e["detail"]))
        .collect()
}

async fn pay_with(stack: &Stack, id: &str, code: &str) {
    let (s, v) = checkout(stack, id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
}

#[tokio::test]
async fn a_phone_off_at_checkout_gets_the_code_when_switched_on_within_validity() {
    let stack = stack().await;
    let phones = handsets(&stack);
    phones.power(ALICE, false).await.expect("power off");
    wait_state(&stack, ALICE, "detached").await;

    let id = create_payment(&stack, "4.20").await;
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    // Stored at the SMSC, not yet delivered, and valid exactly as long as
    // the code: the gateway sent the code's TTL as validity_period.
    let stored = smsc_messages(&stack, ALICE).await;
    let m = stored.last().expect("the code SMS at the SMSC");
    assert_eq!(m["state"], "ENROUTE", "{m}");
    let validity =
        m["expires_at"].as_i64().expect("expiry") - m["submitted_at"].as_i64().expect("t");
    assert!((299_000..=300_000).contains(&validity), "{validity} ms");
    assert_eq!(checkout_state(&stack, &id).await["delivery"], "sent");

    phones.power(ALICE, true).await.expect("power on");
    let code = phones
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("the stored code arrives on attach");
    wait_delivery(&stack, &id, "delivered").await;
    pay_with(&stack, &id, &code).await;
    assert!(
        timeline(&stack, &id)
            .await
            .iter()
            .any(|e| e.contains("DELIVRD")),
        "the receipt is in the timeline"
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_phone_off_past_validity_shows_expired_and_a_resend_pays() {
    let mut config = StackConfig::from_fixtures(&fixtures())
        .expect("fixtures load")
        .on_free_ports();
    // The operator keeps nothing longer than 2 s, whatever the gateway asks.
    config.smsc.delivery.default_validity = Duration::from_secs(2);
    config.smsc.delivery.max_validity = Duration::from_secs(2);
    let stack = Stack::start(config).await.expect("stack starts");
    let phones = handsets(&stack);
    phones.power(ALICE, false).await.expect("power off");
    wait_state(&stack, ALICE, "detached").await;

    let id = create_payment(&stack, "6.66").await;
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!(s, 200, "{v}");
    wait_delivery(&stack, &id, "failed").await;
    assert!(
        timeline(&stack, &id)
            .await
            .iter()
            .any(|e| e.contains("EXPIRED")),
        "the EXPIRED receipt is in the timeline"
    );

    phones.power(ALICE, true).await.expect("power on");
    wait_state(&stack, ALICE, "attached").await;
    stack.payments.clock().advance(Duration::from_secs(31));
    let (s, v) = checkout(&stack, &id, "resend", json!({})).await;
    assert_eq!(s, 200, "{v}");
    let code = phones
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("the new code");
    let inbox = phones.inbox(ALICE).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "the expired SMS never reaches the phone");
    pay_with(&stack, &id, &code).await;
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_full_inbox_holds_the_code_until_the_shopper_makes_room() {
    let stack = stack().await;
    let phones = handsets(&stack);
    let api = stack.handsets_api();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{api}/api/terminals/{ALICE}/capacity"))
        .json(&json!({ "capacity": 1 }))
        .send()
        .await
        .expect("capacity");
    assert!(r.status().is_success());
    // An old message fills the one slot.
    let (tester, mut events) = esme(&stack, "tester", "test-pw").await;
    let old = tester
        .submit_sm(text_submit(ALICE, "an old message"))
        .await
        .expect("accepted")
        .message_id;
    assert_eq!(receipt(&mut events, &old).await.0, "DELIVRD");

    let id = create_payment(&stack, "7.77").await;
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!(s, 200, "{v}");
    wait_state(&stack, ALICE, "memory_full").await;
    assert_eq!(checkout_state(&stack, &id).await["delivery"], "sent");

    let r = http
        .delete(format!("{api}/api/terminals/{ALICE}/inbox"))
        .send()
        .await
        .expect("clear");
    assert!(r.status().is_success());
    let code = phones
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("delivered once there is room");
    wait_delivery(&stack, &id, "delivered").await;
    pay_with(&stack, &id, &code).await;
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_chinese_shopper_gets_the_code_in_ucs2_and_pays_in_cny() {
    let stack = stack().await;
    let acme = merchant::Merchant::from_dir(
        stack.gateway_merchant,
        &stack.gateway_data.join("merchants").join("mer_acme"),
    )
    .expect("ACME's certificate files");
    let body = json!({
        "order_id": "acme-1", "amount": "128.00", "currency": "CNY",
        "description": "耳机", "return_url": "https://acme.example/return",
    });
    let a = acme.call("POST", "/v1/payments", Some(&body), &[]).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    let id = a.body["id"].as_str().expect("id").to_owned();
    let before = bank_balance(&stack, "CN88SWBK00000000000105").await;

    let (s, v) = identify(&stack, &id, "liwei", "liwei-pass-1").await;
    assert_eq!(s, 200, "{v}");
    let phones = handsets(&stack);
    let code = phones
        .wait_code(LI_WEI, Duration::from_secs(10))
        .await
        .expect("code on Li Wei's phone");
    let inbox = phones.inbox(LI_WEI).await.expect("inbox");
    let text = inbox.last().expect("a message")["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(
        text.contains("验证码") && text.contains(&code) && text.contains("CNY 128.00"),
        "{text}"
    );
    let m = smsc_messages(&stack, LI_WEI).await;
    assert_eq!(m.last().expect("at the SMSC")["data_coding"], 8, "UCS-2");

    pay_with(&stack, &id, &code).await;
    assert_eq!(
        bank_balance(&stack, "CN88SWBK00000000000105").await,
        before - 12_800
    );
    stack.stop().await.expect("clean stop");
}
