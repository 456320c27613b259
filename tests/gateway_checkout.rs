//! The payment gateway on the full stack (smsc-sim, handset-sim, gateway
//! from the fixtures): a merchant creates a payment over mutual TLS, the
//! shopper identifies through the JSON checkout API, the authorization code
//! really travels over SMPP and the air link to the virtual phone, is read
//! from its inbox, and confirms the payment; the bank moves the money.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";

#[tokio::test]
async fn happy_path_code_from_the_phone_moves_the_money() {
    let stack = stack().await;
    let (alice0, shop0) = (
        bank_balance(&stack, ALICE_ACCOUNT).await,
        bank_balance(&stack, SHOP_ACCOUNT).await,
    );
    let id = create_payment(&stack, "12.50").await;
    let (status, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "code_sent");
    assert!(
        v["destination"]
            .as_str()
            .is_some_and(|d| d.ends_with("0101")),
        "{v}"
    );
    let phones = handsets(&stack);
    let code = phones
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code on the phone");
    let inbox = phones.inbox(ALICE).await.expect("inbox");
    let text = inbox.last().expect("a message")["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(
        text.contains("GBP 12.50") && text.contains("Demo Shop"),
        "dynamic linking: {text}"
    );
    let (status, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!(
        (status, v["state"].as_str()),
        (200, Some("succeeded")),
        "{v}"
    );
    assert_eq!(bank_balance(&stack, ALICE_ACCOUNT).await, alice0 - 1250);
    assert_eq!(bank_balance(&stack, SHOP_ACCOUNT).await, shop0 + 1250);
    // The same code cannot be used twice.
    let (status, _) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!(status, 409);
    // The merchant sees the final state and the timeline.
    let a = demo_shop(&stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(a.body["state"], "succeeded");
    let events: Vec<&str> = a.body["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    for e in [
        "created",
        "identified",
        "code_sent",
        "code_checked",
        "bank_approved",
    ] {
        assert!(events.contains(&e), "{e} missing from {events:?}");
    }
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn unknown_identity_and_wrong_password_look_the_same_and_three_lock() {
    let stack = stack().await;
    let id = create_payment(&stack, "5.00").await;
    let unknown = identify(&stack, &id, "nobody-here", "whatever-pass").await;
    let wrong = identify(&stack, &id, "alice", "not-her-password").await;
    assert_eq!(unknown.0, 401);
    assert_eq!(
        unknown, wrong,
        "the answers must not tell which element was wrong"
    );
    identify(&stack, &id, "alice", "not-her-password").await;
    identify(&stack, &id, "alice", "not-her-password").await;
    // Locked now: even the right password is refused, with the same answer.
    assert_eq!(identify(&stack, &id, "alice", "alice-pass-1").await, wrong);
    let (s, _) = checkout(
        &stack,
        &id,
        "unlock",
        json!({ "identity": "alice", "backup_code": "XXXX-XXXX-XXXX" }),
    )
    .await;
    assert_eq!(s, 401);
    let (s, v) = checkout(
        &stack,
        &id,
        "unlock",
        json!({ "identity": "alice", "backup_code": "ALCE-BKUP-2222" }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn three_wrong_codes_revoke_and_an_expired_code_is_refused() {
    let stack = stack().await;
    let id = create_payment(&stack, "7.00").await;
    assert_eq!(identify(&stack, &id, "alice", "alice-pass-1").await.0, 200);
    let code = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": wrong })).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("wrong_code")), "{v}");
    checkout(&stack, &id, "code", json!({ "code": wrong })).await;
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": wrong })).await;
    assert_eq!((s, v["code"].as_str()), (410, Some("code_revoked")), "{v}");
    // Revoked: even the right code no longer works.
    let (s, _) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!(s, 410);

    let id2 = create_payment(&stack, "8.00").await;
    assert_eq!(identify(&stack, &id2, "alice", "alice-pass-1").await.0, 200);
    let code2 = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    // A code from one payment does not confirm another.
    let (s, _) = checkout(&stack, &id2, "code", json!({ "code": code })).await;
    assert_ne!(s, 200);
    stack.payments.clock().advance(Duration::from_secs(301));
    let (s, v) = checkout(&stack, &id2, "code", json!({ "code": code2 })).await;
    assert_eq!((s, v["code"].as_str()), (410, Some("code_expired")), "{v}");
    stack.stop().await.expect("clean stop");
}

/// The code in Alice's inbox for `amount` (waits at most 10 s).
async fn code_for_amount(stack: &switchboard::Stack, amount: &str) -> String {
    let text = sms_matching(stack, ALICE, None, &format!("to pay GBP {amount}.")).await;
    text.split("code ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .expect("a code in the SMS")
        .to_owned()
}

#[tokio::test]
async fn a_live_code_of_one_payment_does_not_confirm_another() {
    let stack = stack().await;
    let a = create_payment(&stack, "3.01").await;
    let b = create_payment(&stack, "3.02").await;
    assert_eq!(identify(&stack, &a, "alice", "alice-pass-1").await.0, 200);
    assert_eq!(identify(&stack, &b, "alice", "alice-pass-1").await.0, 200);
    let (code_a, code_b) = (
        code_for_amount(&stack, "3.01").await,
        code_for_amount(&stack, "3.02").await,
    );
    // Both codes are live, for the same shopper; A's is refused on B and
    // counts as a wrong entry there, and uses nothing of A's.
    if code_a != code_b {
        let (s, v) = checkout(&stack, &b, "code", json!({ "code": code_a })).await;
        assert_eq!((s, v["code"].as_str()), (422, Some("wrong_code")), "{v}");
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains("2 attempt")),
            "{v}"
        );
    }
    let (s, v) = checkout(&stack, &a, "code", json!({ "code": code_a })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    let (s, v) = checkout(&stack, &b, "code", json!({ "code": code_b })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    // A used code confirms nothing else either.
    let (s, _) = checkout(&stack, &b, "code", json!({ "code": code_a })).await;
    assert_ne!(s, 200);
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn resend_waits_for_the_cooldown_and_can_go_to_the_second_terminal() {
    let stack = stack().await;
    let id = create_payment(&stack, "9.99").await;
    let (s, v) = identify(&stack, &id, "bob", "bob-pass-1").await;
    assert_eq!(s, 200, "{v}");
    let pager = v["terminals"]
        .as_array()
        .expect("terminals")
        .iter()
        .find(|t| t["kind"] == "pager")
        .and_then(|t| t["id"].as_i64())
        .expect("Bob's pager");
    let (s, v) = checkout(&stack, &id, "resend", json!({ "terminal": pager })).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (429, Some("resend_too_soon")),
        "{v}"
    );
    stack.payments.clock().advance(Duration::from_secs(31));
    let (s, v) = checkout(&stack, &id, "resend", json!({ "terminal": pager })).await;
    assert_eq!(s, 200, "{v}");
    assert!(
        v["destination"]
            .as_str()
            .is_some_and(|d| d.ends_with("0103")),
        "{v}"
    );
    let code = handsets(&stack)
        .wait_code(BOB_PAGER, Duration::from_secs(10))
        .await
        .expect("code on the pager");
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn insufficient_funds_are_declined_and_nothing_moves() {
    let stack = stack().await;
    let carol = "GB33SWBK00000000000104";
    let before = bank_balance(&stack, carol).await;
    let id = create_payment(&stack, "12.50").await;
    assert_eq!(identify(&stack, &id, "carol", "carol-pass-1").await.0, 200);
    let code = handsets(&stack)
        .wait_code(CAROL_STB, Duration::from_secs(10))
        .await
        .expect("code");
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("declined")), "{v}");
    assert_eq!(bank_balance(&stack, carol).await, before);
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn the_shopper_pays_from_the_second_linked_account() {
    let stack = stack().await;
    let (first, second) = ("GB33SWBK00000000000102", "GB33SWBK00000000000103");
    let (a0, b0) = (
        bank_balance(&stack, first).await,
        bank_balance(&stack, second).await,
    );
    let id = create_payment(&stack, "3.00").await;
    let (s, v) = identify(&stack, &id, "bob", "bob-pass-1").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["accounts"], json!([first, second]));
    let (s, v) = checkout(&stack, &id, "account", json!({ "account": "GB00NOTBOBS" })).await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = checkout(&stack, &id, "account", json!({ "account": second })).await;
    assert_eq!((s, v["account"].as_str()), (200, Some("••••0103")), "{v}");
    let code = handsets(&stack)
        .wait_code(BOB, Duration::from_secs(10))
        .await
        .expect("code");
    let (s, _) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!(s, 200);
    assert_eq!(bank_balance(&stack, first).await, a0);
    assert_eq!(bank_balance(&stack, second).await, b0 - 300);
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_sim_swapped_just_before_the_payment_is_in_the_timeline() {
    let stack = stack().await;
    let http = reqwest::Client::new();
    let swap = http
        .post(format!(
            "{}/api/terminals/{ALICE}/sim-swap",
            stack.handsets_api()
        ))
        .json(&json!({ "imsi": "234159990000101" }))
        .send()
        .await
        .expect("swap");
    assert!(swap.status().is_success());
    wait_sim_swapped(&stack, ALICE).await;
    let id = create_payment(&stack, "2.50").await;
    assert_eq!(identify(&stack, &id, "alice", "alice-pass-1").await.0, 200);
    // The operator's record names the number; the merchant sees the event.
    let a = admin_payment(&stack, &id).await;
    let swap_event = a["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|e| e["event"] == "sim_swap")
        .cloned();
    assert!(
        swap_event.is_some_and(|e| e["detail"].as_str().is_some_and(|d| d.contains(ALICE))),
        "{a}"
    );
    let m = demo_shop(&stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert!(
        m.body["timeline"].to_string().contains("sim_swap")
            && !m.body["timeline"].to_string().contains(ALICE),
        "{:?}",
        m.body
    );
    // Report mode: the code still goes out.
    handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn with_on_swap_refuse_a_recent_sim_swap_declines_before_any_code() {
    let mut config = switchboard::StackConfig::from_fixtures(&fixtures())
        .expect("fixtures")
        .on_free_ports();
    if let Some(s) = &mut config.gateway.sim_swap {
        s.on_swap = gateway::operator::OnSwap::Refuse;
    }
    let stack = switchboard::Stack::start(config).await.expect("stack");
    let http = reqwest::Client::new();
    http.post(format!(
        "{}/api/terminals/{BOB}/sim-swap",
        stack.handsets_api()
    ))
    .json(&json!({ "imsi": "234159990000102" }))
    .send()
    .await
    .expect("swap");
    wait_sim_swapped(&stack, BOB).await;
    let id = create_payment(&stack, "2.50").await;
    let (s, v) = identify(&stack, &id, "bob", "bob-pass-1").await;
    assert_eq!(s, 409, "{v}");
    let a = demo_shop(&stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(
        (a.body["state"].as_str(), a.body["reason"].as_str()),
        (Some("declined"), Some("sim_swap")),
        "{:?}",
        a.body
    );
    assert!(
        handsets(&stack)
            .wait_code(BOB, Duration::from_millis(300))
            .await
            .is_err(),
        "no code was sent"
    );
    stack.stop().await.expect("clean stop");
}
