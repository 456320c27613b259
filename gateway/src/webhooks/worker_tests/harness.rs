//! The worker tests' harness: an in-memory [`WebhookOutbox`] that reports every recorded
//! result on a channel, and a tiny axum receiver on 127.0.0.1:0 that answers scripted status
//! codes and reports each request it saw.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::webhooks::*;

pub(super) const SECRET: &[u8] = b"whsec_worker_test";

#[derive(Debug, PartialEq)]
pub(super) enum Recorded {
    Delivered(i64),
    Retry { id: i64, attempts: u32 },
    GaveUp(i64),
}

pub(super) struct Row {
    pub(super) item: OutboxItem,
    next_at: i64,
    done: bool,
}

pub(super) struct MemOutbox {
    pub(super) rows: Mutex<Vec<Row>>,
    events: mpsc::UnboundedSender<Recorded>,
}

impl MemOutbox {
    pub(super) fn new() -> (Arc<MemOutbox>, mpsc::UnboundedReceiver<Recorded>) {
        let (events, rx) = mpsc::unbounded_channel();
        (
            Arc::new(MemOutbox {
                rows: Mutex::new(Vec::new()),
                events,
            }),
            rx,
        )
    }

    pub(super) fn push(&self, id: i64, url: &str) {
        let item = OutboxItem {
            id,
            event_id: format!("evt_{id}"),
            url: url.to_owned(),
            body: format!(r#"{{"event":"payment.succeeded","n":{id}}}"#),
            secret: SECRET.to_vec(),
            attempts: 0,
        };
        self.rows.lock().unwrap().push(Row {
            item,
            next_at: 0,
            done: false,
        });
    }

    fn update(
        &self,
        id: i64,
        f: impl FnOnce(&mut Row),
        event: Recorded,
    ) -> Result<(), OutboxError> {
        let mut rows = self.rows.lock().unwrap();
        let row = rows.iter_mut().find(|r| r.item.id == id).expect("known id");
        f(row);
        let _ = self.events.send(event);
        Ok(())
    }
}

impl WebhookOutbox for MemOutbox {
    fn due(&self, now: i64, limit: usize) -> BoxFuture<'_, Result<Vec<OutboxItem>, OutboxError>> {
        let rows = self.rows.lock().unwrap();
        let due = rows
            .iter()
            .filter(|r| !r.done && r.next_at <= now)
            .take(limit);
        let items = due.map(|r| r.item.clone()).collect();
        Box::pin(async move { Ok(items) })
    }
    fn delivered(&self, id: i64, _at: i64) -> BoxFuture<'_, Result<(), OutboxError>> {
        let r = self.update(id, |r| r.done = true, Recorded::Delivered(id));
        Box::pin(async move { r })
    }
    fn retry(
        &self,
        id: i64,
        attempts: u32,
        next_at: i64,
    ) -> BoxFuture<'_, Result<(), OutboxError>> {
        let set = |r: &mut Row| {
            r.item.attempts = attempts;
            r.next_at = next_at;
        };
        let r = self.update(id, set, Recorded::Retry { id, attempts });
        Box::pin(async move { r })
    }
    fn give_up(&self, id: i64, _at: i64) -> BoxFuture<'_, Result<(), OutboxError>> {
        let r = self.update(id, |r| r.done = true, Recorded::GaveUp(id));
        Box::pin(async move { r })
    }
}

/// What the receiver saw: headers and body of each request.
pub(super) type Seen = mpsc::UnboundedReceiver<(HeaderMap, String)>;

struct Receiver {
    replies: Mutex<VecDeque<StatusCode>>,
    seen: mpsc::UnboundedSender<(HeaderMap, String)>,
}

async fn hook(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: String) -> StatusCode {
    let _ = rx.seen.send((headers, body));
    rx.replies
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(StatusCode::OK)
}

/// Starts a receiver answering `replies` in order, then 200; returns its URL.
pub(super) async fn receiver(replies: &[StatusCode], cancel: &CancellationToken) -> (String, Seen) {
    let (seen, rx) = mpsc::unbounded_channel();
    let replies = Mutex::new(replies.iter().copied().collect());
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(Arc::new(Receiver { replies, seen }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let stop = cancel.clone();
    tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned());
        served.await.unwrap();
    });
    (url, rx)
}

/// As [`receiver`], over HTTPS with a certificate from a fresh CA, which
/// the system does not trust; returns the URL and that CA's PEM.
pub(super) async fn tls_receiver(cancel: &CancellationToken) -> (String, String, Seen) {
    let dir = tempfile::tempdir().unwrap();
    let ca = crate::pki::Ca::load_or_create(dir.path()).unwrap();
    let leaf = crate::pki::server_cert(&ca, &[]).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        crate::pki::tls::parse_certs(&leaf.cert_pem).unwrap(),
        crate::pki::tls::parse_key(&leaf.key_pem).unwrap(),
    )
    .unwrap();
    let (seen, rx) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(Arc::new(Receiver {
            replies: Mutex::new(VecDeque::new()),
            seen,
        }));
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/hook", tcp.local_addr().unwrap());
    let limits = crate::http::serve::Limits {
        max_connections: 16,
        header_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
    };
    let listener = crate::http::mtls::MtlsListener::new(tcp, Arc::new(config), &limits).unwrap();
    let stop = cancel.clone();
    tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned());
        served.await.unwrap();
    });
    (url, ca.cert_pem(), rx)
}

fn config(max_attempts: u32) -> WebhookConfig {
    WebhookConfig {
        poll_interval: Duration::from_millis(5),
        request_timeout: Duration::from_secs(5),
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(40),
        max_attempts,
        ..WebhookConfig::default()
    }
}

pub(super) async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    let got = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await;
    got.expect("event within 10 s").expect("channel open")
}

pub(super) fn start(
    outbox: &Arc<MemOutbox>,
    max_attempts: u32,
    cancel: &CancellationToken,
) -> WebhookWorker {
    start_trusting(outbox, max_attempts, cancel, &[])
}

/// As [`start`], trusting the certificates of `roots_pem` for https://.
pub(super) fn start_trusting(
    outbox: &Arc<MemOutbox>,
    max_attempts: u32,
    cancel: &CancellationToken,
    roots_pem: &[&str],
) -> WebhookWorker {
    let outbox: Arc<dyn WebhookOutbox> = outbox.clone();
    let config = WebhookConfig {
        extra_roots: roots_pem
            .iter()
            .map(|pem| reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
            .collect(),
        ..config(max_attempts)
    };
    WebhookWorker::spawn(outbox, config, cancel.child_token()).unwrap()
}

pub(super) fn unix_now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_secs()).unwrap()
}
