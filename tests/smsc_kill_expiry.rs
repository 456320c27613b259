//! Expiry by validity across an SMSC kill: messages accepted for a phone
//! that is switched off, with a validity of a few seconds, are stored; the
//! SMSC is killed with SIGKILL and stays down past their validity; after
//! the restart on the same data directory each of them gets an EXPIRED
//! receipt (and only EXPIRED), and when the phone is switched on none of
//! them reaches it, while a message sent after the restart does.

mod common;
mod parts;

use std::time::Duration;

use parts::*;
use wire::esme::{Esme, EsmeConfig};
use wire::smpp::rusmpp::types::EmptyOrFullCOctetString;

const PHONE: &str = common::BOB;
const STORED: usize = 20;
const VALIDITY_S: u64 = 4;

async fn set_power(handsets: &Part, on: bool) {
    let url = format!(
        "http://{}/api/terminals/{PHONE}/power",
        handsets.addr("http")
    );
    let r = reqwest::Client::new()
        .post(url)
        .json(&serde_json::json!({ "on": on }))
        .send()
        .await
        .expect("power");
    assert!(r.status().is_success(), "power {on}: {}", r.status());
}

#[tokio::test]
async fn messages_that_expire_while_the_smsc_is_down_get_expired_receipts_and_are_never_delivered()
{
    let scratch = Scratch::new("smscexpiry");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let handsets = handset_sim(&scratch, &smsc);
    handset_state(&smsc, PHONE, "attached").await;
    set_power(&handsets, false).await;
    handset_state(&smsc, PHONE, "detached").await;

    let mut config = EsmeConfig::new(smsc.addr("smpp"), "tester", "test-pw");
    config.reconnect.min = Duration::from_millis(50);
    config.reconnect.max = Duration::from_millis(500);
    let (esme, events) = Esme::connect(config).await.expect("bind");
    let (receipts, collector) = collect_receipts(events);

    let validity = format!("0000000000{VALIDITY_S:02}000R");
    let mut ids = Vec::new();
    for i in 0..STORED {
        let mut sm = common::text_submit(PHONE, &format!("expiring {i:03}"));
        sm.validity_period =
            EmptyOrFullCOctetString::from_string(validity.clone()).expect("validity_period");
        ids.push(esme.submit_sm(sm).await.expect("accepted").message_id);
    }
    let addrs = [smsc.addr("smpp"), smsc.addr("http"), smsc.addr("air")];
    smsc.kill();
    // Down for longer than the validity.
    tokio::time::sleep(Duration::from_secs(VALIDITY_S + 2)).await;
    let smsc = smsc_sim(&scratch, [&addrs[0], &addrs[1], &addrs[2]]);

    let wait = async {
        loop {
            let got = receipts.lock().expect("receipts").clone();
            if ids.iter().all(|id| got.contains_key(id)) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let got = tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("a receipt for every stored message within 60 s");
    for id in &ids {
        assert!(
            got[id].iter().all(|s| s == "EXPIRED"),
            "{id}: {:?}",
            got[id]
        );
    }

    // The phone comes back: nothing expired reaches it; a new message does.
    // The cell is back once another phone has attached again.
    handset_state(&smsc, common::ALICE, "attached").await;
    set_power(&handsets, true).await;
    handset_state(&smsc, PHONE, "attached").await;
    let fresh = esme
        .submit_sm(common::text_submit(PHONE, "after the restart"))
        .await
        .expect("accepted")
        .message_id;
    let url = format!(
        "http://{}/api/terminals/{PHONE}/inbox",
        handsets.addr("http")
    );
    let inbox = wait_for(url, "the new message in the inbox", |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|m| m["text"] == "after the restart"))
    })
    .await;
    let expired_there = inbox
        .as_array()
        .expect("inbox")
        .iter()
        .filter(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("expiring"))
        })
        .count();
    assert_eq!(expired_there, 0, "expired messages delivered: {inbox}");
    let wait_fresh = async {
        loop {
            if let Some(s) = receipts.lock().expect("receipts").get(&fresh) {
                return s.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let fresh_stats = tokio::time::timeout(Duration::from_secs(20), wait_fresh)
        .await
        .expect("the new message's receipt");
    assert_eq!(fresh_stats, ["DELIVRD"]);

    collector.abort();
    let _ = esme.unbind().await;
    for p in [handsets, smsc] {
        let name = p.name.clone();
        assert!(p.stop().success(), "{name} exits cleanly");
    }
}
