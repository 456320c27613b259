//! Dedicated terminals with encrypted codes (issue 8 part 3), end to end:
//! the fixture stack in-process, Carol's set-top card (447700900104) holding
//! the key the gateway provisioned for it. The gateway seals the code for
//! the card and sends it as an 8-bit SMS to port 9200; the SMSC stores and
//! forwards only ciphertext; handset-sim opens it with the card's key and the
//! code read off the card pays. A card with another key shows that it cannot
//! read the message and yields no code. The SMS-DELIVER the switch makes of
//! the stored message is cross-checked with the third-party python decoder
//! smspdudecoder (installed by scripts/test.sh; SWITCHBOARD_SKIP_PY_INTEROP=1
//! skips only that part).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use switchboard::{Stack, StackConfig};
use wire::sealed::{self, CodeMessage, TerminalKey};

/// The test key of Carol's card in fixtures/gateway.toml and handset-sim.toml.
const CAROL_KEY: &str = "b616953b0e3be9c320122ab5321e7c62d6a097dbac940783ae700ed3c3c1dcba";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fixture stack, Carol's card holding `card_key` instead of its own.
async fn stack_with_card_key(card_key: Option<TerminalKey>) -> Stack {
    let mut config = StackConfig::from_fixtures(&fixtures())
        .expect("fixtures load")
        .on_free_ports();
    let card = config
        .handsets
        .terminals
        .iter_mut()
        .find(|t| t.msisdn.as_str() == CAROL_STB)
        .expect("Carol's card in the fixtures");
    assert_eq!(
        card.key,
        Some(CAROL_KEY.parse().expect("key")),
        "fixtures agree"
    );
    card.key = card_key;
    Stack::start(config).await.expect("stack starts")
}

/// Carol identifies for a new payment of `amount`; the code goes out sealed.
async fn carol_checks_out(stack: &Stack, amount: &str) -> String {
    let id = create_payment(stack, amount).await;
    let (s, v) = identify(stack, &id, "carol", "carol-pass-1").await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    id
}

/// Waits until the code SMS of payment `id` has been delivered to the card.
async fn wait_delivered(stack: &Stack, id: &str) {
    let url = format!("http://{}/api/v1/checkout/{id}", stack.gateway_http);
    let wait = async {
        while get_json(url.clone()).await["delivery"] != "delivered" {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("the code SMS of {id} was never delivered"));
}

/// The SMSC's admin record of the one message to Carol's card.
async fn smsc_message(stack: &Stack) -> Value {
    let url = format!("http://{}/api/messages?number={CAROL_STB}", stack.smsc_http);
    let all = get_json(url).await;
    let all = all.as_array().expect("a list");
    assert_eq!(all.len(), 1, "one message to the card: {all:?}");
    all[0].clone()
}

#[tokio::test]
async fn carol_pays_with_the_code_her_card_decrypted() {
    let stack = stack_with_card_key(Some(CAROL_KEY.parse().expect("key"))).await;
    let before = bank_balance(&stack, "GB33SWBK00000000000104").await;
    let id = carol_checks_out(&stack, "2.75").await;

    let code = handsets(&stack)
        .wait_code(CAROL_STB, Duration::from_secs(10))
        .await
        .expect("the card shows a code");
    let inbox = handsets(&stack).inbox(CAROL_STB).await.expect("inbox");
    let m = inbox.last().expect("a message");
    assert_eq!(m["sealed"], "opened", "{m}");
    assert_eq!(m["code"], code.as_str());
    let display = m["display"].as_str().expect("display");
    assert!(
        display.starts_with(&format!(
            "Demo Shop: code {code} to pay GBP 2.75. Valid until "
        )),
        "{display}"
    );

    // What the SMSC holds and shows is ciphertext only: 8-bit, UDHI, the
    // port header, and neither the code nor the amount anywhere.
    let stored = smsc_message(&stack).await;
    assert_eq!(
        (stored["data_coding"].as_u64(), stored["esm_class"].as_u64()),
        (Some(4), Some(0x40))
    );
    let payload = stored["payload_hex"].as_str().expect("payload");
    assert!(
        payload.starts_with("060504 23f023f0".replace(' ', "").as_str()),
        "{payload}"
    );
    let seen = stored.to_string();
    for clear in [code.as_str(), "2.75"] {
        assert!(!seen.contains(clear), "{clear} in the SMSC's view: {seen}");
        assert!(
            !seen.contains(&hex(clear.as_bytes())),
            "{clear} as hex in {seen}"
        );
    }
    let timeline = admin_payment(&stack, &id).await["timeline"].to_string();
    assert!(timeline.contains("sealed for its key"), "{timeline}");
    let merchant_view = demo_shop(&stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await
        .body["timeline"]
        .to_string();
    assert!(
        merchant_view.contains("code_sent") && !merchant_view.contains("447700900104"),
        "the merchant sees the event, not the phone: {merchant_view}"
    );

    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    assert_eq!(
        bank_balance(&stack, "GB33SWBK00000000000104").await,
        before - 275
    );

    cross_check_with_smspdudecoder(&stored, &code);
    stack.stop().await.expect("stack stops");
}

#[tokio::test]
async fn a_card_with_another_key_shows_it_cannot_read_the_code() {
    let stack = stack_with_card_key(Some(TerminalKey::from_bytes([0x5a; 32]))).await;
    let id = carol_checks_out(&stack, "3.10").await;
    wait_delivered(&stack, &id).await;
    let inbox = handsets(&stack).inbox(CAROL_STB).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let m = &inbox[0];
    assert_eq!(m["sealed"], "unreadable", "{m}");
    assert_eq!(m["code"], Value::Null, "no code is extracted: {m}");
    let display = m["display"].as_str().expect("display");
    assert!(
        display.starts_with("encrypted message: cannot be read with this card's key"),
        "{display}"
    );
    assert!(display.contains("sealed for another key"), "{display}");
    // The payment still waits for the right code.
    let state = get_json(format!(
        "http://{}/api/v1/checkout/{id}",
        stack.gateway_http
    ))
    .await;
    assert_eq!(state["state"], "code_sent", "{state}");

    // The right key, provisioned at run time, opens the next code.
    let key_url = format!("{}/api/terminals/{CAROL_STB}/key", stack.handsets_api());
    let http = reqwest::Client::new();
    let bad = http
        .put(&key_url)
        .json(&json!({ "key": "00ff" }))
        .send()
        .await
        .expect("API");
    assert_eq!(bad.status(), 400, "a short key is refused");
    let info: Value = http
        .put(&key_url)
        .json(&json!({ "key": CAROL_KEY }))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("key set")
        .json()
        .await
        .expect("terminal");
    let key: TerminalKey = CAROL_KEY.parse().expect("key");
    assert_eq!(info["key_id"], hex(&key.key_id()), "{info}");
    assert!(
        !info.to_string().contains(CAROL_KEY),
        "the key is not echoed: {info}"
    );
    let id = carol_checks_out(&stack, "1.10").await;
    let code = handsets(&stack)
        .wait_code(CAROL_STB, Duration::from_secs(10))
        .await
        .expect("the card now reads the code");
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    stack.stop().await.expect("stack stops");
}

/// Feeds the SMS-DELIVER the switch makes of the stored message to the
/// independent decoder, then opens the body it read with Carol's key.
fn cross_check_with_smspdudecoder(stored: &Value, code: &str) {
    if std::env::var("SWITCHBOARD_SKIP_PY_INTEROP").as_deref() == Ok("1") {
        eprintln!("SWITCHBOARD_SKIP_PY_INTEROP=1: skipping the smspdudecoder cross-check");
        return;
    }
    let payload: Vec<u8> = (0..stored["payload_hex"].as_str().expect("hex").len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&stored["payload_hex"].as_str().expect("hex")[i..i + 2], 16)
                .expect("hex")
        })
        .collect();
    let mut m = stored.clone();
    for (field, value) in [
        ("service_type", json!("")),
        ("protocol_id", json!(0)),
        ("priority", json!(0)),
        ("payload", json!(payload)),
        ("sar", Value::Null),
        ("deliver_at", Value::Null),
    ] {
        m[field] = value;
    }
    let message: smsc_sim::message::Message =
        serde_json::from_value(m).expect("the admin view is a stored message");
    let tpdus = smsc_sim::switch::sms_deliver::sms_delivers(&message).expect("converts");
    assert_eq!(tpdus.len(), 1, "one SMS-DELIVER");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/wire/tests/interop/smspdudecoder_check.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test.sh installs it with smspdudecoder)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("deliver {}\n", hex(&tpdus[0])).as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("decoder ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded: Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    assert_eq!(decoded["udhi"], true, "{decoded}");
    assert_eq!(decoded["header"][0]["iei"], 5, "{decoded}");
    assert_eq!(decoded["header"][0]["data"], "23F023F0", "{decoded}");
    let body = decoded["body"]["binary"].as_str().expect("8-bit body");
    let body: Vec<u8> = (0..body.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&body[i..i + 2], 16).expect("hex"))
        .collect();
    let key: TerminalKey = CAROL_KEY.parse().expect("key");
    let plain = sealed::open(&key, &CAROL_STB.parse().expect("msisdn"), &body)
        .expect("what the decoder read opens with the card's key");
    assert_eq!(
        CodeMessage::decode(&plain).expect("a code message").code,
        code
    );
}
