//! The air link itself against a fake switch: bad frames answered while the
//! link goes on, reconnect and re-attach after a drop, heartbeats and a
//! silent switch, detach on shutdown.

mod common;

use common::*;
use handset_sim::events::Event;
use wire::air::{AirErrorCode, AirFrame, RpCause};

#[tokio::test]
async fn bad_frames_get_an_error_frame_and_the_link_goes_on() {
    let (sim, _switch, mut conn) = connected().await;
    use tokio::io::AsyncWriteExt;
    // Version 9, type Heartbeat.
    let bad = [0, 0, 0, 6, 9, 0x50, 0, 0, 0, 1];
    within("raw write", conn.framed.get_mut().write_all(&bad))
        .await
        .expect("write");
    let AirFrame::Error { code, message } = conn.recv().await else {
        panic!("Error frame")
    };
    assert_eq!(code, AirErrorCode::UNSUPPORTED_VERSION, "{message}");

    conn.send(AirFrame::Attach {
        msisdn: ALICE.parse().expect("msisdn"),
        imsi: "234150000000101".parse().expect("imsi"),
        kind: wire::air::TerminalKind::Phone,
    })
    .await;
    let AirFrame::Error { code, .. } = conn.recv().await else {
        panic!("Error frame")
    };
    assert_eq!(code, AirErrorCode::UNEXPECTED_FRAME);

    let garbage = conn.deliver(3, ALICE, vec![0x00, 0xFF]).await;
    assert!(
        matches!(
            garbage,
            AirFrame::DeliverError {
                reference: 3,
                cause: RpCause::INVALID_MESSAGE,
                ..
            }
        ),
        "{garbage:?}"
    );

    conn.send(AirFrame::Heartbeat { nonce: 77 }).await;
    assert_eq!(conn.recv().await, AirFrame::HeartbeatAck { nonce: 77 });
    assert_eq!(
        conn.deliver(4, ALICE, sms("still here")).await,
        AirFrame::DeliverAck { reference: 4 }
    );
    let (_, health) = sim.get("/health").await;
    assert_eq!(health["link"], "up");
    sim.stop().await;
}

#[tokio::test]
async fn a_dropped_link_reconnects_and_reattaches_everyone() {
    let (mut sim, switch, conn) = connected().await;
    drop(conn);
    sim.event("link down", |e| {
        matches!(e, Event::Link { state: "down", .. }).then_some(())
    })
    .await;
    let (_, t) = sim.get(&format!("/api/terminals/{ALICE}")).await;
    assert_eq!(t["attached"], false);
    let mut conn = switch.accept(0).await;
    conn.attach(&[ALICE, BOB]).await;
    sim.registration(BOB, "attached").await;
    let (_, cell) = sim.get("/api/cell").await;
    assert_eq!(
        (cell["link"].as_str(), cell["connections"].as_u64()),
        (Some("up"), Some(2))
    );
    assert_eq!(
        conn.deliver(1, ALICE, sms("after the reconnect")).await,
        AirFrame::DeliverAck { reference: 1 }
    );
    sim.stop().await;
}

#[tokio::test]
async fn heartbeats_flow_and_a_silent_switch_is_left() {
    let switch = FakeSwitch::bind().await;
    let mut sim = Sim::start(config(switch.addr())).await;
    let mut conn = switch.accept(1).await;
    conn.attach(&[ALICE, BOB]).await;
    // The cell beats every second; say nothing back and it gives up after three.
    let beat = within("a heartbeat", async {
        loop {
            match futures::StreamExt::next(&mut conn.framed).await {
                Some(Ok(wire::air::AirInbound::Frame(AirFrame::Heartbeat { nonce }))) => {
                    return nonce;
                }
                Some(_) => {}
                None => panic!("the cell closed the link before a heartbeat"),
            }
        }
    })
    .await;
    assert!(beat >= 1);
    let reason = sim
        .event("link down", |e| match e {
            Event::Link {
                state: "down",
                reason,
            } => reason.clone(),
            _ => None,
        })
        .await;
    assert!(reason.contains("no frame from the switch"), "{reason}");
    let mut again = switch.accept(0).await;
    again.attach(&[ALICE, BOB]).await;
    sim.stop().await;
}

#[tokio::test]
async fn shutdown_detaches_every_attached_terminal() {
    let (sim, _switch, mut conn) = connected().await;
    sim.stop().await;
    let mut detached = Vec::new();
    while let Some(frame) = conn.recv_or_closed().await {
        match frame {
            AirFrame::Detach { msisdn } => detached.push(msisdn.to_string()),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(detached, [ALICE, BOB]);
}
