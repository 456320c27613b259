//! Serving a router on a listener with the limits a public endpoint needs,
//! which `axum::serve` does not set: at most [`Limits::max_connections`]
//! at once (more are closed at accept, counted in the log), a client must
//! send each request's headers within [`Limits::header_timeout`] (a
//! slowloris trickle ends there), a connection silent both ways for
//! [`Limits::idle_timeout`] closes (one that never sends a byte, an idle
//! keep-alive),
//! and at shutdown the listener closes, requests in flight get the grace
//! period, then every connection closes. Each request carries the peer's
//! [`ConnectInfo`] as with `into_make_service_with_connect_info`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use axum::serve::Listener;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::idle::IdleTimeout;

/// Per-listener limits (`[http] max_connections`, `header_timeout_s`,
/// `idle_timeout_s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    /// No byte either way for this long closes the connection.
    pub idle_timeout: Duration,
}

/// Serves `router` on `listener` until `shutdown`, then drains for at
/// most `grace`.
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
    let refused = AtomicU64::new(0);
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
        let (io, addr) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            let n = refused.fetch_add(1, Ordering::Relaxed) + 1;
            // Logged at powers of two: a flood must not flood the log too.
            if n.is_power_of_two() {
                tracing::warn!(
                    refused = n,
                    max = limits.max_connections,
                    "connection limit reached; closing new connections"
                );
            }
            continue;
        };
        let service =
            TowerToHyperService::new(router.clone().layer(axum::Extension(ConnectInfo(addr))));
        let conn = builder
            .serve_connection_with_upgrades(
                TokioIo::new(IdleTimeout::new(io, limits.idle_timeout)),
                service,
            )
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // Errors are the client's (reset, timeout, bad request): hyper
            // has already answered what could be answered.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the grace period; closing them");
    }
}
