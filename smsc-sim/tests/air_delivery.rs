//! The switch delivering to handsets over a real air link on loopback, with
//! a scripted cell in place of handset-sim: SMS-DELIVER TPDUs reach the
//! attached terminal and its ack becomes a DELIVRD receipt; long texts go as
//! segments; absent and full terminals are stored and retried when they come
//! back; validity expiry (absent: 006, full: 032); barring (013); a
//! permanent RP-cause (UNDELIV 032); replace_if_present; alert_notification.
//! Timer-driven retries are in `air_retry.rs`.

mod common;

use std::time::Duration;

use common::cell::*;
use common::http::*;
use common::*;
use wire::air::{AirFrame, RpCause};
use wire::smpp::rusmpp::Pdu;
use wire::smpp::rusmpp::tlvs::MessageSubmissionRequestTlvValue;
use wire::smpp::rusmpp::types::{AnyOctetString, OctetString};
use wire::smpp::rusmpp::values::{DataCoding, MessagePayload};
use wire::tpdu::{Alphabet, TpAddress};
#[tokio::test]
async fn attached_handset_gets_the_text_and_the_esme_gets_delivrd() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    assert_eq!(handset(&server, ALICE).await["state"], "attached");

    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let resp = esme
        .request(submit(ALICE, "Your code is 482913 for 12.50 EUR", 1))
        .await;
    let id = message_id(&resp);
    let (reference, msisdn, d) = cell.deliver().await;
    assert_eq!(msisdn.as_str(), ALICE);
    assert_eq!(text(&d), "Your code is 482913 for 12.50 EUR");
    assert_eq!(d.originating_address, TpAddress::alphanumeric("MyBank"));
    assert_eq!(d.dcs.alphabet(), Alphabet::Gsm7);
    assert!(
        d.status_report_indication,
        "registered_delivery asked for a receipt"
    );
    cell.send(AirFrame::DeliverAck { reference }).await;
    assert_eq!(receipt_stat_err(&esme.next_deliver().await).0, "DELIVRD");

    let hops = get(server.http, &format!("/api/numbers/{ALICE}/history"))
        .await
        .json();
    let events: Vec<&str> = hops["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .filter(|h| h["message_id"] == id.as_str())
        .map(|h| h["event"].as_str().expect("event"))
        .collect();
    assert_eq!(events, ["accepted", "deliver", "deliver-ack", "final"]);
    // Closing first spares the shutdown's unbind drain wait.
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn long_ucs2_text_goes_as_three_segments_with_one_receipt() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let chinese =
        "您的验证码是 482913，金额 12.50 元，商户：示例商店。请勿将验证码告诉他人。".repeat(4);
    let units: Vec<u8> = chinese.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut sm = submit(ALICE, "", 1);
    sm.data_coding = DataCoding::from(0x08);
    sm.set_short_message(OctetString::empty());
    sm.push_tlv(MessageSubmissionRequestTlvValue::MessagePayload(
        MessagePayload::new(AnyOctetString::from_slice(&units)),
    ));
    let resp = esme.request(sm).await;
    assert_eq!(resp.status(), wire::smpp::rusmpp::CommandStatus::EsmeRok);
    let mut got = String::new();
    let mut parts = 0;
    loop {
        let (reference, _, d) = cell.deliver().await;
        assert_eq!(d.dcs.alphabet(), Alphabet::Ucs2);
        let concat = d
            .user_data
            .header
            .as_ref()
            .and_then(|h| h.concatenation())
            .expect("concatenated");
        parts += 1;
        assert_eq!(usize::from(concat.seq), parts);
        got.push_str(&text(&d));
        cell.send(AirFrame::DeliverAck { reference }).await;
        if usize::from(concat.total) == parts {
            assert!(!d.more_messages_to_send);
            break;
        }
        assert!(d.more_messages_to_send);
    }
    assert_eq!(parts, 3);
    assert_eq!(got, chinese);
    assert_eq!(receipt_stat_err(&esme.next_deliver().await).0, "DELIVRD");
    // Closing first spares the shutdown's unbind drain wait.
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn absent_then_attached_delivers_and_full_inbox_waits_for_memory() {
    let server = Server::start(HANDSETS, None).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    // Alice is provisioned but no cell carries her: stored.
    esme.request(submit(ALICE, "stored while off", 1)).await;
    assert_eq!(handset(&server, ALICE).await["state"], "detached");
    wait_for_hop(&server, ALICE, "retry").await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    // The attach is an alert: delivered at once, not at the next retry.
    let (reference, _, d) = cell.deliver().await;
    assert_eq!(text(&d), "stored while off");
    // Memory full: refused with RP-cause 22, the network remembers it.
    cell.send(AirFrame::DeliverError {
        reference,
        cause: RpCause::MEMORY_CAPACITY_EXCEEDED,
        tpdu: vec![],
    })
    .await;
    tokio::time::timeout(Duration::from_secs(5), async {
        while handset(&server, ALICE).await["state"] != "memory_full" {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("memory_full recorded");
    cell.send(AirFrame::MemoryAvailable {
        msisdn: ALICE.parse().expect("msisdn"),
    })
    .await;
    let (reference, _, d) = cell.deliver().await;
    assert_eq!(text(&d), "stored while off");
    cell.send(AirFrame::DeliverAck { reference }).await;
    assert_eq!(receipt_stat_err(&esme.next_deliver().await).0, "DELIVRD");
    // Closing first spares the shutdown's unbind drain wait.
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn absent_past_validity_expires_with_absent_subscriber_error() {
    let extra = format!("{HANDSETS}\n");
    let server = Server::start(
        &extra.replace("[delivery]\n", "[delivery]\ndefault_validity_s = 1\n"),
        None,
    )
    .await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    esme.request(submit(ALICE, "nobody home", 1)).await;
    let (stat, err) = receipt_stat_err(&esme.next_deliver().await);
    assert_eq!((stat.as_str(), err.as_str()), ("EXPIRED", "006"));
    // Closing first spares the shutdown's unbind drain wait.
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn a_permanent_rp_cause_is_undeliverable_with_sm_delivery_failure() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let id = message_id(&esme.request(submit(ALICE, "refused for good", 1)).await);
    let (reference, _, _) = cell.deliver().await;
    // 95 "semantically incorrect message" is not in the store-and-forward set.
    cell.send(AirFrame::DeliverError {
        reference,
        cause: RpCause::INVALID_MESSAGE,
        tpdu: vec![],
    })
    .await;
    let (stat, err) = receipt_stat_err(&esme.next_deliver().await);
    assert_eq!((stat.as_str(), err.as_str()), ("UNDELIV", "032"));
    let m = get(server.http, &format!("/api/messages/{id}"))
        .await
        .json();
    assert_eq!(
        (m["state"].as_str(), m["error_code"].as_u64()),
        (Some("UNDELIVERABLE"), Some(32))
    );
    // Final at once: no retry was scheduled, and the terminal stays attached.
    assert_eq!(
        hop_events(&server, ALICE, &id).await,
        ["accepted", "deliver", "deliver-error", "final"]
    );
    assert_eq!(handset(&server, ALICE).await["state"], "attached");
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn a_terminal_full_until_validity_ends_expires_with_sm_delivery_failure() {
    let server = Server::start(
        &HANDSETS.replace("[delivery]\n", "[delivery]\ndefault_validity_s = 2\n"),
        None,
    )
    .await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let id = message_id(&esme.request(submit(ALICE, "no room", 1)).await);
    let (reference, _, _) = cell.deliver().await;
    cell.send(AirFrame::DeliverError {
        reference,
        cause: RpCause::MEMORY_CAPACITY_EXCEEDED,
        tpdu: vec![],
    })
    .await;
    // Memory is never freed: the 1 s retry finds the subscriber full in the
    // HLR and sends nothing; validity then ends.
    let (stat, err) = receipt_stat_err(&esme.next_deliver().await);
    assert_eq!((stat.as_str(), err.as_str()), ("EXPIRED", "032"));
    let m = get(server.http, &format!("/api/messages/{id}"))
        .await
        .json();
    assert_eq!(m["state"], "EXPIRED");
    let events = hop_events(&server, ALICE, &id).await;
    assert_eq!(
        events.iter().filter(|e| *e == "deliver").count(),
        1,
        "a full terminal is not sent to again: {events:?}"
    );
    assert!(
        events.iter().any(|e| e == "hlr"),
        "the timer retried: {events:?}"
    );
    assert_eq!(events.last().map(String::as_str), Some("final"));
    assert_eq!(handset(&server, ALICE).await["state"], "memory_full");
    // Nothing reached the cell after the refusal.
    cell.send(AirFrame::Heartbeat { nonce: 7 }).await;
    assert_eq!(cell.recv().await, AirFrame::HeartbeatAck { nonce: 7 });
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn a_barred_subscriber_gets_nothing_and_an_undeliv_receipt() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let path = format!("/api/handsets/{ALICE}");
    let r = http(server.http, "PATCH", &path, Some(r#"{"barred":true}"#)).await;
    assert_eq!(r.json()["state"], "barred");
    let r = http(server.http, "PATCH", &path, Some(r#"{"barred":"yes"}"#)).await;
    assert!(r.error(400).contains("invalid JSON"));
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    esme.request(submit(ALICE, "should not arrive", 1)).await;
    let (stat, err) = receipt_stat_err(&esme.next_deliver().await);
    assert_eq!((stat.as_str(), err.as_str()), ("UNDELIV", "013"));
    // Nothing reached the cell: the next frame is the answer to a heartbeat.
    cell.send(AirFrame::Heartbeat { nonce: 1 }).await;
    assert_eq!(cell.recv().await, AirFrame::HeartbeatAck { nonce: 1 });
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn replace_if_present_replaces_the_stored_message() {
    let server = Server::start(HANDSETS, None).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let first = message_id(&esme.request(submit(ALICE, "code 111111", 1)).await);
    let mut sm = submit(ALICE, "code 222222", 1);
    sm.replace_if_present_flag = wire::smpp::rusmpp::values::ReplaceIfPresentFlag::Replace;
    let second = message_id(&esme.request(sm).await);
    let c = esme.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("expected a receipt")
    };
    let body = std::str::from_utf8(d.short_message().as_ref()).expect("ASCII");
    let r = wire::receipt::Receipt::parse(body).expect("receipt");
    assert_eq!(
        (r.id.as_str(), r.stat.as_str()),
        (first.as_str(), "DELETED")
    );
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let (reference, _, d) = cell.deliver().await;
    assert_eq!(text(&d), "code 222222");
    cell.send(AirFrame::DeliverAck { reference }).await;
    let c = esme.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("expected a receipt")
    };
    let body = std::str::from_utf8(d.short_message().as_ref()).expect("ASCII");
    let r = wire::receipt::Receipt::parse(body).expect("receipt");
    assert_eq!(
        (r.id.as_str(), r.stat.as_str()),
        (second.as_str(), "DELIVRD")
    );
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn data_sm_with_set_dpf_gets_an_alert_notification_when_the_handset_returns() {
    use wire::smpp::rusmpp::pdus::DataSm;
    use wire::smpp::rusmpp::types::COctetString;
    use wire::smpp::rusmpp::values::{MsAvailabilityStatus, Npi, RegisteredDelivery, SetDpf, Ton};
    let server = Server::start(HANDSETS, None).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let dsm = DataSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(COctetString::from_string("MyBank".to_owned()).expect("source"))
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(COctetString::from_string(ALICE.to_owned()).expect("dest"))
        .esm_class(wire::smpp::esm::esm_class(wire::smpp::esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(0))
        .data_coding(DataCoding::from(0))
        .push_tlv(MessageSubmissionRequestTlvValue::MessagePayload(
            MessagePayload::new(AnyOctetString::from_slice(b"pending")),
        ))
        .push_tlv(MessageSubmissionRequestTlvValue::SetDpf(SetDpf::Requested))
        .build();
    let resp = esme.request(dsm).await;
    assert_eq!(resp.status(), wire::smpp::rusmpp::CommandStatus::EsmeRok);
    // The first attempt must find Alice absent for the flag to be set.
    wait_for_hop(&server, ALICE, "retry").await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let alert = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let c = esme.recv_command().await;
            if let Some(Pdu::AlertNotification(a)) = c.pdu() {
                return a.clone();
            }
        }
    })
    .await
    .expect("alert_notification within 10 s");
    assert_eq!(alert.source_addr.as_str(), ALICE);
    assert_eq!(alert.esme_addr.as_str(), "MyBank");
    assert_eq!(
        alert.ms_availability_status(),
        Some(MsAvailabilityStatus::Available)
    );
    let (reference, _, d) = cell.deliver().await;
    assert_eq!(text(&d), "pending");
    cell.send(AirFrame::DeliverAck { reference }).await;
    drop(esme);
    server.stop().await;
}
