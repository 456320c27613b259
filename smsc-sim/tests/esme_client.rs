//! Our ESME client (wire::esme) against smsc-sim on real sockets: a window
//! of 100 pipelined submits with receipts, all matched.

mod common;

use std::collections::HashSet;

use common::*;
use wire::esme::{Esme, EsmeConfig, Event};

#[tokio::test]
async fn esme_client_pipelines_submits_and_gets_every_receipt() {
    let srv = Server::start("", None).await;
    let mut config = EsmeConfig::new(srv.smpp.to_string(), "gateway", "gw-pw");
    config.window = 10;
    let (esme, mut events) = Esme::connect(config).await.expect("bind");
    let mut tasks = Vec::new();
    for i in 0..300 {
        let esme = esme.clone();
        tasks.push(tokio::spawn(async move {
            esme.submit_sm(submit("447700900123", &format!("code {i}"), 1))
                .await
                .expect("accepted")
                .message_id
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        ids.insert(t.await.expect("task"));
    }
    assert_eq!(ids.len(), 300, "unique message ids");
    let mut receipted = HashSet::new();
    while receipted.len() < ids.len() {
        let ev = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv())
            .await
            .expect("receipts keep coming")
            .expect("event stream open");
        if let Event::DeliverSm(_) = &ev {
            let r = ev.receipt().expect("a receipt");
            receipted.insert(r.receipted_message_id.expect("receipted_message_id TLV"));
        }
    }
    assert_eq!(receipted, ids);
    esme.unbind().await.expect("graceful unbind");
    srv.stop().await;
}
