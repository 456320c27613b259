//! Serving the API and phones page with the limits `axum::serve` does not set
//! (`[http] max_connections`, `header_timeout_s`, `idle_timeout_s`):
//! at most [`HttpLimits::max_connections`] connections at once (more are
//! closed at accept, counted in the log), each request's headers within
//! [`HttpLimits::header_timeout`] of its first byte (a slowloris trickle
//! ends there), and a connection with no byte either way and no request
//! being answered (a long poll or an event stream is) for
//! [`HttpLimits::idle_timeout`] closes ([`idle`]). At
//! shutdown the listener closes, requests in flight get `grace`, then the
//! remaining connections close.
//!
//! [`idle`]: super::idle

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use futures::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::idle::{Busy, Watched};

/// Limits of the HTTP listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Serves `router` on `listener` until `shutdown`, then drains for at most
/// `grace`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    shutdown: CancellationToken,
    grace: Duration,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut refused: u64 = 0;
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_timeout);
    loop {
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of descriptors, most likely: wait instead of spinning.
                    tracing::warn!(error = %e, "HTTP accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            refused += 1;
            // Logged at powers of two: a flood must not flood the log too.
            if refused.is_power_of_two() {
                tracing::warn!(
                    refused,
                    max = limits.max_connections,
                    "HTTP connection limit reached; closing new connections"
                );
            }
            continue;
        };
        let busy = Busy::default();
        let service = TowerToHyperService::new(per_connection(&router, peer, busy.clone()));
        let io = TokioIo::new(Watched::new(stream, limits.idle_timeout, busy));
        let conn = graceful.watch(
            builder
                .serve_connection_with_upgrades(io, service)
                .into_owned(),
        );
        tokio::spawn(async move {
            // Errors are the client's (reset, timeout, bad request); hyper
            // has answered what could be answered.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("HTTP connections still open after the grace period; closing them");
    }
}

/// `router` for one connection: its requests see the peer's address and
/// mark the connection busy while they are answered, a streamed body (an
/// event stream) until it ends.
fn per_connection(router: &Router, peer: SocketAddr, busy: Busy) -> Router {
    router
        .clone()
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let guard = busy.enter();
            async move {
                let response = next.run(req).await;
                if response.body().size_hint().exact().is_some() {
                    return response;
                }
                let (parts, body) = response.into_parts();
                let chunks = body.into_data_stream().map(move |chunk| {
                    let _answering = &guard;
                    chunk
                });
                Response::from_parts(parts, Body::from_stream(chunks))
            }
        }))
        .layer(axum::Extension(ConnectInfo(peer)))
}
