//! Carrier billing through the whole stack (issue 8 §2): smsc-sim is the
//! operator (billing accounts, partner API, confirmation SMS through its
//! own switch), the gateway offers "Pay with your phone bill" at checkout,
//! handset-sim holds the subscriber's phone. In process from the fixtures:
//! Alice (postpaid, GBP 150 a month, PIN 2468) pays on her bill, gets the
//! operator's SMS, and the operator's statement shows the charge; a wrong
//! PIN leaves the payment open with the attempts left; Bob's prepaid
//! balance is too low and the payment is declined; a double submit is one
//! charge; the merchant refunds part and then the rest, and the statement
//! follows. On real processes: with the operator killed, the shopper is
//! told to try again and the payment stays open.

mod common;
mod parts;

use common::{ALICE, BOB, checkout, create_payment, demo_shop, sms_matching, stack};
use serde_json::{Value, json};
use switchboard::Stack;

const ALICE_PIN: &str = "2468";
const BOB_PIN: &str = "1357";
const CARRIER: &str = "Switchboard Mobile";

async fn get(url: String) -> (u16, Value) {
    let r = reqwest::get(url).await.expect("HTTP answers");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn statement(stack: &Stack, msisdn: &str) -> Value {
    let url = format!(
        "http://{}/api/billing/subscribers/{msisdn}/statement",
        stack.smsc_http
    );
    let (status, v) = get(url).await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn pay(stack: &Stack, id: &str, msisdn: &str, pin: &str) -> (u16, Value) {
    let body = json!({ "carrier": CARRIER, "msisdn": msisdn, "pin": pin });
    checkout(stack, id, "carrier", body).await
}

/// The merchant's view of payment `id`.
async fn merchant_view(stack: &Stack, id: &str) -> Value {
    let a = demo_shop(stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    a.body
}

/// Waits for an SMS from `from` on `msisdn` that contains `needle`.
async fn sms_from(stack: &Stack, msisdn: &str, from: &str, needle: &str) -> String {
    sms_matching(stack, msisdn, Some(from), needle).await
}

fn events(view: &Value) -> Vec<String> {
    view["timeline"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|e| e["event"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_on_the_phone_bill_is_confirmed_by_sms_and_on_the_statement() {
    let stack = stack().await;
    let (status, list) = get(format!("http://{}/api/v1/carriers", stack.gateway_http)).await;
    assert_eq!((status, &list["carriers"]), (200, &json!([CARRIER])));

    let id = create_payment(&stack, "12.50").await;
    // A wrong PIN: the operator says so, the payment stays open.
    let (status, v) = pay(&stack, &id, ALICE, "1111").await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(
        (&v["reason"], &v["attempts_left"]),
        (&json!("wrong_pin"), &json!(2))
    );
    assert_eq!(merchant_view(&stack, &id).await["state"], "created");

    let (status, v) = pay(&stack, &id, &format!("+{ALICE}"), ALICE_PIN).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (&v["state"], &v["method"], &v["decision"]),
        (&json!("succeeded"), &json!("carrier"), &json!("approved"))
    );
    let sms = sms_from(&stack, ALICE, "Billing", "Demo Shop").await;
    assert!(sms.contains("12.50") && sms.contains("bill"), "{sms}");

    let s = statement(&stack, ALICE).await;
    assert_eq!(s["charges"].as_array().map(Vec::len), Some(1), "{s}");
    assert_eq!(s["charges"][0]["merchant"], "Demo Shop");
    assert_eq!(s["charges"][0]["reference"], id.as_str());
    assert_eq!(s["charges"][0]["state"], "captured");
    assert_eq!(
        (&s["total_billed"], &s["credit_remaining"]),
        (&json!(1250), &json!(13750))
    );

    let view = merchant_view(&stack, &id).await;
    assert_eq!(
        (&view["state"], &view["method"]),
        (&json!("succeeded"), &json!("carrier"))
    );
    let ev = events(&view);
    for e in ["carrier_declined", "carrier_authorized", "carrier_captured"] {
        assert!(ev.iter().any(|x| x == e), "{e} missing from {ev:?}");
    }
    // Paid: a second attempt changes nothing and charges nothing.
    let (status, _) = pay(&stack, &id, ALICE, ALICE_PIN).await;
    assert_eq!(status, 409);
    assert_eq!(statement(&stack, ALICE).await["total_billed"], 1250);
    stack.stop().await.expect("stack stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prepaid_balance_too_low_declines_and_bad_input_is_explained() {
    let stack = stack().await;
    let id = create_payment(&stack, "25.00").await;
    let (status, v) = pay(&stack, &id, BOB, BOB_PIN).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (&v["state"], &v["decision"], &v["reason"]),
        (
            &json!("declined"),
            &json!("declined"),
            &json!("insufficient_balance")
        )
    );
    let s = statement(&stack, BOB).await;
    assert_eq!(s["total_billed"], 0, "{s}");

    let id = create_payment(&stack, "5.00").await;
    let (status, v) = checkout(
        &stack,
        &id,
        "carrier",
        json!({ "carrier": "Nowhere Telecom", "msisdn": BOB, "pin": BOB_PIN }),
    )
    .await;
    assert_eq!(
        (status, &v["code"]),
        (422, &json!("unknown_carrier")),
        "{v}"
    );
    let (status, v) = pay(&stack, &id, "44-77", BOB_PIN).await;
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("digits")),
        "{v}"
    );
    // A number this operator does not bill: try again with another.
    let (status, v) = pay(&stack, &id, "447700900199", "1234").await;
    assert_eq!(
        (status, &v["reason"]),
        (422, &json!("unknown_subscriber")),
        "{v}"
    );
    let (status, v) = pay(&stack, &id, BOB, BOB_PIN).await;
    assert_eq!((status, &v["state"]), (200, &json!("succeeded")), "{v}");
    assert_eq!(statement(&stack, BOB).await["total_billed"], 500);
    stack.stop().await.expect("stack stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_submit_is_one_charge_and_refunds_follow_the_statement() {
    let stack = stack().await;
    let id = create_payment(&stack, "20.00").await;
    let (a, b) = tokio::join!(
        pay(&stack, &id, ALICE, ALICE_PIN),
        pay(&stack, &id, ALICE, ALICE_PIN)
    );
    let statuses = [a.0, b.0];
    assert!(statuses.contains(&200), "{a:?} {b:?}");
    let s = statement(&stack, ALICE).await;
    assert_eq!(s["charges"].as_array().map(Vec::len), Some(1), "{s}");
    assert_eq!(s["total_billed"], 2000);

    let shop = demo_shop(&stack);
    let refund = |body: Option<Value>| {
        let (shop, id) = (shop.clone(), id.clone());
        async move {
            shop.call(
                "POST",
                &format!("/v1/payments/{id}/refund"),
                body.as_ref(),
                &[],
            )
            .await
        }
    };
    let r = refund(Some(json!({ "amount": "5.00" }))).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (&r.body["refunded"], &r.body["carrier"]),
        (&json!("5.00"), &json!(CARRIER))
    );
    assert_eq!(statement(&stack, ALICE).await["total_billed"], 1500);
    let r = refund(Some(json!({ "amount": "20.00" }))).await;
    assert_eq!(r.status, 409, "more than is left: {:?}", r.body);
    let r = refund(Some(json!({ "amount": "-1" }))).await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = refund(None).await;
    assert_eq!(
        (r.status, &r.body["refunded"]),
        (200, &json!("20.00")),
        "{:?}",
        r.body
    );
    assert_eq!(statement(&stack, ALICE).await["total_billed"], 0);
    let ev = events(&merchant_view(&stack, &id).await);
    assert_eq!(
        ev.iter().filter(|e| *e == "carrier_refunded").count(),
        2,
        "{ev:?}"
    );

    // A payment made another way has no refund here.
    let other = create_payment(&stack, "1.00").await;
    let a = shop
        .call("POST", &format!("/v1/payments/{other}/refund"), None, &[])
        .await;
    assert_eq!(a.status, 409, "{:?}", a.body);
    stack.stop().await.expect("stack stops");
}

/// Real processes: the operator (smsc-sim) is killed after the payment is
/// created; the shopper is told to try again and the payment stays open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_operator_down_the_payment_stays_open() {
    let scratch = parts::Scratch::new("carrier_operator_down");
    let (smsc, handsets, gateway) = parts::start(&scratch).await;
    let shop = parts::demo_shop(&scratch, &gateway);
    let id = parts::create_payment(&shop, "3.00").await;
    smsc.kill();
    let body = json!({ "carrier": CARRIER, "msisdn": ALICE, "pin": ALICE_PIN });
    let (status, v) = parts::checkout(&gateway, &id, "carrier", body).await;
    assert_eq!(
        (status, &v["code"]),
        (503, &json!("carrier_unavailable")),
        "{v}"
    );
    let a = shop
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(a.body["state"], "created", "{:?}", a.body);
    assert!(events(&a.body).iter().any(|e| e == "carrier_unavailable"));
    for p in [handsets, gateway] {
        let name = p.name.clone();
        assert!(p.stop().success(), "{name} exits cleanly");
    }
}
