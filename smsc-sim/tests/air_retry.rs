//! Scheduled retries over the air link: an attached terminal whose first
//! delivery fails for a passing reason (a temporary RP-cause, or no
//! deliver-ack before `deliver_timeout_s`) gets the message again when the
//! `delivery.retry_schedule_s` timer fires, with no attach or memory alert
//! in between, and the ESME gets DELIVRD for the second attempt.
//!
//! The switch runs on tokio's real clock here (its cells and ESMEs are real
//! sockets), so the schedule is `[1]` second and every wait is bounded.

mod common;

use std::time::{Duration, Instant};

use common::cell::*;
use common::http::*;
use common::*;
use wire::air::{AirErrorCode, AirFrame, RpCause};

/// The retry interval of [`HANDSETS`]; a redelivery sooner than this (less a
/// margin for timer granularity) came from something other than the timer.
const RETRY: Duration = Duration::from_millis(900);

async fn message(server: &Server, id: &str) -> serde_json::Value {
    let r = get(server.http, &format!("/api/messages/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// Delivered on the second attempt, and the second attempt came from the
/// retry timer, not an alert.
async fn delivered_by_the_timer(server: &Server, id: &str) {
    let m = message(server, id).await;
    assert_eq!(
        (m["state"].as_str(), m["attempts"].as_u64()),
        (Some("DELIVERED"), Some(2))
    );
    assert_eq!(
        hop_events(server, ALICE, id).await,
        [
            "accepted",
            "deliver",
            "deliver-error",
            "retry",
            "deliver",
            "deliver-ack",
            "final"
        ]
    );
}

#[tokio::test]
async fn a_temporary_rp_cause_is_retried_on_the_schedule_and_delivered() {
    let server = Server::start(HANDSETS, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let id = message_id(&esme.request(submit(ALICE, "code 303030", 1)).await);

    let (first, _, d) = cell.deliver().await;
    assert_eq!(text(&d), "code 303030");
    cell.send(AirFrame::DeliverError {
        reference: first,
        cause: RpCause::TEMPORARY_FAILURE,
        tpdu: vec![],
    })
    .await;
    let refused = Instant::now();
    // The cell sends nothing more: only the retry timer can bring it back.
    let (second, msisdn, d) = cell.deliver().await;
    let waited = refused.elapsed();
    assert!(
        waited >= RETRY,
        "redelivered after {waited:?}, before the retry interval"
    );
    assert_eq!(msisdn.as_str(), ALICE);
    assert_eq!(text(&d), "code 303030");
    assert_ne!(second, first, "a new attempt has a new reference");
    // A temporary cause other than 22 leaves the terminal attached.
    assert_eq!(handset(&server, ALICE).await["state"], "attached");
    cell.send(AirFrame::DeliverAck { reference: second }).await;
    let (stat, err) = receipt_stat_err(&esme.next_deliver().await);
    assert_eq!((stat.as_str(), err.as_str()), ("DELIVRD", "000"));

    delivered_by_the_timer(&server, &id).await;
    drop(esme);
    server.stop().await;
}

#[tokio::test]
async fn an_unanswered_deliver_times_out_and_the_timer_delivers_it() {
    let toml = format!("{CONFIG}\n{HANDSETS}").replace("[air]\n", "[air]\ndeliver_timeout_s = 1\n");
    let server = Server::start_toml(&toml, None).await;
    let mut cell = Cell::connect(server.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let mut esme = Peer::bound(server.smpp, "gateway", "gw-pw").await;
    let id = message_id(&esme.request(submit(ALICE, "code 404040", 1)).await);

    // The terminal never answers the first Deliver.
    let (first, _, _) = cell.deliver().await;
    let sent = Instant::now();
    let (second, _, d) = cell.deliver().await;
    let waited = sent.elapsed();
    // 1 s deliver timeout, then the 1 s retry interval.
    assert!(waited >= 2 * RETRY, "redelivered after {waited:?}");
    assert_eq!(text(&d), "code 404040");
    assert_ne!(second, first);
    // The late ack for the timed-out attempt resolves nothing.
    cell.send(AirFrame::DeliverAck { reference: first }).await;
    match cell.recv().await {
        AirFrame::Error { code, .. } => assert_eq!(code, AirErrorCode::UNEXPECTED_FRAME),
        other => panic!("expected an Error for the stale reference, got {other:?}"),
    }
    cell.send(AirFrame::DeliverAck { reference: second }).await;
    assert_eq!(receipt_stat_err(&esme.next_deliver().await).0, "DELIVRD");

    delivered_by_the_timer(&server, &id).await;
    drop(esme);
    server.stop().await;
}
