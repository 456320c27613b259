//! The merchant API (mutual TLS) under hostile clients, on the real gateway
//! process: connections that open and never start a TLS handshake fill
//! `max_connections` handshake slots, the next one is closed at accept,
//! and once the silent ones hit the handshake time-out a merchant is served
//! again; a body over the limit gets 413 and the API goes on.

mod parts;

use std::time::Duration;

use parts::*;
use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

const SLOTS: i64 = 4;

#[tokio::test]
async fn silent_floods_and_oversized_bodies_do_not_hold_the_merchant_api() {
    let scratch = Scratch::new("mtlshostile");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let gateway = gateway_configured(
        &scratch,
        &smsc.addr("smpp"),
        &smsc,
        &GatewayOptions::default(),
        |config| {
            let http = config["http"].as_table_mut().expect("[http]");
            http.insert("max_connections".into(), SLOTS.into());
            http.insert("header_timeout_s".into(), 1.into());
        },
    );
    let shop = demo_shop(&scratch, &gateway);
    let list = shop.call("GET", "/v1/payments", None, &[]).await;
    assert_eq!(list.status, 200, "served before the flood: {}", list.body);

    // Silent TCP connections take every handshake slot ...
    let addr = gateway.addr("merchant");
    let mut silent = Vec::new();
    for _ in 0..SLOTS {
        silent.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ... so one more is closed at once, with no TLS byte sent.
    let mut extra = TcpStream::connect(&addr).await.expect("the kernel accepts");
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_millis(900), extra.read(&mut buf))
        .await
        .expect("closed well before the handshake time-out");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");

    // The silent ones are cut at the 1 s handshake time-out; merchants are
    // served again without anyone closing them.
    let mut served = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if shop.call("GET", "/v1/payments", None, &[]).await.status == 200 {
            served = true;
            break;
        }
    }
    assert!(served, "the merchant API recovers after the time-out");
    for mut s in silent {
        let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf)).await;
        assert!(
            matches!(n, Ok(Ok(0)) | Ok(Err(_))),
            "silent connection closed by the server: {n:?}"
        );
    }

    // 3 MB of description: refused with 413, and the next request is fine.
    let huge = json!({
        "order_id": "big-1", "amount": "1.00", "currency": "GBP",
        "description": "x".repeat(3 << 20),
    });
    let answer = shop.call("POST", "/v1/payments", Some(&huge), &[]).await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    let ok =
        json!({ "order_id": "small-1", "amount": "1.00", "currency": "GBP", "description": "ok" });
    let created = shop.call("POST", "/v1/payments", Some(&ok), &[]).await;
    assert_eq!(created.status, 201, "{}", created.body);
}
