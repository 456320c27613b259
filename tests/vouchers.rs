//! Prepaid vouchers through the whole stack in process (smsc-sim,
//! handset-sim, gateway from the fixtures): Alice buys a voucher from her
//! bank account, the SMS with its number and password reaches her virtual
//! phone, she pays a Demo Shop payment with it (webhook-bearing final
//! state, balance SMS), queries the balance, locks it with three wrong
//! passwords, unlocks it with the backup password, gets a new random
//! password by SMS, is admin-locked by three wrong backup passwords and
//! unlocked by an administrator, and the end-of-day
//! return moves the rest back to her account. Bank balances are checked
//! at every step. A second test drives the checkout's voucher page with
//! its CSRF cookie, as a browser without JavaScript would.

mod common;

use common::*;
use serde_json::{Value, json};
use switchboard::Stack;

const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";
const FLOAT: &str = "GB33SWBK00000000009900";
const ADMIN: &str = "demo-admin-token-change-me";

async fn post(stack: &Stack, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("http://{}{path}", stack.gateway_http))
        .json(&body)
        .send()
        .await
        .expect("gateway answers");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn admin(stack: &Stack, method: reqwest::Method, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .request(method, format!("http://{}{path}", stack.gateway_http))
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect("admin API answers");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// Waits for an SMS on `msisdn` containing `needle`; returns its text.
async fn sms_with(stack: &Stack, msisdn: &str, needle: &str) -> String {
    sms_matching(stack, msisdn, None, needle).await
}

/// The payment password out of the purchase SMS ("... Payment password: ABCDE FGHJK. ...").
fn password_in(sms: &str) -> String {
    let after = sms
        .split("Payment password: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no password in {sms}"));
    after.split('.').next().unwrap_or_default().replace(' ', "")
}

/// Alice buys a voucher of `amount` GBP; returns (number, password, backup).
async fn buy(stack: &Stack, amount: &str) -> (String, String, String) {
    let (status, v) = post(
        stack,
        "/api/v1/vouchers",
        json!({ "identity": "alice", "password": "alice-pass-1", "amount": amount,
                "currency": "GBP" }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "active", "{v}");
    assert_eq!(v["sms_sent"], true, "{v}");
    let number = v["number"].as_str().expect("number").to_owned();
    let sms = sms_with(stack, ALICE, &number).await;
    assert!(sms.contains(&format!("GBP {amount}")), "{sms}");
    let password = password_in(&sms);
    assert_eq!(password.len(), 10, "{sms}");
    let backup = v["backup_password"].as_str().expect("backup").to_owned();
    assert!(
        !sms.contains(&backup),
        "the backup password is not in the SMS"
    );
    (number, password, backup)
}

async fn balance(stack: &Stack, number: &str, password: &str) -> (u16, Value) {
    post(
        stack,
        "/api/v1/vouchers/balance",
        json!({ "number": number, "password": password }),
    )
    .await
}

#[tokio::test]
async fn buy_pay_lock_unlock_and_return_at_the_end_of_day() {
    let stack = stack().await;
    wait_state(&stack, ALICE, "attached").await;
    let (alice0, shop0, float0) = (
        bank_balance(&stack, ALICE_ACCOUNT).await,
        bank_balance(&stack, SHOP_ACCOUNT).await,
        bank_balance(&stack, FLOAT).await,
    );

    let (number, password, backup) = buy(&stack, "30.00").await;
    assert_eq!(bank_balance(&stack, ALICE_ACCOUNT).await, alice0 - 3000);
    assert_eq!(bank_balance(&stack, FLOAT).await, float0 + 3000);

    // Pay a Demo Shop payment with it.
    let id = create_payment(&stack, "12.50").await;
    let (status, paid) = checkout(
        &stack,
        &id,
        "voucher",
        json!({ "number": number, "password": password }),
    )
    .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["state"], "succeeded", "{paid}");
    assert_eq!(paid["method"], "voucher", "{paid}");
    assert_eq!(paid["voucher"]["balance"], "17.50", "{paid}");
    let sms = sms_with(&stack, ALICE, "Balance left").await;
    assert!(
        sms.contains("GBP 17.50") && sms.contains("Demo Shop"),
        "{sms}"
    );
    assert_eq!(bank_balance(&stack, SHOP_ACCOUNT).await, shop0 + 1250);
    assert_eq!(bank_balance(&stack, FLOAT).await, float0 + 1750);
    let (status, again) = checkout(
        &stack,
        &id,
        "voucher",
        json!({ "number": number, "password": password }),
    )
    .await;
    assert_eq!(status, 409, "a paid payment is not paid twice: {again}");

    // More than the balance is refused and nothing moves.
    let big = create_payment(&stack, "20.00").await;
    let (status, short) = checkout(
        &stack,
        &big,
        "voucher",
        json!({ "number": number, "password": password }),
    )
    .await;
    assert_eq!(
        (status, &short["code"]),
        (402, &json!("insufficient_balance")),
        "{short}"
    );

    let (status, b) = balance(&stack, &number, &password).await;
    assert_eq!((status, &b["balance"]), (200, &json!("17.50")), "{b}");

    // Unknown voucher and wrong password get the same answer.
    let (s1, unknown) = balance(&stack, "V0000000000", &password).await;
    let (s2, wrong) = balance(&stack, &number, "WRONGPASS2").await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(unknown, wrong);
    // Two more wrong ones lock it: the right password no longer works.
    for _ in 0..2 {
        assert_eq!(balance(&stack, &number, "WRONGPASS2").await.0, 401);
    }
    let (status, locked) = balance(&stack, &number, &password).await;
    assert_eq!(status, 401, "locked: {locked}");
    let (status, shown) = admin(
        &stack,
        reqwest::Method::GET,
        &format!("/admin/api/vouchers/{number}"),
    )
    .await;
    assert_eq!(
        (status, &shown["status"]),
        (200, &json!("locked")),
        "{shown}"
    );
    assert!(
        !shown.to_string().contains("argon2"),
        "no hash in the admin view"
    );

    // The backup password unlocks it.
    let (status, unlocked) = post(
        &stack,
        "/api/v1/vouchers/unlock",
        json!({ "number": number, "backup_password": backup }),
    )
    .await;
    assert_eq!(
        (status, &unlocked["status"]),
        (200, &json!("active")),
        "{unlocked}"
    );
    assert_eq!(balance(&stack, &number, &password).await.0, 200);

    // A random new password by SMS; the old one no longer works.
    let (status, changed) = post(
        &stack,
        "/api/v1/vouchers/password",
        json!({ "number": number, "password": password }),
    )
    .await;
    assert_eq!(
        (status, &changed["sms_sent"]),
        (200, &json!(true)),
        "{changed}"
    );
    let sms = sms_with(&stack, ALICE, "new payment password").await;
    let new_password = sms
        .split("new payment password is ")
        .nth(1)
        .and_then(|t| t.split('.').next())
        .expect("the new password in the SMS")
        .replace(' ', "");
    assert_ne!(new_password, password);
    assert_eq!(balance(&stack, &number, &password).await.0, 401);
    assert_eq!(balance(&stack, &number, &new_password).await.0, 200);
    let password = new_password;

    // Three wrong backup passwords leave only an administrator.
    for _ in 0..3 {
        let (status, _) = post(
            &stack,
            "/api/v1/vouchers/unlock",
            json!({ "number": number, "backup_password": "WXYZ-WXYZ-WXYZ" }),
        )
        .await;
        assert_eq!(status, 401);
    }
    let path = format!("/admin/api/vouchers/{number}");
    let (_, shown) = admin(&stack, reqwest::Method::GET, &path).await;
    assert_eq!(shown["status"], "admin_locked", "{shown}");
    let (status, _) = post(
        &stack,
        "/api/v1/vouchers/unlock",
        json!({ "number": number, "backup_password": backup }),
    )
    .await;
    assert_eq!(status, 401, "the right backup no longer unlocks");
    assert_eq!(balance(&stack, &number, &password).await.0, 401);
    let (status, unlocked) = admin(
        &stack,
        reqwest::Method::POST,
        &format!("/admin/api/vouchers/{number}/unlock"),
    )
    .await;
    assert_eq!(
        (status, &unlocked["status"]),
        (200, &json!("active")),
        "{unlocked}"
    );
    assert_eq!(balance(&stack, &number, &password).await.0, 200);

    // End of day: the rest goes back to Alice's account, once.
    let (status, report) = admin(
        &stack,
        reqwest::Method::POST,
        "/admin/api/vouchers/return-unspent",
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let returned = report["returned"].as_array().expect("returned");
    assert!(
        returned
            .iter()
            .any(|r| r["number"] == number.as_str() && r["amount"] == "GBP 17.50"),
        "{report}"
    );
    assert_eq!(bank_balance(&stack, ALICE_ACCOUNT).await, alice0 - 1250);
    assert_eq!(bank_balance(&stack, FLOAT).await, float0);
    let sms = sms_with(&stack, ALICE, "went back").await;
    assert!(sms.contains("GBP 17.50"), "{sms}");
    let (_, again) = admin(
        &stack,
        reqwest::Method::POST,
        "/admin/api/vouchers/return-unspent",
    )
    .await;
    assert!(
        !again["returned"].to_string().contains(&number),
        "returned twice: {again}"
    );
    assert_eq!(bank_balance(&stack, ALICE_ACCOUNT).await, alice0 - 1250);
    let (_, b) = balance(&stack, &number, &password).await;
    assert_eq!(
        (&b["status"], &b["balance"]),
        (&json!("returned"), &json!("0.00")),
        "{b}"
    );
    stack.stop().await.expect("stops");
}

#[tokio::test]
async fn the_checkout_voucher_page_pays_with_its_csrf_cookie() {
    let stack = stack().await;
    wait_state(&stack, ALICE, "attached").await;
    let (number, password, _) = buy(&stack, "10.00").await;
    let id = create_payment(&stack, "4.00").await;
    let base = format!("http://{}", stack.gateway_http);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    // The sign-in page links to the voucher step.
    let signin = http
        .get(format!("{base}/checkout/{id}"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        signin.contains(&format!("/checkout/{id}/voucher")),
        "no voucher link"
    );
    let page = http
        .get(format!("{base}/checkout/{id}/voucher"))
        .send()
        .await
        .expect("voucher page");
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a CSRF cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    let token = cookie.trim_start_matches("sb_csrf=").to_owned();
    let html = page.text().await.expect("html");
    assert!(html.contains("Pay with a prepaid voucher") && html.contains("GBP 4.00"));
    let form = [
        ("number", number.as_str()),
        ("password", password.as_str()),
        ("csrf_token", token.as_str()),
    ];
    // Without the cookie (a cross-site post) the form is refused.
    let forged = http
        .post(format!("{base}/checkout/{id}/voucher"))
        .form(&form)
        .send()
        .await
        .expect("answer");
    assert_eq!(forged.status().as_u16(), 403);
    let paid = http
        .post(format!("{base}/checkout/{id}/voucher"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .expect("answer");
    assert_eq!(paid.status().as_u16(), 303);
    let result = http
        .get(format!("{base}/checkout/{id}"))
        .send()
        .await
        .expect("result")
        .text()
        .await
        .expect("html");
    assert!(result.contains("Payment complete"), "{result}");
    let (_, b) = balance(&stack, &number, &password).await;
    assert_eq!(b["balance"], "6.00", "{b}");
    stack.stop().await.expect("stops");
}
