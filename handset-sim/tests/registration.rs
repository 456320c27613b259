//! Terminal state on the air link: power and coverage detach and
//! re-attach, attach rejects, SIM swap, and MO messages with their acks,
//! errors and status reports.

mod common;

use common::*;
use handset_sim::events::Event;
use serde_json::json;
use wire::air::{AirFrame, RpCause};
use wire::tpdu::{
    SmsStatusReport, SmsSubmit, Timestamp, TpAddress, TpStatus, TypeOfNumber, UserDataBody,
};

#[tokio::test]
async fn power_and_coverage_detach_and_reattach() {
    let (mut sim, _switch, mut conn) = connected().await;
    let alice: wire::msisdn::Msisdn = ALICE.parse().expect("msisdn");
    let (status, t) = sim
        .post(
            &format!("/api/terminals/{ALICE}/power"),
            json!({"on": false}),
        )
        .await;
    assert_eq!(
        (status, t["attached"].as_bool(), t["power"].as_bool()),
        (200, Some(false), Some(false))
    );
    assert_eq!(
        conn.recv().await,
        AirFrame::Detach {
            msisdn: alice.clone()
        }
    );
    let AirFrame::DeliverError { cause, .. } = conn.deliver(5, ALICE, sms("too late")).await else {
        panic!("a switched-off terminal cannot take a message")
    };
    assert_eq!(cause, RpCause::DESTINATION_OUT_OF_ORDER);
    let (status, body) = sim
        .post(
            &format!("/api/terminals/{ALICE}/send"),
            json!({"to": "+447700900999", "text": "hi"}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("switched off")),
        "{body}"
    );

    sim.post(
        &format!("/api/terminals/{ALICE}/power"),
        json!({"on": true}),
    )
    .await;
    conn.attach(&[ALICE]).await;
    sim.registration(ALICE, "attached").await;
    sim.post(
        &format!("/api/terminals/{ALICE}/coverage"),
        json!({"in": false}),
    )
    .await;
    assert_eq!(
        conn.recv().await,
        AirFrame::Detach {
            msisdn: alice.clone()
        }
    );
    sim.post(
        &format!("/api/terminals/{ALICE}/coverage"),
        json!({"in": true}),
    )
    .await;
    conn.attach(&[ALICE]).await;
    sim.stop().await;
}

#[tokio::test]
async fn attach_reject_is_recorded_and_sim_swap_attaches_with_a_new_imsi() {
    let switch = FakeSwitch::bind().await;
    let mut sim = Sim::start(config(switch.addr())).await;
    let mut conn = switch.accept(0).await;
    let AirFrame::Attach { msisdn, imsi, .. } = conn.recv().await else {
        panic!("Attach")
    };
    conn.send(AirFrame::AttachReject {
        msisdn,
        cause: RpCause::UNKNOWN_SUBSCRIBER,
    })
    .await;
    conn.attach(&[BOB]).await;
    sim.registration(ALICE, "rejected").await;
    let (_, t) = sim.get(&format!("/api/terminals/{ALICE}")).await;
    assert_eq!(
        (t["reject_cause"].as_u64(), t["attached"].as_bool()),
        (Some(30), Some(false))
    );

    let (status, t) = sim
        .post(&format!("/api/terminals/{BOB}/sim-swap"), json!({}))
        .await;
    assert_eq!(status, 200);
    let new_imsi = t["imsi"].as_str().expect("imsi").to_owned();
    assert!(
        new_imsi.starts_with("23415") && new_imsi != "234150000000102",
        "{new_imsi}"
    );
    assert_eq!(
        conn.recv().await,
        AirFrame::Detach {
            msisdn: BOB.parse().expect("msisdn")
        }
    );
    let swapped = conn.attach(&[BOB]).await;
    assert_eq!(swapped, [new_imsi]);
    assert_ne!(imsi.as_str(), "");
    sim.stop().await;
}

#[tokio::test]
async fn mo_messages_go_as_submits_and_settle_with_acks_and_reports() {
    let (mut sim, _switch, mut conn) = connected().await;
    let body = json!({"to": "+447700900999", "text": "YES 1234", "status_report": true});
    let (status, answer) = sim
        .post(&format!("/api/terminals/{ALICE}/send"), body)
        .await;
    assert_eq!(status, 202, "{answer}");
    let reference = answer["reference"].as_u64().expect("reference") as u32;
    let AirFrame::Submit {
        reference: r,
        msisdn,
        tpdu,
    } = conn.recv().await
    else {
        panic!("Submit")
    };
    assert_eq!((r, msisdn.as_str()), (reference, ALICE));
    let submit = SmsSubmit::decode(&tpdu).expect("a decodable SMS-SUBMIT");
    assert_eq!(submit.destination_address.ton, TypeOfNumber::International);
    assert_eq!(submit.destination_address.value, "447700900999");
    assert_eq!(submit.user_data.body, UserDataBody::Text("YES 1234".into()));
    assert!(submit.status_report_request);

    conn.send(AirFrame::SubmitAck { reference }).await;
    sim.event("sent", |e| {
        matches!(e, Event::Sent { reference: r, .. } if *r == reference).then_some(())
    })
    .await;
    let now = Timestamp::from_offset_datetime(time::OffsetDateTime::now_utc()).expect("now");
    let report = SmsStatusReport {
        more_messages_to_send: false,
        status_report_qualifier: false,
        message_reference: submit.message_reference,
        recipient_address: TpAddress::international("447700900999"),
        service_centre_timestamp: now,
        discharge_time: now,
        status: TpStatus::RECEIVED,
        protocol_identifier: None,
        dcs: None,
        user_data: None,
    };
    conn.send(AirFrame::StatusReport {
        msisdn,
        tpdu: report.encode().expect("encodable"),
    })
    .await;
    let delivered = sim
        .event("status-report", |e| match e {
            Event::StatusReport {
                reference: Some(r),
                report,
                text,
                ..
            } if *r == reference => Some((report.delivered, text.clone())),
            _ => None,
        })
        .await;
    assert_eq!(delivered, (true, Some("YES 1234".into())));
    let (_, sent) = sim.get(&format!("/api/terminals/{ALICE}/sent")).await;
    assert_eq!(
        (
            sent[0]["state"].as_str(),
            sent[0]["report"]["delivered"].as_bool()
        ),
        (Some("accepted"), Some(true))
    );

    sim.post(
        &format!("/api/terminals/{ALICE}/send"),
        json!({"to": "12345", "text": "STOP"}),
    )
    .await;
    let AirFrame::Submit { reference, .. } = conn.recv().await else {
        panic!("Submit")
    };
    conn.send(AirFrame::SubmitError {
        reference,
        cause: RpCause::CALL_BARRED,
    })
    .await;
    let cause = sim
        .event("send-failed", |e| match e {
            Event::SendFailed {
                reference: r,
                cause,
                ..
            } if *r == reference => Some(*cause),
            _ => None,
        })
        .await;
    assert_eq!(cause, Some(10));
    sim.stop().await;
}
