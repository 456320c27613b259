//! What the SMSC sends: receipts, MO, unbind, malformed PDUs.

use std::sync::atomic::Ordering::SeqCst;

use wire::{
    esme::{DisconnectReason, EsmeError, Event},
    smpp::esm,
    smpp::rusmpp::{
        Command, CommandId, CommandStatus, Pdu,
        pdus::{AlertNotification, DataSm, DeliverSm},
        types::{COctetString, OctetString},
        values::MessageState,
    },
};

use crate::{
    connect, next_event,
    responder::{Script, Smsc, raw_pdu},
    submit,
};

#[tokio::test]
async fn receipt_is_acknowledged_and_reported() {
    let smsc = Smsc::memory(Script {
        receipts: true,
        ..Script::default()
    });
    let (esme, mut events) = connect(smsc.config()).await;
    let submitted = esme.submit_sm(submit(1)).await.unwrap();
    let event = next_event(&mut events).await;
    let receipt = event.receipt().expect("a receipt");
    assert_eq!(
        receipt.receipted_message_id.as_deref(),
        Some(submitted.message_id.as_str())
    );
    assert_eq!(receipt.message_state, Some(MessageState::Delivered));
    assert!(receipt.text.starts_with(b"id:m1 "));
    smsc.seen
        .wait("deliver_sm_resp", |s| {
            !s.responses_of(CommandId::DeliverSmResp).is_empty()
        })
        .await;
    assert_eq!(
        smsc.seen.responses_of(CommandId::DeliverSmResp),
        vec![(CommandStatus::EsmeRok, 1001)]
    );
}

#[tokio::test]
async fn mobile_originated_message_is_not_a_receipt() {
    let smsc = Smsc::memory(Script::default());
    let (_esme, mut events) = connect(smsc.config()).await;
    let mo = DeliverSm::builder()
        .esm_class(esm::esm_class(esm::DEFAULT))
        .source_addr(COctetString::from_string("447900000001".into()).unwrap())
        .short_message(OctetString::from_slice(b"PIN 4321").unwrap())
        .build();
    smsc.inject_command(Command::new(CommandStatus::EsmeRok, 55, Pdu::DeliverSm(mo)));
    match next_event(&mut events).await {
        Event::DeliverSm(sm) => {
            assert_eq!(sm.short_message().as_ref(), b"PIN 4321");
            assert!(Event::DeliverSm(sm).receipt().is_none());
        }
        other => panic!("expected DeliverSm, got {other:?}"),
    }
    smsc.seen
        .wait("deliver_sm_resp", |s| {
            !s.responses_of(CommandId::DeliverSmResp).is_empty()
        })
        .await;
    assert_eq!(
        smsc.seen.responses_of(CommandId::DeliverSmResp),
        vec![(CommandStatus::EsmeRok, 55)]
    );
}

/// A deliver_sm body whose source_addr is not ASCII.
fn deliver_sm_with_bad_source() -> Vec<u8> {
    let mut body = vec![0u8]; // service_type
    body.extend([0, 0, 0xFF, 0]); // ton, npi, source_addr "\xFF"
    body.extend([1, 1]);
    body.extend(b"447900000001\0");
    body.extend([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // esm_class .. sm_default_msg_id
    body.push(0); // sm_length
    body
}

#[tokio::test]
async fn malformed_pdus_are_answered_and_the_session_survives() {
    let smsc = Smsc::memory(Script::default());
    let (esme, mut events) = connect(smsc.config()).await;
    smsc.inject(raw_pdu(0x0000_0999, 71, &[])); // unknown command_id
    smsc.inject(raw_pdu(0x0000_0005, 72, &[0, 1])); // deliver_sm cut short
    smsc.inject(raw_pdu(0x0000_0005, 73, &deliver_sm_with_bad_source()));
    smsc.seen
        .wait("three answers", |s| s.responses.lock().unwrap().len() == 3)
        .await;
    let nacks = smsc.seen.responses_of(CommandId::GenericNack);
    assert_eq!(
        nacks,
        vec![
            (CommandStatus::EsmeRinvcmdid, 71),
            (CommandStatus::EsmeRinvcmdlen, 72)
        ]
    );
    assert_eq!(
        smsc.seen.responses_of(CommandId::DeliverSmResp),
        vec![(CommandStatus::EsmeRinvsrcadr, 73)]
    );
    assert!(esme.submit_sm(submit(1)).await.is_ok(), "still bound");
    assert!(events.try_recv().is_none(), "malformed PDUs are not events");
}

#[tokio::test]
async fn peer_unbind_is_answered_then_the_esme_rebinds() {
    let smsc = Smsc::memory(Script::default());
    let mut config = crate::quick(smsc.config());
    config.reconnect_on_peer_unbind = true;
    let (esme, mut events) = connect(config).await;
    smsc.inject(raw_pdu(0x0000_0006, 90, &[]));
    let event = next_event(&mut events).await;
    assert!(
        matches!(event, Event::Disconnected(DisconnectReason::PeerUnbind)),
        "{event:?}"
    );
    assert_eq!(
        smsc.seen.responses_of(CommandId::UnbindResp),
        vec![(CommandStatus::EsmeRok, 90)]
    );
    assert!(matches!(next_event(&mut events).await, Event::Bound(_)));
    assert!(esme.submit_sm(submit(1)).await.is_ok());
    assert_eq!(smsc.seen.connections.load(SeqCst), 2);
}

#[tokio::test]
async fn peer_unbind_can_close_for_good() {
    let smsc = Smsc::memory(Script::default());
    let mut config = smsc.config();
    config.reconnect_on_peer_unbind = false;
    let (esme, mut events) = connect(config).await;
    smsc.inject(raw_pdu(0x0000_0006, 91, &[]));
    assert!(matches!(
        next_event(&mut events).await,
        Event::Disconnected(DisconnectReason::PeerUnbind)
    ));
    assert!(events.recv().await.is_none());
    esme.closed().await;
    assert!(matches!(
        esme.submit_sm(submit(1)).await,
        Err(EsmeError::Closed)
    ));
}

#[tokio::test]
async fn data_sm_and_alert_notification_become_events() {
    let smsc = Smsc::memory(Script::default());
    let (_esme, mut events) = connect(smsc.config()).await;
    let mut data_sm = DataSm::default();
    data_sm.esm_class = esm::esm_class(esm::DEFAULT);
    smsc.inject_command(Command::new(
        CommandStatus::EsmeRok,
        60,
        Pdu::DataSm(data_sm),
    ));
    smsc.inject_command(Command::new(
        CommandStatus::EsmeRok,
        61,
        Pdu::AlertNotification(AlertNotification::default()),
    ));
    assert!(matches!(next_event(&mut events).await, Event::DataSm(_)));
    assert!(matches!(
        next_event(&mut events).await,
        Event::AlertNotification(_)
    ));
    smsc.seen
        .wait("data_sm_resp", |s| !s.responses.lock().unwrap().is_empty())
        .await;
    assert_eq!(
        *smsc.seen.responses.lock().unwrap(),
        vec![(CommandId::DataSmResp, CommandStatus::EsmeRok, 60)],
        "alert_notification has no response"
    );
}

#[tokio::test]
async fn operations_an_smsc_may_not_send_are_refused() {
    let smsc = Smsc::memory(Script::default());
    let (esme, _events) = connect(smsc.config()).await;
    smsc.inject_command(Command::new(
        CommandStatus::EsmeRok,
        62,
        Pdu::SubmitSm(submit(1)),
    ));
    smsc.seen
        .wait("submit_sm_resp", |s| {
            !s.responses.lock().unwrap().is_empty()
        })
        .await;
    assert_eq!(
        smsc.seen.responses_of(CommandId::SubmitSmResp),
        vec![(CommandStatus::EsmeRinvbndsts, 62)]
    );
    assert!(esme.submit_sm(submit(2)).await.is_ok());
}
