//! Serving an axum [`Router`] with the limits a listener open to the
//! world needs and `axum::serve` does not set. The gateway (checkout pages,
//! merchant API over mutual TLS), smsc-sim (admin API) and handset-sim
//! (phones API and page) all serve through [`serve`], each with the
//! `[http] max_connections`, `header_timeout_s` and `idle_timeout_s` of its
//! configuration:
//! - at most [`Limits::max_connections`] connections at once; more are
//!   closed at accept and counted in the log;
//! - each request's headers within [`Limits::header_timeout`] of its first
//!   byte, so a slowloris trickle ends there;
//! - a connection with no byte either way and no request being answered (a
//!   long poll or an event stream is) closes after [`Limits::idle_timeout`]
//!   ([`idle`]);
//! - a connection closed with request bytes unread (a 413) is drained for
//!   a moment first ([`linger`]), so the client gets the answer, not a reset;
//! - at shutdown the listener closes, requests in flight get `grace`, then
//!   the remaining connections close.
//!
//! [`shutdown_signal`] is the SIGINT/SIGTERM future the binaries hand to
//! their servers as the shutdown trigger.
//!
//! Each request carries the peer's [`ConnectInfo`], as with
//! `into_make_service_with_connect_info`. The listener is any
//! [`axum::serve::Listener`]: a plain `TcpListener`, or the gateway's TLS
//! listener.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::serve::Listener;
use futures::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub mod idle;
pub mod linger;
mod signal;

pub use signal::shutdown_signal;

use idle::{Busy, Watched};
use linger::{LINGER, Lingering};

/// Limits of one listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    /// No byte either way and no request being answered for this long
    /// closes the connection.
    pub idle_timeout: Duration,
}

/// Serves `router` on `listener` until `shutdown`, then drains for at most
/// `grace`.
pub async fn serve<L>(
    mut listener: L,
    router: Router,
    limits: Limits,
    shutdown: CancellationToken,
    grace: Duration,
) where
    L: Listener,
    L::Addr: Clone + Send + Sync + 'static,
{
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
        // axum's `Listener::accept` retries failed accepts (out of
        // descriptors) after a pause itself.
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
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
        let io = TokioIo::new(Lingering::new(
            Watched::new(stream, limits.idle_timeout, busy),
            LINGER,
        ));
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
fn per_connection<A>(router: &Router, peer: A, busy: Busy) -> Router
where
    A: Clone + Send + Sync + 'static,
{
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
