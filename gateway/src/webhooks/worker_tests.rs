//! Worker tests: a real [`WebhookWorker`] against the receiver and in-memory outbox of
//! `harness`. Delays are real but short (poll 5 ms, backoff 10 ms doubling to at most
//! 40 ms); the tests wait on events, each bounded by a timeout.

mod harness;

use std::time::Duration;

use axum::http::StatusCode;
use tokio_util::sync::CancellationToken;

use super::*;
use harness::{
    MemOutbox, Recorded, SECRET, next, receiver, start, start_trusting, tls_receiver, unix_now,
};

#[tokio::test]
async fn delivers_once_on_200_with_signed_headers() {
    let cancel = CancellationToken::new();
    let (url, mut seen) = receiver(&[], &cancel).await;
    let (outbox, mut events) = MemOutbox::new();
    outbox.push(1, &url);
    let worker = start(&outbox, 5, &cancel);
    assert_eq!(next(&mut events).await, Recorded::Delivered(1));
    let (headers, body) = next(&mut seen).await;
    assert_eq!(body, r#"{"event":"payment.succeeded","n":1}"#);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers[EVENT_ID_HEADER], "evt_1");
    let signature = headers[SIGNATURE_HEADER].to_str().unwrap();
    assert!(verify(
        SECRET,
        signature,
        body.as_bytes(),
        unix_now(),
        Duration::from_secs(60)
    ));
    assert!(!verify(
        b"wrong",
        signature,
        body.as_bytes(),
        unix_now(),
        Duration::from_secs(60)
    ));

    // A second item woken in: the receiver then has seen exactly one more request, not a resend.
    outbox.push(2, &url);
    worker.wake();
    assert_eq!(next(&mut events).await, Recorded::Delivered(2));
    assert_eq!(next(&mut seen).await.0[EVENT_ID_HEADER], "evt_2");
    assert!(seen.try_recv().is_err(), "item 1 was sent only once");
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), worker.stopped())
        .await
        .expect("worker stops");
}

#[tokio::test]
async fn retries_after_500_then_delivers() {
    let cancel = CancellationToken::new();
    let (url, mut seen) = receiver(&[StatusCode::INTERNAL_SERVER_ERROR], &cancel).await;
    let (outbox, mut events) = MemOutbox::new();
    outbox.push(7, &url);
    let _worker = start(&outbox, 5, &cancel);
    assert_eq!(
        next(&mut events).await,
        Recorded::Retry { id: 7, attempts: 1 }
    );
    assert_eq!(next(&mut events).await, Recorded::Delivered(7));
    let first = next(&mut seen).await;
    let second = next(&mut seen).await;
    assert_eq!(first.0[EVENT_ID_HEADER], second.0[EVENT_ID_HEADER]);
    assert_eq!(first.1, second.1);
    assert!(seen.try_recv().is_err());
    cancel.cancel();
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let cancel = CancellationToken::new();
    let (url, mut seen) = receiver(&[StatusCode::SERVICE_UNAVAILABLE; 10], &cancel).await;
    let (outbox, mut events) = MemOutbox::new();
    outbox.push(3, &url);
    let _worker = start(&outbox, 3, &cancel);
    assert_eq!(
        next(&mut events).await,
        Recorded::Retry { id: 3, attempts: 1 }
    );
    assert_eq!(
        next(&mut events).await,
        Recorded::Retry { id: 3, attempts: 2 }
    );
    assert_eq!(next(&mut events).await, Recorded::GaveUp(3));
    for _ in 0..3 {
        next(&mut seen).await;
    }
    assert!(seen.try_recv().is_err(), "no attempt after giving up");
    cancel.cancel();
}

#[tokio::test]
async fn unreachable_receiver_counts_as_a_failed_attempt() {
    let cancel = CancellationToken::new();
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let (outbox, mut events) = MemOutbox::new();
    outbox.push(4, &url);
    let _worker = start(&outbox, 2, &cancel);
    assert_eq!(
        next(&mut events).await,
        Recorded::Retry { id: 4, attempts: 1 }
    );
    assert_eq!(next(&mut events).await, Recorded::GaveUp(4));
    cancel.cancel();
}

#[test]
fn backoff_doubles_from_base_and_caps() {
    let c = WebhookConfig::default();
    assert_eq!(c.backoff(1), Duration::from_secs(10));
    assert_eq!(c.backoff(2), Duration::from_secs(20));
    assert_eq!(c.backoff(9), Duration::from_secs(2560));
    assert_eq!(c.backoff(10), Duration::from_secs(3600));
    assert_eq!(c.backoff(u32::MAX), Duration::from_secs(3600));
    assert_eq!(c.backoff(0), Duration::from_secs(10));
}

#[test]
fn debug_never_shows_the_secret() {
    let (outbox, _events) = MemOutbox::new();
    outbox.push(1, "http://127.0.0.1:1/");
    let shown = format!("{:?}", outbox.rows.lock().unwrap()[0].item);
    assert!(
        shown.contains("<redacted>") && !shown.contains("whsec"),
        "{shown}"
    );
}

#[tokio::test]
async fn delivers_over_https_when_the_receiver_is_trusted() {
    let cancel = CancellationToken::new();
    let (url, ca_pem, mut seen) = tls_receiver(&cancel).await;
    assert!(url.starts_with("https://"));

    // An unknown CA: the TLS handshake fails, which is a failed attempt.
    let (outbox, mut events) = MemOutbox::new();
    outbox.push(1, &url);
    let untrusting = start(&outbox, 1, &cancel);
    assert_eq!(next(&mut events).await, Recorded::GaveUp(1));
    assert!(seen.try_recv().is_err(), "nothing reached the receiver");
    drop(untrusting);

    // `[webhooks] ca_pem_path` trusts it: delivered, signed, once.
    let (outbox, mut events) = MemOutbox::new();
    outbox.push(2, &url);
    let worker = start_trusting(&outbox, 3, &cancel, &[&ca_pem]);
    assert_eq!(next(&mut events).await, Recorded::Delivered(2));
    let (headers, body) = next(&mut seen).await;
    assert_eq!(headers[EVENT_ID_HEADER], "evt_2");
    assert!(verify(
        SECRET,
        headers[SIGNATURE_HEADER].to_str().unwrap(),
        body.as_bytes(),
        unix_now(),
        Duration::from_secs(60)
    ));
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), worker.stopped())
        .await
        .expect("worker stops");
}
