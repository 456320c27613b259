//! The air link itself and what comes up it, with a scripted cell:
//! mobile-originated SMS to an ESME with a status report back, MO durability
//! across a restart, SIM swap checks, a bad frame, and a cell that goes away.

mod common;

use std::time::Duration;

use common::cell::*;
use common::http::*;
use common::*;
use wire::air::{AirFrame, RpCause};
use wire::smpp::rusmpp::Pdu;
use wire::tpdu::{Alphabet, DataCodingScheme, MtTpdu, SmsSubmit, TpAddress, UserData, decode_mt};
#[tokio::test]
async fn mo_from_the_handset_reaches_the_esme_and_the_status_report_comes_back() {
    let server = Server::start(HANDSETS, None).await;
    let mut esme = Peer::bound(server.smpp, "shortcd", "sc-pw").await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let sms = SmsSubmit {
        reject_duplicates: false,
        reply_path: false,
        status_report_request: true,
        message_reference: 42,
        destination_address: TpAddress::national("12345"),
        protocol_identifier: 0,
        dcs: DataCodingScheme::new(Alphabet::Gsm7, None),
        validity_period: None,
        user_data: UserData::text("YES 4821"),
    };
    cell.send(AirFrame::Submit {
        reference: 7,
        msisdn: ALICE.parse().expect("msisdn"),
        tpdu: sms.encode().expect("encodes"),
    })
    .await;
    assert_eq!(cell.recv().await, AirFrame::SubmitAck { reference: 7 });
    let c = esme.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("expected deliver_sm")
    };
    assert_eq!(d.source_addr.as_str(), ALICE);
    assert_eq!(d.destination_addr.as_str(), "12345");
    assert_eq!(d.short_message().as_ref(), b"YES 4821");
    match cell.recv().await {
        AirFrame::StatusReport { msisdn, tpdu } => {
            assert_eq!(msisdn.as_str(), ALICE);
            let MtTpdu::StatusReport(r) = decode_mt(&tpdu).expect("valid") else {
                panic!("expected SMS-STATUS-REPORT")
            };
            assert_eq!(r.message_reference, 42);
            assert!(r.status.is_success());
        }
        other => panic!("expected StatusReport, got {other:?}"),
    }
    // Nobody serves 99999: refused with "unassigned number".
    let mut bad = sms.clone();
    bad.destination_address = TpAddress::national("99999");
    cell.send(AirFrame::Submit {
        reference: 8,
        msisdn: ALICE.parse().expect("msisdn"),
        tpdu: bad.encode().expect("encodes"),
    })
    .await;
    assert_eq!(
        cell.recv().await,
        AirFrame::SubmitError {
            reference: 8,
            cause: RpCause::UNASSIGNED_NUMBER
        }
    );
    // Closing first spares the shutdown's unbind drain wait.
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn sim_swap_is_recorded_and_reported_camara_style() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let check = r#"{"phoneNumber":"+447700900101","maxAge":24}"#;
    let r = http(server.http, "POST", "/sim-swap/v1/check", Some(check)).await;
    assert_eq!(r.json()["swapped"], false, "the provisioned SIM is no swap");
    cell.attach(ALICE, "234159999999999").await;
    let r = http(server.http, "POST", "/sim-swap/v1/check", Some(check)).await;
    assert_eq!(r.json()["swapped"], true);
    let r = http(
        server.http,
        "POST",
        "/sim-swap/v1/retrieve-date",
        Some(r#"{"phoneNumber":"+447700900101"}"#),
    )
    .await;
    assert!(
        r.json()["latestSimChange"]
            .as_str()
            .is_some_and(|d| d.contains('T'))
    );
    let r = http(
        server.http,
        "POST",
        "/sim-swap/v1/check",
        Some(r#"{"phoneNumber":"447700900101"}"#),
    )
    .await;
    assert!(r.error(400).contains("E.164"));
    let r = http(
        server.http,
        "POST",
        "/sim-swap/v1/check",
        Some(r#"{"phoneNumber":"+447700900999"}"#),
    )
    .await;
    assert_eq!(r.status, 404);
    server.stop().await;
}

#[tokio::test]
async fn a_bad_frame_gets_an_error_and_a_lost_cell_detaches_its_handsets() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    // Unknown frame type 0x66, then a heartbeat: the link goes on.
    cell.io
        .get_mut()
        .try_write(&[0, 0, 0, 2, 1, 0x66])
        .expect("raw write");
    match cell.recv().await {
        AirFrame::Error { .. } => {}
        other => panic!("expected Error, got {other:?}"),
    }
    cell.send(AirFrame::Heartbeat { nonce: 9 }).await;
    assert_eq!(cell.recv().await, AirFrame::HeartbeatAck { nonce: 9 });
    // A frame only the switch sends is refused too.
    cell.send(AirFrame::SubmitAck { reference: 1 }).await;
    assert!(matches!(cell.recv().await, AirFrame::Error { .. }));
    drop(cell);
    tokio::time::timeout(Duration::from_secs(5), async {
        while handset(&server, ALICE).await["state"] != "detached" {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("detached once the cell is gone");
    // A new cell re-attaches; an unprovisioned number is auto-provisioned.
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    cell.attach("447700900555", "234150000000555").await;
    assert_eq!(handset(&server, "447700900555").await["state"], "attached");
    server.stop().await;
}

#[tokio::test]
async fn an_acknowledged_mo_survives_a_restart_while_no_receiver_is_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(HANDSETS, Some(dir.path())).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let sms = SmsSubmit {
        reject_duplicates: false,
        reply_path: false,
        status_report_request: false,
        message_reference: 1,
        destination_address: TpAddress::national("12345"),
        protocol_identifier: 0,
        dcs: DataCodingScheme::new(Alphabet::Ucs2, None),
        validity_period: None,
        user_data: UserData::text("确认 4821"),
    };
    cell.send(AirFrame::Submit {
        reference: 1,
        msisdn: ALICE.parse().expect("msisdn"),
        tpdu: sms.encode().expect("encodes"),
    })
    .await;
    assert_eq!(cell.recv().await, AirFrame::SubmitAck { reference: 1 });
    drop(cell);
    server.stop().await;

    let server = Server::start(HANDSETS, Some(dir.path())).await;
    let mut esme = Peer::bound(server.smpp, "shortcd", "sc-pw").await;
    let c = esme.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("expected deliver_sm")
    };
    assert_eq!(u8::from(d.data_coding), 0x08);
    let text = wire::text::decode(0x08, d.short_message().as_ref()).expect("UCS-2");
    assert_eq!(text, "确认 4821");
    drop(esme);
    server.stop().await;
}
