//! The admin HTTP API (axum): stats, message search, subscriber and fault
//! rule management, MO injection, handsets with their live state and
//! history, SIM swap checks, and Prometheus `/metrics`. The only module
//! that knows axum and JSON.
//!
//! [`router`] builds one [`Router`] over an [`AppState`] (the shared
//! [`Core`] and the [`Hlr`]); each resource lives in its own submodule and
//! answers through [`ApiError`], so every failure is `{"error": "..."}` with a
//! status that says whose fault it was. Requests pass a body limit
//! ([`MAX_BODY`]) and a deadline ([`REQUEST_TIMEOUT`]) before any handler;
//! [`serve`] runs the router with connection limits and time-outs.

mod billing;
mod error;
mod extract;
mod faults;
mod handsets;
mod messages;
mod metrics;
mod mo;
mod stats;
mod subscribers;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::json;
use tokio::time::Instant;

use crate::core::Core;
use crate::hlr::Hlr;
pub use error::ApiError;
/// The listener limits (`[http]` in the config), served by [`serve`].
pub use http_serve::{Limits as HttpLimits, serve};

/// Largest request body accepted; bigger ones get 413.
pub const MAX_BODY: usize = 64 * 1024;
/// A request not answered by then gets 503 (a stuck store must not pile up
/// admin requests forever).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct AppState {
    pub core: Arc<Core>,
    pub hlr: Arc<Hlr>,
}

/// The admin API over `core` and `hlr`. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` to log peers.
pub fn router(core: Arc<Core>) -> Router {
    let hlr = Arc::clone(&core.hlr);
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics::metrics))
        .route("/api/stats", get(stats::stats))
        .route("/api/messages", get(messages::search))
        .route("/api/messages/{id}", get(messages::one))
        .route("/api/subscribers", get(subscribers::list))
        .route(
            "/api/subscribers/{number}",
            put(subscribers::upsert).delete(subscribers::remove),
        )
        .route(
            "/api/faults",
            get(faults::list).post(faults::add).put(faults::replace_all),
        )
        .route("/api/faults/{id}", delete(faults::remove))
        .route("/api/mo", post(mo::inject))
        .route("/api/handsets", get(handsets::list))
        .route(
            "/api/handsets/{msisdn}",
            get(handsets::one).patch(handsets::set_flags),
        )
        .route("/api/numbers/{number}/history", get(handsets::history))
        .route("/api/cells", get(handsets::cells))
        .route("/sim-swap/v1/check", post(handsets::swap_check))
        .route("/sim-swap/v1/retrieve-date", post(handsets::swap_date))
        .merge(billing::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(AppState { core, hlr })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(deadline_and_log))
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn not_found(req: Request) -> ApiError {
    ApiError::NotFound(format!(
        "no such endpoint: {} {}",
        req.method(),
        req.uri().path()
    ))
}

async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{} is not allowed on {}",
        req.method(),
        req.uri().path()
    ))
}

/// Applies [`REQUEST_TIMEOUT`] and logs each request at debug level.
async fn deadline_and_log(req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(REQUEST_TIMEOUT).into_response(),
    };
    tracing::debug!(
        ?peer,
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "admin request"
    );
    response
}
