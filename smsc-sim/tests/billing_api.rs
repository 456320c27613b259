//! The operator billing API on a real smsc-sim over loopback: a partner
//! authorizes a charge, the subscriber's handset (a scripted cell) gets the
//! confirmation SMS, capture and refund move the charge, and the monthly
//! statement shows it; bad tokens, unknown charges, state conflicts, bad
//! input and a barred line get their statuses.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::cell::*;
use common::http::*;
use common::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "test-partner-token-0001";

const BILLING: &str = r#"
[billing]
sender = "SwitchMob"
[[billing.partners]]
id = "gateway"
token = "test-partner-token-0001"
[[billing.accounts]]
msisdn = "+447700900101"
plan = "postpaid"
credit_limit = 5000
pin = "1234"
"#;

/// A request with `Authorization: Bearer <token>` (the shared helper sends none).
async fn partner(addr: SocketAddr, token: &str, path: &str, body: Value) -> (u16, Value) {
    let body = body.to_string();
    let exchange = async {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: smsc\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.expect("send");
        let mut raw = String::new();
        s.read_to_string(&mut raw).await.expect("read");
        raw
    };
    let raw = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("answer within 10 s");
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn purchase(pin: &str, amount: i64, reference: &str) -> Value {
    json!({ "msisdn": "+447700900101", "pin": pin, "amount": amount, "currency": "GBP",
            "merchant": "Demo Shop", "reference": reference })
}

#[tokio::test]
async fn authorize_confirms_by_sms_and_the_statement_shows_the_charge() {
    let srv = Server::start(&format!("{HANDSETS}\n{BILLING}"), None).await;
    let mut cell = Cell::connect(srv.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;

    let (status, ok) = partner(
        srv.http,
        TOKEN,
        "/billing/v1/authorize",
        purchase("1234", 1250, "o-1"),
    )
    .await;
    assert_eq!((status, &ok["decision"]), (200, &json!("approved")), "{ok}");
    let id = ok["charge_id"].as_str().expect("charge id").to_owned();
    let (reference, msisdn, sms) = cell.deliver().await;
    assert_eq!(msisdn.as_str(), ALICE);
    let text = text(&sms);
    assert!(
        text.contains("12.50 GBP") && text.contains("Demo Shop"),
        "{text}"
    );
    cell.send(wire::air::AirFrame::DeliverAck { reference })
        .await;

    let (status, again) = partner(
        srv.http,
        TOKEN,
        "/billing/v1/authorize",
        purchase("1234", 1250, "o-1"),
    )
    .await;
    assert_eq!(
        (status, &again["charge_id"], &again["replayed"]),
        (200, &ok["charge_id"], &json!(true))
    );

    let path = |what: &str| format!("/billing/v1/charges/{id}/{what}");
    let (status, c) = partner(srv.http, TOKEN, &path("capture"), json!({})).await;
    assert_eq!((status, &c["state"]), (200, &json!("captured")));
    let (status, c) = partner(srv.http, TOKEN, &path("refund"), json!({ "amount": 250 })).await;
    assert_eq!((status, &c["refunded"]), (200, &json!(250)));
    assert_eq!(
        partner(srv.http, TOKEN, &path("void"), json!({})).await.0,
        409
    );

    let statement = get(srv.http, "/api/billing/subscribers/447700900101/statement").await;
    assert_eq!(statement.status, 200, "{}", statement.body);
    let s = statement.json();
    assert_eq!(s["charges"][0]["merchant"], "Demo Shop");
    assert_eq!(
        (&s["total_billed"], &s["credit_remaining"]),
        (&json!(1000), &json!(4000))
    );
    let accounts = get(srv.http, "/api/billing/accounts").await.json();
    assert_eq!(accounts["accounts"][0]["spent_this_month"], 1000);
    srv.stop().await;
}

#[tokio::test]
async fn tokens_charges_conflicts_input_and_barring_get_their_statuses() {
    let srv = Server::start(&format!("{HANDSETS}\n{BILLING}"), None).await;
    let authorize = "/billing/v1/authorize";
    assert_eq!(
        partner(srv.http, "wrong-token", authorize, purchase("1234", 1, "x"))
            .await
            .0,
        401
    );
    let anonymous = http(
        srv.http,
        "POST",
        authorize,
        Some(&purchase("1234", 1, "x").to_string()),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    let (status, e) = partner(
        srv.http,
        TOKEN,
        "/billing/v1/charges/ch_nope/capture",
        json!({}),
    )
    .await;
    assert_eq!(status, 404, "{e}");
    assert_eq!(
        partner(srv.http, TOKEN, authorize, json!({ "msisdn": "1" }))
            .await
            .0,
        422
    );
    assert_eq!(
        partner(srv.http, TOKEN, authorize, purchase("1234", -5, "n"))
            .await
            .0,
        422
    );

    let (_, over) = partner(srv.http, TOKEN, authorize, purchase("1234", 5001, "big")).await;
    assert_eq!(
        (&over["decision"], &over["reason"]),
        (&json!("declined"), &json!("over_credit_limit"))
    );
    let (_, wrong) = partner(srv.http, TOKEN, authorize, purchase("9999", 100, "w")).await;
    assert_eq!(
        (&wrong["reason"], &wrong["attempts_left"]),
        (&json!("wrong_pin"), &json!(2))
    );

    let barred = http(
        srv.http,
        "PATCH",
        "/api/handsets/447700900101",
        Some(r#"{"barred":true}"#),
    )
    .await;
    assert_eq!(barred.status, 200, "{}", barred.body);
    let (_, b) = partner(srv.http, TOKEN, authorize, purchase("1234", 100, "b")).await;
    assert_eq!(b["reason"], "barred");

    assert_eq!(
        get(srv.http, "/api/billing/subscribers/447700900999/statement")
            .await
            .status,
        404
    );
    assert_eq!(
        get(
            srv.http,
            "/api/billing/subscribers/447700900101/statement?month=2026-13"
        )
        .await
        .status,
        422
    );
    srv.stop().await;
}
