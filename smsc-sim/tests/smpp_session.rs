//! SMPP session behaviour on real sockets: binds, every operation, receipts,
//! window and throttle limits, state rules.

mod common;

use common::*;
use wire::smpp::Inbound;
use wire::smpp::rusmpp::pdus::{CancelSm, QuerySm, ReplaceSm};
use wire::smpp::rusmpp::tlvs::TlvValue;
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::{CommandId, CommandStatus, Pdu};

#[tokio::test]
async fn bind_failures_carry_the_spec_statuses() {
    let srv = Server::start("", None).await;
    let mut p = Peer::connect(srv.smpp).await;
    assert_eq!(
        p.request(bind_trx("nobody", "x", 0x34)).await.status(),
        CommandStatus::EsmeRinvsysid
    );
    assert_eq!(
        p.request(bind_trx("gateway", "wrong", 0x34)).await.status(),
        CommandStatus::EsmeRinvpaswd
    );
    assert_eq!(
        p.request(bind_trx("rxonly", "rx-pw", 0x34)).await.status(),
        CommandStatus::EsmeRbindfail
    );
    // Requests before a bind are in the wrong state.
    let r = p.request(submit("447700900123", "hi", 0)).await;
    assert_eq!(
        (r.id(), r.status()),
        (CommandId::SubmitSmResp, CommandStatus::EsmeRinvbndsts)
    );
    let ok = p.request(bind_trx("gateway", "gw-pw", 0x34)).await;
    assert_eq!(
        (ok.id(), ok.status()),
        (CommandId::BindTransceiverResp, CommandStatus::EsmeRok)
    );
    assert_eq!(
        p.request(bind_trx("gateway", "gw-pw", 0x34)).await.status(),
        CommandStatus::EsmeRalybnd
    );
    srv.stop().await;
}

#[tokio::test]
async fn submit_gets_an_id_and_a_delivered_receipt() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let resp = p
        .request(submit("447700900123", "Your code is 123456", 1))
        .await;
    assert_eq!(resp.status(), CommandStatus::EsmeRok);
    let id = message_id(&resp);
    let dr = p.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = dr.pdu() else {
        unreachable!()
    };
    assert_eq!(u8::from(d.esm_class), 0x04);
    let text = std::str::from_utf8(d.short_message().as_ref()).expect("ascii receipt");
    let r = wire::receipt::Receipt::parse(text).expect("receipt text parses");
    assert_eq!((r.id.as_str(), r.stat.as_str()), (id.as_str(), "DELIVRD"));
    let tlv_id = d.tlvs().iter().find_map(|t| match t.value() {
        Some(TlvValue::ReceiptedMessageId(v)) => Some(v.as_str().to_owned()),
        _ => None,
    });
    assert_eq!(tlv_id.as_deref(), Some(id.as_str()));
    srv.stop().await;
}

#[tokio::test]
async fn registered_delivery_modes() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    // 2 = failure only: the unknown subscriber gets one, the delivered one not.
    let ok = message_id(&p.request(submit("447700900123", "a", 2)).await);
    let bad = message_id(&p.request(submit("447700900666", "b", 2)).await);
    // 0x11 = final + intermediate.
    let both = message_id(&p.request(submit("447700900124", "c", 0x11)).await);
    let mut seen = Vec::new();
    for _ in 0..3 {
        let c = p.next_deliver().await;
        let Some(Pdu::DeliverSm(d)) = c.pdu() else {
            unreachable!()
        };
        let r = wire::receipt::Receipt::parse(
            std::str::from_utf8(d.short_message().as_ref()).expect("ascii"),
        )
        .expect("parses");
        seen.push((r.id, r.stat, u8::from(d.esm_class)));
    }
    seen.sort();
    let mut want = vec![
        (bad.clone(), "UNDELIV".to_owned(), 0x04),
        (both.clone(), "ENROUTE".to_owned(), 0x20),
        (both.clone(), "DELIVRD".to_owned(), 0x04),
    ];
    want.sort();
    assert_eq!(seen, want, "no receipt for {ok}");
    srv.stop().await;
}

#[tokio::test]
async fn query_cancel_replace() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    // Scheduled an hour ahead, so it is still pending.
    let mut sm = submit("447700900123", "later", 1);
    sm.schedule_delivery_time = wire::smpp::rusmpp::types::EmptyOrFullCOctetString::from_string(
        "000000010000000R".to_owned(),
    )
    .expect("time");
    let id = message_id(&p.request(sm).await);
    let q = QuerySm::builder()
        .message_id(COctetString::from_string(id.to_owned()).expect("id"))
        .build();
    let r = p.request(q.clone()).await;
    let Some(Pdu::QuerySmResp(qr)) = r.pdu() else {
        panic!("query_sm_resp expected: {r:?}")
    };
    assert_eq!(u8::from(qr.message_state), 1, "ENROUTE");
    let rep = ReplaceSm::builder()
        .message_id(COctetString::from_string(id.to_owned()).expect("id"))
        .source_addr(COctetString::from_string("MyBank".to_owned()).expect("src"))
        .short_message(OctetString::from_slice(b"replaced").expect("sm"))
        .registered_delivery(wire::smpp::rusmpp::values::RegisteredDelivery::from(1))
        .build();
    assert_eq!(p.request(rep).await.status(), CommandStatus::EsmeRok);
    let c = CancelSm::builder()
        .message_id(COctetString::from_string(id.to_owned()).expect("id"))
        .source_addr(COctetString::from_string("MyBank".to_owned()).expect("src"))
        .destination_addr(COctetString::from_string("447700900123".to_owned()).expect("dst"))
        .build();
    assert_eq!(p.request(c.clone()).await.status(), CommandStatus::EsmeRok);
    let dr = p.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = dr.pdu() else {
        unreachable!()
    };
    assert!(
        std::str::from_utf8(d.short_message().as_ref())
            .expect("ascii")
            .contains("stat:DELETED")
    );
    assert_eq!(
        p.request(c).await.status(),
        CommandStatus::EsmeRcancelfail,
        "already final"
    );
    let r = p.request(q).await;
    let Some(Pdu::QuerySmResp(qr)) = r.pdu() else {
        panic!("query_sm_resp expected")
    };
    assert_eq!(u8::from(qr.message_state), 4, "DELETED");
    let unknown = QuerySm::builder()
        .message_id(COctetString::from_string("999999999".to_owned()).expect("id"))
        .build();
    assert_eq!(
        p.request(unknown).await.status(),
        CommandStatus::EsmeRqueryfail
    );
    srv.stop().await;
}

#[tokio::test]
async fn window_overflow_is_refused_with_msgqful() {
    // A fault delays responses so requests pile up beyond the window of 10.
    let srv = Server::start("[[faults.rules]]\naccount = \"gateway\"\nprobability = 1.0\naction = { delay_response_ms = 300 }\n", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    for _ in 0..15 {
        let seq = p.next_seq();
        p.send(seq, submit("447700900123", "x", 0)).await;
    }
    let mut ok = 0;
    let mut full = 0;
    while ok + full < 15 {
        let c = p.recv_command().await;
        match (c.id(), c.status()) {
            (CommandId::SubmitSmResp, CommandStatus::EsmeRok) => ok += 1,
            (CommandId::SubmitSmResp, CommandStatus::EsmeRmsgqful) => full += 1,
            _ => {}
        }
    }
    assert_eq!((ok, full), (10, 5));
    srv.stop().await;
}

#[tokio::test]
async fn a_pipelined_burst_gets_every_response_and_receipt() {
    // More PDUs at once than the session handles in one turn, and more output
    // than one write batch, so bursts and batches are cut several times over.
    let bulk = "[[accounts]]\nsystem_id = \"bulk\"\npassword = \"bulk-pw\"\nwindow = 1000\n";
    let srv = Server::start(bulk, None).await;
    let mut p = Peer::bound(srv.smpp, "bulk", "bulk-pw").await;
    let n = 700;
    let mut sent = std::collections::BTreeSet::new();
    for i in 0..n {
        let seq = p.next_seq();
        p.send(seq, submit("447700900123", &format!("burst {i}"), 1))
            .await;
        sent.insert(seq);
    }
    let (mut ids, mut receipts) = (std::collections::BTreeSet::new(), 0);
    while !sent.is_empty() || receipts < n {
        let c = p.recv_command().await;
        match c.id() {
            CommandId::SubmitSmResp => {
                assert_eq!(c.status(), CommandStatus::EsmeRok);
                assert!(sent.remove(&c.sequence_number()), "one response per submit");
                assert!(ids.insert(message_id(&c)), "ids are unique");
            }
            CommandId::DeliverSm => {
                receipts += 1;
                p.answer(&c).await;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((ids.len(), receipts), (n, n));
    srv.stop().await;
}

#[tokio::test]
async fn throughput_limit_answers_throttled_then_recovers() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "slow", "slow-pw").await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(p.request(submit("447700900123", "x", 0)).await.status());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == CommandStatus::EsmeRok)
            .count(),
        5
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == CommandStatus::EsmeRthrottled)
            .count(),
        2
    );
    // The bucket refills at 5/s: retrying soon succeeds again (bounded wait).
    let recovered = tokio::time::timeout(std::time::Duration::from_secs(3), async {
        while p.request(submit("447700900123", "x", 0)).await.status() != CommandStatus::EsmeRok {
            tokio::task::yield_now().await;
        }
    });
    assert!(
        recovered.await.is_ok(),
        "throughput recovers after the bucket refills"
    );
    srv.stop().await;
}

#[tokio::test]
async fn unbind_is_answered_and_closes() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let r = p.request(Pdu::Unbind).await;
    assert_eq!(r.id(), CommandId::UnbindResp);
    assert!(
        p.io.next_inbound().await.is_none(),
        "server closes after unbind_resp"
    );
    srv.stop().await;
}

#[tokio::test]
async fn shutdown_unbinds_bound_sessions() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let stop = tokio::spawn(srv.stop());
    let c = p.recv_command().await;
    assert_eq!(c.id(), CommandId::Unbind);
    p.send(c.sequence_number(), Pdu::UnbindResp).await;
    stop.await.expect("server stops");
    let _ = p.io.next_inbound().await;
}

trait NextInbound {
    async fn next_inbound(&mut self) -> Option<Inbound>;
}

impl NextInbound for tokio_util::codec::Framed<tokio::net::TcpStream, wire::smpp::FrameCodec> {
    /// The next item, or None once the connection ends; fails the test
    /// rather than waiting past [`common::STEP`].
    async fn next_inbound(&mut self) -> Option<Inbound> {
        tokio::time::timeout(common::STEP, futures::StreamExt::next(self))
            .await
            .expect("the server answers or closes within 10 s")
            .and_then(Result::ok)
    }
}

#[tokio::test]
async fn unbind_with_receipts_in_flight_still_gets_unbind_resp() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    for i in 0..20 {
        p.request(submit("447700900123", &format!("m{i}"), 1)).await;
    }
    // Receipts are flowing; unbind without answering the first one yet.
    let first = p.next_deliver_unanswered().await;
    let seq = p.next_seq();
    p.send(seq, Pdu::Unbind).await;
    p.answer(&first).await;
    loop {
        let c = p.recv_command().await;
        if c.id() == CommandId::UnbindResp {
            assert_eq!(c.sequence_number(), seq);
            break;
        }
        p.answer(&c).await;
    }
    srv.stop().await;
}
