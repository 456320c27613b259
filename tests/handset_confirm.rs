//! Confirmation from the handset, through the whole stack in process
//! (smsc-sim, handset-sim, gateway from the fixtures): a merchant terminal
//! charges Alice over the merchant API (mutual TLS), the push SMS from the
//! service number 7000 reaches her virtual phone, the phone answers with an
//! MO through the handset-sim API, the SMSC routes it to the gateway as
//! deliver_sm, and the gateway settles, notifies the merchant and answers
//! the phone. Then the replies that go wrong: wrong PIN, NO, late,
//! duplicate, malformed, another phone, and two pushes answered out of order;
//! the PIN lockout with the admin API's unlock and new PIN; and the
//! `switchboard pos` command as a process, receipt and exit code.

mod common;

use std::time::Duration;

use common::*;
use serde_json::Value;
use switchboard::pos::{self, Sale};
use switchboard::{Stack, StackConfig};

const SERVICE: &str = "7000";
const PIN: &str = "4821";
const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";

fn sale(amount: &str) -> Sale {
    Sale {
        customer: "alice".into(),
        amount: amount.into(),
        currency: "GBP".into(),
        description: "Coffee".into(),
        terminal_id: "POS-7".into(),
    }
}

/// Charges Alice; returns (payment id, push reference).
async fn charge(stack: &Stack, amount: &str) -> (String, String) {
    let p = pos::charge(&demo_shop(stack), &sale(amount))
        .await
        .expect("pushed");
    assert_eq!(p["state"], "code_sent", "{p}");
    assert_eq!(p["method"], "handset_confirm", "{p}");
    let id = p["id"].as_str().expect("id").to_owned();
    let r = p["push"]["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    (id, r)
}

/// Waits until `msisdn`'s inbox has a message from the service number
/// containing `needle`; returns its text.
async fn from_service(stack: &Stack, msisdn: &str, needle: &str) -> String {
    let phones = handsets(stack);
    let wait = async {
        loop {
            let inbox = phones.inbox(msisdn).await.expect("inbox");
            let hit = inbox.iter().rev().find(|m| {
                m["from"].as_str().is_some_and(|f| f.ends_with(SERVICE))
                    && m["text"].as_str().is_some_and(|t| t.contains(needle))
            });
            if let Some(m) = hit {
                return m["text"].as_str().unwrap_or_default().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no SMS from {SERVICE} with {needle:?} on {msisdn}"))
}

/// How many messages from the service number `msisdn` has.
async fn service_count(stack: &Stack, msisdn: &str) -> usize {
    let inbox = handsets(stack).inbox(msisdn).await.expect("inbox");
    inbox
        .iter()
        .filter(|m| m["from"].as_str().is_some_and(|f| f.ends_with(SERVICE)))
        .count()
}

/// Sends `text` from `msisdn` to the service number, then waits for the
/// answer that contains `needle`.
async fn reply(stack: &Stack, msisdn: &str, text: &str, needle: &str) -> String {
    let before = service_count(stack, msisdn).await;
    handsets(stack)
        .send(msisdn, SERVICE, text, false)
        .await
        .expect("MO sent");
    let wait = async {
        while service_count(stack, msisdn).await <= before {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no answer to {text:?}"));
    from_service(stack, msisdn, needle).await
}

async fn payment(stack: &Stack, id: &str) -> Value {
    let a = demo_shop(stack)
        .call("GET", &format!("/v1/terminal-payments/{id}"), None, &[])
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    a.body
}

async fn ready() -> Stack {
    let stack = stack().await;
    wait_state(&stack, ALICE, "attached").await;
    wait_state(&stack, BOB, "attached").await;
    stack
}

#[tokio::test]
async fn a_terminal_payment_is_confirmed_from_the_phone_with_the_pin() {
    let stack = ready().await;
    let hooks = Webhooks::for_demo_shop(&stack).await;
    let (alice0, shop0) = (
        bank_balance(&stack, ALICE_ACCOUNT).await,
        bank_balance(&stack, SHOP_ACCOUNT).await,
    );
    let (id, r) = charge(&stack, "12.50").await;
    let push = from_service(&stack, ALICE, &r).await;
    assert!(
        push.contains("Demo Shop") && push.contains("GBP 12.50"),
        "{push}"
    );
    assert!(push.contains(&format!("Reply YES {r} <PIN>")), "{push}");
    // The SMSC holds the push no longer than it can be answered.
    let at_smsc = get_json(format!(
        "http://{}/api/messages?number={ALICE}",
        stack.smsc_http
    ))
    .await;
    let m = &at_smsc.as_array().expect("a list")[0];
    let validity =
        m["expires_at"].as_i64().expect("expiry") - m["submitted_at"].as_i64().expect("t");
    assert!(
        (119_000..=120_000).contains(&validity),
        "{validity} ms: {m}"
    );

    let answer = reply(&stack, ALICE, &format!("YES {r} {PIN}"), "Paid").await;
    assert!(
        answer.contains("GBP 12.50") && answer.contains(&r),
        "{answer}"
    );
    let done = pos::wait_final(
        &demo_shop(&stack),
        &id,
        Duration::from_millis(20),
        Duration::from_secs(10),
    )
    .await
    .expect("final");
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["push"]["status"], "confirmed", "{done}");
    let receipt = pos::Receipt::from_payment(&done);
    assert!(receipt.approved && receipt.reference == r && receipt.merchant == "Demo Shop");
    assert_eq!(bank_balance(&stack, ALICE_ACCOUNT).await, alice0 - 1250);
    assert_eq!(bank_balance(&stack, SHOP_ACCOUNT).await, shop0 + 1250);
    let hook = hooks.for_payment(&id).await;
    assert!(hook.to_string().contains("succeeded"), "{hook}");
    // The PIN appears nowhere the merchant or the phone sees.
    assert!(!done.to_string().contains(PIN) && !answer.contains(PIN));
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn wrong_pin_malformed_and_duplicate_replies_are_answered() {
    let stack = ready().await;
    let shop0 = bank_balance(&stack, SHOP_ACCOUNT).await;
    let (id, r) = charge(&stack, "3.00").await;
    from_service(&stack, ALICE, &r).await;
    let wrong = reply(&stack, ALICE, &format!("YES {r} 1111"), "Wrong PIN").await;
    assert!(
        wrong.contains("2 attempt") && !wrong.contains("1111"),
        "{wrong}"
    );
    let missing = reply(&stack, ALICE, &format!("yes {r}"), "needs your payment PIN").await;
    assert!(missing.contains("YES <ref> <PIN>"), "{missing}");
    reply(&stack, ALICE, "YES K7Q2 48 21", "not understood").await;
    reply(&stack, ALICE, "BALANCE", "answer a payment request").await;
    assert_eq!(payment(&stack, &id).await["state"], "code_sent");

    // Case and spacing do not matter; the right PIN pays once.
    reply(
        &stack,
        ALICE,
        &format!("  yes  {}  {PIN} ", r.to_lowercase()),
        "Paid",
    )
    .await;
    let dup = reply(&stack, ALICE, &format!("YES {r} {PIN}"), "already").await;
    assert!(dup.contains("already confirmed"), "{dup}");
    assert_eq!(payment(&stack, &id).await["state"], "succeeded");
    assert_eq!(
        bank_balance(&stack, SHOP_ACCOUNT).await,
        shop0 + 300,
        "paid once"
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn no_declines_and_a_late_reply_is_told_it_expired() {
    let stack = ready().await;
    let hooks = Webhooks::for_demo_shop(&stack).await;
    let shop0 = bank_balance(&stack, SHOP_ACCOUNT).await;
    let (declined, r1) = charge(&stack, "4.00").await;
    from_service(&stack, ALICE, &r1).await;
    let answer = reply(&stack, ALICE, &format!("NO {r1}"), "declined").await;
    assert!(answer.contains(&r1), "{answer}");
    assert_eq!(payment(&stack, &declined).await["state"], "declined");
    assert!(
        hooks
            .for_payment(&declined)
            .await
            .to_string()
            .contains("declined")
    );

    let (late, r2) = charge(&stack, "5.00").await;
    from_service(&stack, ALICE, &r2).await;
    let ttl = StackConfig::from_fixtures(&fixtures())
        .expect("fixtures")
        .gateway
        .push
        .ttl();
    stack.payments.clock().advance(ttl + Duration::from_secs(1));
    let answer = reply(&stack, ALICE, &format!("YES {r2} {PIN}"), "no longer").await;
    assert!(answer.contains("expired"), "{answer}");
    assert_eq!(payment(&stack, &late).await["state"], "expired");
    assert_eq!(
        bank_balance(&stack, SHOP_ACCOUNT).await,
        shop0,
        "nothing paid"
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn two_pending_pushes_are_answered_out_of_order_and_another_phone_is_refused() {
    let stack = ready().await;
    let (first, r1) = charge(&stack, "1.00").await;
    let (second, r2) = charge(&stack, "2.00").await;
    assert_ne!(r1, r2);
    from_service(&stack, ALICE, &r2).await;
    let several = reply(&stack, ALICE, &format!("YES {PIN}"), "Several").await;
    assert!(several.contains(&r1) && several.contains(&r2), "{several}");

    // Bob's phone cannot answer Alice's push, even with her PIN.
    let refused = reply(&stack, BOB, &format!("YES {r2} {PIN}"), "No payment").await;
    assert!(refused.contains(&r2), "{refused}");
    assert_eq!(payment(&stack, &second).await["state"], "code_sent");

    reply(&stack, ALICE, &format!("YES {r2} {PIN}"), "Paid GBP 2.00").await;
    assert_eq!(payment(&stack, &second).await["state"], "succeeded");
    assert_eq!(payment(&stack, &first).await["state"], "code_sent");
    // One left: the short form finds it.
    reply(&stack, ALICE, &format!("YES {PIN}"), "Paid GBP 1.00").await;
    assert_eq!(payment(&stack, &first).await["state"], "succeeded");
    stack.stop().await.expect("clean stop");
}

/// The admin API on the stack's gateway: (status, body).
async fn admin(
    stack: &Stack,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .request(method, format!("http://{}{path}", stack.gateway_http))
        .bearer_auth("demo-admin-token-change-me");
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.expect("admin API");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_locking_wrong_pin_declines_and_an_admin_unlock_or_a_new_pin_lifts_it() {
    let stack = ready().await;
    let (_, list) = admin(&stack, reqwest::Method::GET, "/admin/api/customers", None).await;
    let alice = list["customers"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == "Alice Archer"))
        .map(|c| c["id"].clone())
        .expect("Alice in the list");
    let pin_path = format!("/admin/api/customers/{alice}/pin");

    let (locked, r) = charge(&stack, "9.00").await;
    from_service(&stack, ALICE, &r).await;
    for (pin, left) in [("1111", "2 attempt"), ("2222", "1 attempt")] {
        let a = reply(&stack, ALICE, &format!("YES {r} {pin}"), "Wrong PIN").await;
        assert!(a.contains(left), "{a}");
    }
    let a = reply(&stack, ALICE, &format!("YES {r} 3333"), "locked").await;
    assert!(!a.contains("3333"), "{a}");
    assert_eq!(payment(&stack, &locked).await["state"], "declined");
    let (s, v) = admin(&stack, reqwest::Method::GET, &pin_path, None).await;
    assert_eq!(
        (s, &v["pin_locked"], &v["pin_set"]),
        (200, &Value::Bool(true), &Value::Bool(true)),
        "{v}"
    );
    assert!(!v.to_string().contains("argon2"), "no hash shown: {v}");
    // Locked: the terminal cannot even push.
    let refused = pos::charge(&demo_shop(&stack), &sale("1.00")).await;
    assert!(refused.is_err(), "a locked PIN gets no push");

    // The administrator's unlock of the customer lifts the PIN lock too.
    let (s, _) = admin(
        &stack,
        reqwest::Method::POST,
        &format!("/admin/api/customers/{alice}/unlock"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (_, r) = charge(&stack, "1.00").await;
    from_service(&stack, ALICE, &r).await;
    reply(&stack, ALICE, &format!("YES {r} {PIN}"), "Paid GBP 1.00").await;

    // A new PIN through the admin API; a malformed one is refused.
    let bad = serde_json::json!({ "pin": "12ab" });
    let (s, _) = admin(&stack, reqwest::Method::PUT, &pin_path, Some(bad)).await;
    assert!((400..500).contains(&s), "{s}");
    let new = serde_json::json!({ "pin": "97531" });
    let (s, v) = admin(&stack, reqwest::Method::PUT, &pin_path, Some(new)).await;
    assert_eq!((s, &v["pin_failures"]), (200, &Value::from(0)), "{v}");
    assert!(!v.to_string().contains("97531"), "{v}");
    let (_, r) = charge(&stack, "1.10").await;
    from_service(&stack, ALICE, &r).await;
    reply(&stack, ALICE, &format!("YES {r} {PIN}"), "Wrong PIN").await;
    reply(&stack, ALICE, &format!("YES {r} 97531"), "Paid GBP 1.10").await;
    stack.stop().await.expect("clean stop");
}

/// `switchboard pos` as a process against the stack; `answer` is sent
/// from Alice's phone once the command names the reference. Returns
/// (exit code, stdout, stderr).
async fn pos_command(stack: &Stack, amount: &str, answer: &str) -> (i32, String, String) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    let dir = stack.gateway_data.join("merchants").join("mer_demoshop");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args([
            "pos",
            "--customer",
            "alice",
            "--amount",
            amount,
            "--wait-s",
            "20",
        ])
        .arg("--gateway")
        .arg(stack.gateway_merchant.to_string())
        .arg("--merchant-dir")
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("switchboard pos runs");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    tokio::time::timeout(Duration::from_secs(20), stderr.read_line(&mut first))
        .await
        .expect("the command names the reference")
        .expect("stderr");
    let reference = first
        .split("reference ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .unwrap_or_else(|| panic!("no reference in {first:?}"))
        .to_owned();
    from_service(stack, ALICE, &reference).await;
    let text = answer.replace("<ref>", &reference);
    handsets(stack)
        .send(ALICE, SERVICE, &text, false)
        .await
        .expect("MO sent");
    let mut out = String::new();
    let mut stdout = child.stdout.take().expect("stdout");
    let status = tokio::time::timeout(Duration::from_secs(30), async {
        stdout.read_to_string(&mut out).await.expect("stdout");
        child.wait().await.expect("exit")
    })
    .await
    .expect("switchboard pos ends");
    let mut rest = String::new();
    let _ = stderr.read_to_string(&mut rest).await;
    (status.code().unwrap_or(-1), out, first + &rest)
}

#[tokio::test]
async fn switchboard_pos_prints_the_receipt_and_fails_when_not_paid() {
    let stack = ready().await;
    let (code, out, err) = pos_command(&stack, "2.20", &format!("YES <ref> {PIN}")).await;
    assert_eq!(code, 0, "{out}\n{err}");
    for want in ["Demo Shop", "GBP 2.20", "REFERENCE", "APPROVED", "BANK REF"] {
        assert!(out.contains(want), "{want} in {out}");
    }
    let (code, out, err) = pos_command(&stack, "2.30", "NO <ref>").await;
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("NOT PAID (declined"), "{out}");
    assert!(!out.contains(PIN) && !err.contains(PIN));
    stack.stop().await.expect("clean stop");
}
