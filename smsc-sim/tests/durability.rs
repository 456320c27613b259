//! Receipts wait on disk for a receiver, and a restart on the same data
//! directory loses nothing that was acknowledged.

mod common;

use std::collections::HashSet;

use common::*;
use wire::smpp::rusmpp::pdus::{BindTransmitter, QuerySm};
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::InterfaceVersion;
use wire::smpp::rusmpp::{CommandStatus, Pdu};

fn bind_tx(system_id: &str, password: &str) -> BindTransmitter {
    BindTransmitter::builder()
        .system_id(COctetString::from_string(system_id.to_owned()).expect("id"))
        .password(COctetString::from_string(password.to_owned()).expect("pw"))
        .interface_version(InterfaceVersion::Smpp3_4)
        .build()
}

fn receipt_id(c: &wire::smpp::rusmpp::Command) -> String {
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("deliver_sm expected")
    };
    let text = std::str::from_utf8(d.short_message().as_ref()).expect("ascii");
    wire::receipt::Receipt::parse(text).expect("receipt").id
}

#[tokio::test]
async fn receipts_are_held_until_a_receiver_binds_even_across_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let srv = Server::start("", Some(dir.path())).await;
    // A transmitter-only bind: receipts cannot go anywhere yet.
    let mut tx = Peer::connect(srv.smpp).await;
    assert_eq!(
        tx.request(bind_tx("gateway", "gw-pw")).await.status(),
        CommandStatus::EsmeRok
    );
    let mut ids = HashSet::new();
    for i in 0..20 {
        let r = tx
            .request(submit("447700900123", &format!("m{i}"), 1))
            .await;
        ids.insert(message_id(&r));
    }
    drop(tx);
    srv.stop().await;

    let srv = Server::start("", Some(dir.path())).await;
    let mut rx = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let mut got = HashSet::new();
    while got.len() < ids.len() {
        let c = rx.next_deliver().await;
        got.insert(receipt_id(&c));
    }
    assert_eq!(got, ids);
    srv.stop().await;
}

#[tokio::test]
async fn acknowledged_messages_survive_a_restart_and_finish_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let srv = Server::start("", Some(dir.path())).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    // Scheduled 2 s ahead: still undelivered when the SMSC stops.
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut sm = submit("447700900123", &format!("later {i}"), 1);
        sm.schedule_delivery_time =
            wire::smpp::rusmpp::types::EmptyOrFullCOctetString::from_string(
                "000000000002000R".to_owned(),
            )
            .expect("time");
        ids.push(message_id(&p.request(sm).await));
    }
    drop(p);
    srv.stop().await;

    let srv = Server::start("", Some(dir.path())).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    for id in &ids {
        let q = QuerySm::builder()
            .message_id(COctetString::from_string(id.to_owned()).expect("id"))
            .build();
        let r = p.request(q).await;
        assert_eq!(
            r.status(),
            CommandStatus::EsmeRok,
            "message {id} known after restart"
        );
    }
    let mut got = HashSet::new();
    while got.len() < ids.len() {
        got.insert(receipt_id(&p.next_deliver().await));
    }
    assert_eq!(got, ids.iter().cloned().collect());
    // New ids do not collide with the ones handed out before the restart.
    let fresh = message_id(&p.request(submit("447700900123", "new", 0)).await);
    assert!(!ids.contains(&fresh));
    srv.stop().await;
}
