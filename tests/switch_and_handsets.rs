//! The switch and the handsets together, from the fixtures, as testers use
//! them: an ESME submits over SMPP, the text lands in a virtual terminal's
//! inbox over the air link, and the ESME gets its receipt. Phones go off
//! and on, fill up, get SIM-swapped and answer back. The ESME binds as
//! `tester`: the gateway of the stack is bound as `gateway` and would take
//! that account's receipts.

mod common;

use std::time::Duration;

use common::*;
use wire::smpp::esm;
use wire::smpp::rusmpp::types::EmptyOrFullCOctetString;
use wire::text::{Concatenation, Encoding, segment_text};

#[tokio::test]
async fn a_submitted_code_reaches_the_phone_and_the_esme_gets_delivrd() {
    let stack = stack().await;
    let (esme, mut events) = esme(&stack, "tester", "test-pw").await;
    let text = "Your Switchboard code is 482913 for 12.50 EUR at Demo Shop";
    let id = esme
        .submit_sm(text_submit(ALICE, text))
        .await
        .expect("accepted")
        .message_id;
    let phones = handsets(&stack);
    let code = phones
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("a code");
    assert_eq!(code, "482913");
    let inbox = phones.inbox(ALICE).await.expect("inbox");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["text"], text);
    assert_eq!(inbox[0]["from"], "ShopPay");
    assert_eq!(receipt(&mut events, &id).await.0, "DELIVRD");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_long_chinese_text_in_three_segments_arrives_as_one_message() {
    let stack = stack().await;
    let (esme, mut events) = esme(&stack, "tester", "test-pw").await;
    let text = format!(
        "【示例商店】您的验证码：739184。{}",
        "本次支付金额为人民币一百二十八元五角，请在五分钟内完成验证，切勿将验证码告知他人。"
            .repeat(3)
    );
    let parts = segment_text(&text, Encoding::Ucs2, Concatenation::Udh8(0x5A)).expect("segments");
    assert_eq!(parts.len(), 3);
    let mut ids = Vec::new();
    for p in &parts {
        let sm = submit(LI_WEI, 0x08, p.esm_class(esm::DEFAULT), &p.data);
        ids.push(esme.submit_sm(sm).await.expect("accepted").message_id);
    }
    let phones = handsets(&stack);
    assert_eq!(
        phones
            .wait_code(LI_WEI, Duration::from_secs(10))
            .await
            .expect("code"),
        "739184"
    );
    let inbox = phones.inbox(LI_WEI).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "three parts, one message: {inbox:?}");
    assert_eq!(inbox[0]["text"], text.as_str());
    assert_eq!(inbox[0]["segments"], 3);
    for (stat, _) in receipts(&mut events, &ids).await {
        assert_eq!(stat, "DELIVRD");
    }
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_phone_that_is_off_gets_the_message_when_switched_on() {
    let stack = stack().await;
    let phones = handsets(&stack);
    phones.power(BOB, false).await.expect("power off");
    wait_state(&stack, BOB, "detached").await;
    let (esme, mut events) = esme(&stack, "tester", "test-pw").await;
    let id = esme
        .submit_sm(text_submit(BOB, "Your code is 118822"))
        .await
        .expect("accepted")
        .message_id;
    // Stored: no receipt yet, nothing in the inbox.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), receipt(&mut events, &id))
            .await
            .is_err()
    );
    assert!(phones.inbox(BOB).await.expect("inbox").is_empty());
    phones.power(BOB, true).await.expect("power on");
    assert_eq!(
        phones
            .wait_code(BOB, Duration::from_secs(10))
            .await
            .expect("code"),
        "118822"
    );
    assert_eq!(receipt(&mut events, &id).await.0, "DELIVRD");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_phone_off_past_the_validity_period_gives_an_expired_receipt() {
    let stack = stack().await;
    let phones = handsets(&stack);
    phones.power(BOB, false).await.expect("power off");
    wait_state(&stack, BOB, "detached").await;
    let (esme, mut events) = esme(&stack, "tester", "test-pw").await;
    let mut sm = text_submit(BOB, "Your code is 909090");
    // Relative validity: 2 seconds.
    sm.validity_period =
        EmptyOrFullCOctetString::from_string("000000000002000R".to_owned()).expect("time");
    let id = esme.submit_sm(sm).await.expect("accepted").message_id;
    let (stat, err) = receipt(&mut events, &id).await;
    assert_eq!(
        (stat.as_str(), err.as_str()),
        ("EXPIRED", "006"),
        "absent subscriber"
    );
    phones.power(BOB, true).await.expect("power on");
    let r = phones.wait_code(BOB, Duration::from_secs(1)).await;
    assert!(r.is_err(), "an expired message is never delivered: {r:?}");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_full_inbox_is_retried_once_space_is_freed() {
    let stack = stack().await;
    let phones = handsets(&stack);
    let api = stack.handsets_api();
    let http = reqwest::Client::new();
    let capacity = http
        .post(format!("{api}/api/terminals/{ALICE}/capacity"))
        .json(&serde_json::json!({ "capacity": 1 }))
        .send()
        .await
        .expect("capacity");
    assert!(capacity.status().is_success());
    let (esme, mut events) = esme(&stack, "tester", "test-pw").await;
    let first = esme
        .submit_sm(text_submit(ALICE, "first 111111"))
        .await
        .expect("ok")
        .message_id;
    assert_eq!(receipt(&mut events, &first).await.0, "DELIVRD");
    let second = esme
        .submit_sm(text_submit(ALICE, "second 222222"))
        .await
        .expect("ok")
        .message_id;
    wait_state(&stack, ALICE, "memory_full").await;
    let cleared = http
        .delete(format!("{api}/api/terminals/{ALICE}/inbox"))
        .send()
        .await
        .expect("clear");
    assert!(cleared.status().is_success());
    assert_eq!(receipt(&mut events, &second).await.0, "DELIVRD");
    let inbox = phones.inbox(ALICE).await.expect("inbox");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["text"], "second 222222");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_reply_from_the_handset_reaches_the_bound_esme() {
    let stack = stack().await;
    // "tester" receives every MO message no other account claims.
    let (_esme, mut events) = esme(&stack, "tester", "test-pw").await;
    let phones = handsets(&stack);
    phones
        .send(ALICE, "12345", "YES 4821", true)
        .await
        .expect("sent");
    let (from, to, text) = next_mo(&mut events).await;
    assert_eq!(
        (from.as_str(), to.as_str(), text.as_str()),
        (ALICE, "12345", "YES 4821")
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn wait_code_times_out_cleanly_when_nothing_arrives() {
    let stack = stack().await;
    let phones = handsets(&stack);
    match phones
        .wait_code(CAROL_STB, Duration::from_millis(300))
        .await
    {
        Err(handset_sim::client::ClientError::Timeout(msg)) => assert!(!msg.is_empty()),
        other => panic!("expected a timeout, got {other:?}"),
    }
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_sim_swap_on_the_handset_is_reported_by_the_switch() {
    let stack = stack().await;
    let check = |n: &str| serde_json::json!({ "phoneNumber": format!("+{n}"), "maxAge": 1 });
    let http = reqwest::Client::new();
    let url = format!("http://{}/sim-swap/v1/check", stack.smsc_http);
    let swapped = |v: serde_json::Value| v["swapped"].as_bool().expect("swapped");
    let before: serde_json::Value = http
        .post(&url)
        .json(&check(ALICE))
        .send()
        .await
        .expect("check")
        .json()
        .await
        .expect("json");
    assert!(!swapped(before));
    let swap = http
        .post(format!(
            "{}/api/terminals/{ALICE}/sim-swap",
            stack.handsets_api()
        ))
        .json(&serde_json::json!({ "imsi": "234159876543210" }))
        .send()
        .await
        .expect("swap");
    assert!(swap.status().is_success());
    let wait = async {
        loop {
            let v: serde_json::Value = http
                .post(&url)
                .json(&check(ALICE))
                .send()
                .await
                .expect("check")
                .json()
                .await
                .expect("json");
            if swapped(v) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("swap reported");
    let handset = get_json(format!("http://{}/api/handsets/{ALICE}", stack.smsc_http)).await;
    assert_eq!(handset["imsi"], "234159876543210");
    stack.stop().await.expect("clean stop");
}
