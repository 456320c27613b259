//! smsc-sim killed with SIGKILL in the middle of a load with receipts, then
//! restarted on the same addresses and data directory, with handset-sim's
//! phones on the air link. Every message that got a submit_sm_resp reaches
//! its phone exactly once and gets a DELIVRD receipt; a submit the SMSC
//! refused with a status is never delivered; one whose answer the kill cut
//! off (its fate unknown to the client) is delivered at most once.
//!
//! `SMSC_KILL_MESSAGES` sets the load (default 2000, a CI-sized run); the
//! full run is `SMSC_KILL_MESSAGES=10000 cargo test --release --test smsc_kill`.

mod common;
mod parts;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use parts::*;
use wire::esme::{Esme, EsmeConfig, EsmeError};

const PHONES: [&str; 5] = [
    "447700900101",
    "447700900102",
    "447700900103",
    "447700900104",
    "8613800138000",
];

fn messages() -> usize {
    std::env::var("SMSC_KILL_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn text(i: usize) -> String {
    format!("kill test {i:06}")
}

#[derive(Debug, Default)]
struct Outcomes {
    /// i → message_id
    acked: HashMap<usize, String>,
    refused: Vec<usize>,
    unknown: Vec<usize>,
}

#[tokio::test]
async fn an_smsc_killed_under_load_delivers_every_acknowledged_message_once() {
    let n = messages();
    let scratch = Scratch::new("smsckill");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let handsets = handset_sim(&scratch, &smsc);
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, "5 handsets attached", |v| {
        v["handsets"]["attached"] == 5
    })
    .await;
    let http = reqwest::Client::new();
    for phone in PHONES {
        let url = format!(
            "http://{}/api/terminals/{phone}/capacity",
            handsets.addr("http")
        );
        let r = http
            .post(url)
            .json(&serde_json::json!({ "capacity": 10_000 }))
            .send()
            .await
            .expect("capacity");
        assert!(r.status().is_success());
    }

    let mut config = EsmeConfig::new(smsc.addr("smpp"), "tester", "test-pw");
    config.window = 100;
    config.reconnect.min = Duration::from_millis(50);
    config.reconnect.max = Duration::from_millis(500);
    let (esme, events) = Esme::connect(config).await.expect("bind");
    let (receipts, collector) = collect_receipts(events);

    // The load: up to 100 submits in flight; the kill comes a third of the way in.
    let outcomes: Arc<Mutex<Outcomes>> = Arc::default();
    let window = Arc::new(tokio::sync::Semaphore::new(100));
    let mut tasks = tokio::task::JoinSet::new();
    let mut smsc = Some(smsc);
    let mut addrs = None;
    for i in 0..n {
        if smsc.is_some() && outcomes.lock().expect("o").acked.len() >= n / 3 {
            let s = smsc.take().expect("running");
            addrs = Some([s.addr("smpp"), s.addr("http"), s.addr("air")]);
            s.kill();
        }
        if smsc.is_none() {
            // The client sees the SMSC gone; it stops submitting.
            break;
        }
        let permit = window.clone().acquire_owned().await.expect("open");
        let (esme, outcomes) = (esme.clone(), outcomes.clone());
        tasks.spawn(async move {
            let r = esme
                .submit_sm(common::text_submit(PHONES[i % 5], &text(i)))
                .await;
            let mut o = outcomes.lock().expect("o");
            match r {
                Ok(resp) => {
                    o.acked.insert(i, resp.message_id);
                }
                Err(EsmeError::Status { .. }) => o.refused.push(i),
                Err(_) => o.unknown.push(i),
            }
            drop(permit);
        });
    }
    while tasks.join_next().await.is_some() {}
    let addrs = addrs.expect("the kill came before the load ended");
    let smsc = smsc_sim(&scratch, [&addrs[0], &addrs[1], &addrs[2]]);

    let outcomes = std::mem::take(&mut *outcomes.lock().expect("o"));
    assert!(
        outcomes.acked.len() >= n / 3,
        "{} acked",
        outcomes.acked.len()
    );
    // Every acknowledged message gets its final receipt after the restart.
    let wait = async {
        loop {
            let got = receipts.lock().expect("receipts").clone();
            if outcomes.acked.values().all(|id| got.contains_key(id)) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let got = tokio::time::timeout(Duration::from_secs(120), wait)
        .await
        .expect("a receipt for every acknowledged message within 120 s");
    let mut repeated = 0;
    for id in outcomes.acked.values() {
        let stats = &got[id];
        assert!(stats.iter().all(|s| s == "DELIVRD"), "{id}: {stats:?}");
        repeated += stats.len() - 1;
    }

    // Each phone's inbox: acknowledged texts once, refused never, unknown at most once.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for phone in PHONES {
        let url = format!(
            "http://{}/api/terminals/{phone}/inbox",
            handsets.addr("http")
        );
        let inbox = get(url).await;
        for m in inbox.as_array().expect("inbox") {
            *seen
                .entry(m["text"].as_str().expect("text").to_owned())
                .or_default() += 1;
        }
    }
    for i in outcomes.acked.keys() {
        assert_eq!(seen.get(&text(*i)), Some(&1), "acknowledged message {i}");
    }
    for i in &outcomes.refused {
        assert_eq!(seen.get(&text(*i)), None, "refused message {i} delivered");
    }
    for i in &outcomes.unknown {
        assert!(
            seen.get(&text(*i)).is_none_or(|c| *c == 1),
            "message {i} twice"
        );
    }
    eprintln!(
        "{n} planned: {} acknowledged, {} refused, {} cut off by the kill; \
         {} repeated receipts (same id and stat)",
        outcomes.acked.len(),
        outcomes.refused.len(),
        outcomes.unknown.len(),
        repeated
    );
    collector.abort();
    let _ = esme.unbind().await;
    for p in [handsets, smsc] {
        let name = p.name.clone();
        assert!(p.stop().success(), "{name} exits cleanly");
    }
}
