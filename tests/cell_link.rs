//! A cell's air link dropped and restored under load, across real
//! processes: 500 messages for 50 terminals of one handset-sim cell, whose
//! air link runs through a [`Proxy`]. A third of the way in the proxy
//! closes the link (deliveries in flight lose their answers) and refuses
//! the cell's reconnects while more messages are accepted; then the cell
//! gets back in and re-attaches its terminals. Afterwards every accepted
//! message is in its terminal's inbox exactly once, no inbox holds
//! anything else, and each message got exactly one receipt, `DELIVRD`.

mod common;
mod parts;

use std::collections::HashMap;
use std::time::Duration;

use parts::*;
use serde_json::Value;
use wire::esme::{Esme, EsmeConfig};

const TERMINALS: usize = 50;
const MESSAGES: usize = 500;

fn msisdn(i: usize) -> String {
    format!("4477009050{i:02}")
}

fn text(i: usize) -> String {
    format!("cell link {i:04}")
}

/// A cell of `TERMINALS` phones that reconnects quickly.
fn cell_config(scratch: &Scratch) -> std::path::PathBuf {
    let mut text = String::from(
        "[cell]\nid = \"cell-load\"\nreconnect_initial_ms = 50\nreconnect_max_ms = 400\n\
         handshake_timeout_s = 5\n",
    );
    for i in 0..TERMINALS {
        text.push_str(&format!(
            "[[terminals]]\nmsisdn = \"{}\"\nimsi = \"234150000050{i:03}\"\nkind = \"phone\"\n\
             capacity = 100\n",
            msisdn(i)
        ));
    }
    let path = scratch.path("cell-load.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

async fn attached(smsc: &Part, n: u64) {
    let stats = format!("http://{}/api/stats", smsc.addr("http"));
    wait_for(stats, &format!("{n} handsets attached"), |v| {
        v["handsets"]["attached"] == n
    })
    .await;
}

#[tokio::test]
async fn a_cell_link_dropped_under_load_loses_and_doubles_nothing() {
    let scratch = Scratch::new("celllink");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let proxy = Proxy::start(&smsc.addr("air")).await;
    let handsets = handset_sim_with(&scratch, &cell_config(&scratch), &proxy.addr);
    attached(&smsc, TERMINALS as u64).await;

    let mut config = EsmeConfig::new(smsc.addr("smpp"), "tester", "test-pw");
    config.window = 50;
    let (esme, events) = Esme::connect(config).await.expect("bind");
    let (receipts, collector) = collect_receipts(events);

    let mut ids: HashMap<usize, String> = HashMap::new();
    let mut batch = tokio::task::JoinSet::new();
    for i in 0..MESSAGES {
        if i == MESSAGES / 3 || i == 2 * MESSAGES / 3 {
            while let Some(r) = batch.join_next().await {
                let (i, id) = r.expect("join");
                ids.insert(i, id);
            }
        }
        if i == MESSAGES / 3 {
            // The link goes with deliveries in flight; the switch sees
            // every terminal of the cell detached.
            proxy.block();
            proxy.cut();
            attached(&smsc, 0).await;
        }
        if i == 2 * MESSAGES / 3 {
            // Messages accepted while the cell was away; now it comes back.
            proxy.unblock();
        }
        let esme = esme.clone();
        batch.spawn(async move {
            let r = esme
                .submit_sm(common::text_submit(&msisdn(i % TERMINALS), &text(i)))
                .await
                .unwrap_or_else(|e| panic!("submit {i}: {e}"));
            (i, r.message_id)
        });
    }
    while let Some(r) = batch.join_next().await {
        let (i, id) = r.expect("join");
        ids.insert(i, id);
    }
    assert_eq!(ids.len(), MESSAGES, "every submit accepted");
    attached(&smsc, TERMINALS as u64).await;
    assert!(proxy.accepted() >= 2, "the cell connected again");

    // Every message in its inbox, once; nothing else in any inbox.
    let inboxes = async {
        loop {
            let mut seen: HashMap<String, Vec<String>> = HashMap::new();
            for t in 0..TERMINALS {
                let url = format!(
                    "http://{}/api/terminals/{}/inbox",
                    handsets.addr("http"),
                    msisdn(t)
                );
                let inbox: Value = get(url).await;
                for m in inbox.as_array().expect("inbox") {
                    let text = m["text"].as_str().expect("text").to_owned();
                    seen.entry(text).or_default().push(msisdn(t));
                }
            }
            let total: usize = seen.values().map(Vec::len).sum();
            if total >= MESSAGES {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let seen = tokio::time::timeout(Duration::from_secs(60), inboxes)
        .await
        .expect("every message in an inbox within 60 s");
    for i in 0..MESSAGES {
        assert_eq!(
            seen.get(&text(i)),
            Some(&vec![msisdn(i % TERMINALS)]),
            "message {i} in its own inbox exactly once"
        );
    }
    assert_eq!(seen.len(), MESSAGES, "nothing else in any inbox");

    // One receipt per message, all delivered.
    let wait = async {
        loop {
            if receipts.lock().expect("receipts").len() >= MESSAGES {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("a receipt for every message within 30 s");
    let got = receipts.lock().expect("receipts").clone();
    for (i, id) in &ids {
        assert_eq!(
            got.get(id),
            Some(&vec!["DELIVRD".to_owned()]),
            "message {i}"
        );
    }
    let cell = get(format!("http://{}/api/cell", handsets.addr("http"))).await;
    let retried = get(format!("http://{}/api/stats", smsc.addr("http"))).await;
    eprintln!(
        "{MESSAGES} messages to {TERMINALS} terminals, link cut after {} and back after {}: \
         cell connections {}, proxy connections {}; smsc stats {}",
        MESSAGES / 3,
        2 * MESSAGES / 3,
        cell["connections"],
        proxy.accepted(),
        retried
    );
    collector.abort();
    let _ = esme.unbind().await;
    for p in [handsets, smsc] {
        let name = p.name.clone();
        assert!(p.stop().success(), "{name} exits cleanly");
    }
}
