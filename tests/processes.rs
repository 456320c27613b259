//! Checkouts across real processes: smsc-sim, handset-sim and the gateway
//! spawned from the built binaries, wired together only by the addresses
//! their ready lines print, driven the way a CI script drives them (the
//! merchant API over mutual TLS, the JSON checkout API, and the
//! `handset-sim` CLI to read the code), and stopped with SIGTERM.

mod parts;

use parts::*;
use serde_json::json;

#[tokio::test]
async fn three_processes_run_a_checkout_with_the_code_read_by_the_cli() {
    let scratch = Scratch::new("happy");
    let (smsc, handsets, gateway) = start(&scratch).await;
    let shop = demo_shop(&scratch, &gateway);
    let id = create_payment(&shop, "19.99").await;
    let (s, v) = checkout(
        &gateway,
        &id,
        "identify",
        json!({ "identity": "bob", "password": "bob-pass-1" }),
    )
    .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");

    let (rc, code, err) = cli(&handsets, &["wait-code", BOB, "--timeout", "20"]).await;
    assert_eq!(rc, 0, "wait-code: {err}");
    assert!(
        code.chars().all(|c| c.is_ascii_digit()) && code.len() >= 6,
        "{code:?}"
    );
    let (s, v) = checkout(&gateway, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");
    let a = shop
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(a.body["state"], "succeeded");

    // Nothing is waiting any more: the CLI times out with its own exit code.
    let (rc, _, err) = cli(&handsets, &["wait-code", BOB, "--timeout", "0.3"]).await;
    assert_ne!(rc, 0, "no second code: {err}");
    stop_all([gateway, handsets, smsc]);
}

#[tokio::test]
async fn an_smsc_restart_in_the_middle_of_a_checkout_loses_no_code() {
    let scratch = Scratch::new("restart");
    let (smsc, handsets, gateway) = start(&scratch).await;
    let (rc, _, err) = cli(&handsets, &["power", ALICE, "off"]).await;
    assert_eq!(rc, 0, "power off: {err}");
    handset_state(&smsc, ALICE, "detached").await;

    let shop = demo_shop(&scratch, &gateway);
    let id = create_payment(&shop, "23.45").await;
    let (s, v) = checkout(
        &gateway,
        &id,
        "identify",
        json!({ "identity": "alice", "password": "alice-pass-1" }),
    )
    .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");
    let messages = format!("http://{}/api/messages?number={ALICE}", smsc.addr("http"));
    let stored = get(messages.clone()).await;
    assert_eq!(
        stored[0]["state"], "ENROUTE",
        "stored for the phone: {stored}"
    );

    // The SMSC goes down with the code in its store and comes back on the
    // same addresses; the handsets' cell and the gateway find it again.
    let addrs = [smsc.addr("smpp"), smsc.addr("http"), smsc.addr("air")];
    let status = smsc.stop();
    assert!(status.success(), "smsc-sim stops cleanly: {status}");
    let ready = format!("http://{}/ready", gateway.addr("http"));
    wait_for(ready, "gateway not ready without its SMSC", |v| {
        v["ready"] == false && v["smscs"][0]["up"] == false
    })
    .await;
    let smsc = parts::smsc_sim(&scratch, [&addrs[0], &addrs[1], &addrs[2]]);
    handset_state(&smsc, BOB, "attached").await;

    let (rc, _, err) = cli(&handsets, &["power", ALICE, "on"]).await;
    assert_eq!(rc, 0, "power on: {err}");
    let (rc, code, err) = cli(&handsets, &["wait-code", ALICE, "--timeout", "20"]).await;
    assert_eq!(rc, 0, "the code stored before the restart arrives: {err}");
    let (s, v) = checkout(&gateway, &id, "code", json!({ "code": code })).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("succeeded")), "{v}");

    // The receipt reaches the gateway once it has bound again.
    let state = format!("http://{}/api/v1/checkout/{id}", gateway.addr("http"));
    wait_for(state, "DELIVRD receipt at the gateway", |v| {
        v["delivery"] == "delivered"
    })
    .await;
    // The code SMS, not the receipt SMS that follows the payment.
    let after = get(messages).await;
    let codes: Vec<_> = after
        .as_array()
        .expect("list")
        .iter()
        .filter(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.contains("to pay GBP 23.45"))
        })
        .collect();
    assert_eq!(codes.len(), 1, "sent once, delivered once: {after}");
    assert_eq!(codes[0]["state"], "DELIVERED");
    stop_all([gateway, handsets, smsc]);
}
