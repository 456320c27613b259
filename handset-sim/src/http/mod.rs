//! The HTTP API (axum), the event stream and the phones page. The only
//! module that knows axum and JSON.
//!
//! [`router`] builds one [`Router`] over an [`AppState`] (the [`Cell`] and
//! the shutdown token, which ends event streams and long polls so a
//! graceful shutdown is not held up). Resources: `terminals` (list,
//! create, delete, power, coverage, capacity, SIM swap), `inbox` (inbox,
//! long polls), `send` (MO messages), `events` (SSE) and [`phones`]
//! (the page, `/`, `/phones`, `/assets/*`). Every failure is an
//! [`ApiError`]: `{"error": "..."}` with a status that says whose fault it
//! was. Bodies over [`MAX_BODY`] get 413. [`serve`] runs the router with
//! connection limits and time-outs (a long poll keeps its connection from
//! counting as idle).

mod error;
mod events;
mod extract;
mod inbox;
mod key;
pub mod phones;
mod send;
mod terminals;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::json;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::cell::Cell;
pub use error::ApiError;
/// The listener limits (`[http]` in the config), served by [`serve`].
pub use http_serve::{Limits as HttpLimits, serve};

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;
/// Long polls wait this long when the request gives no timeout.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);
/// Longest wait a long poll may ask for.
pub const MAX_WAIT: Duration = Duration::from_secs(600);

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub cell: Arc<Cell>,
    /// Cancelled when the server shuts down.
    pub shutdown: CancellationToken,
}

/// The API, event stream and phones page over `cell`. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` to log peers.
pub fn router(cell: Arc<Cell>, shutdown: CancellationToken) -> Router {
    let t = "/api/terminals/{msisdn}";
    Router::new()
        .route("/health", get(health))
        .route("/api/cell", get(cell_status))
        .route("/api/events", get(events::stream))
        .route(
            "/api/terminals",
            get(terminals::list).post(terminals::create),
        )
        .route(t, get(terminals::one).delete(terminals::remove))
        .route(&format!("{t}/power"), post(terminals::power))
        .route(&format!("{t}/coverage"), post(terminals::coverage))
        .route(&format!("{t}/capacity"), post(terminals::capacity))
        .route(&format!("{t}/sim-swap"), post(terminals::sim_swap))
        .route(&format!("{t}/key"), put(key::set))
        .route(&format!("{t}/inbox"), get(inbox::list).delete(inbox::clear))
        .route(&format!("{t}/inbox/read"), post(inbox::read_all))
        .route(&format!("{t}/inbox/{{id}}"), delete(inbox::remove))
        .route(&format!("{t}/inbox/{{id}}/read"), post(inbox::read_one))
        .route(&format!("{t}/next-message"), get(inbox::next_message))
        .route(&format!("{t}/next-code"), get(inbox::next_code))
        .route(&format!("{t}/send"), post(send::send))
        .route(&format!("{t}/sent"), get(send::sent))
        .merge(phones::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(AppState { cell, shutdown })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(log_request))
}

async fn health(State(s): State<AppState>) -> Json<serde_json::Value> {
    let link = if s.cell.link_status().up {
        "up"
    } else {
        "down"
    };
    Json(json!({ "status": "ok", "link": link }))
}

async fn cell_status(State(s): State<AppState>) -> Json<serde_json::Value> {
    use time::format_description::well_known::Rfc3339;
    let link = s.cell.link_status();
    Json(json!({
        "id": s.cell.id(),
        "air": s.cell.air(),
        "link": if link.up { "up" } else { "down" },
        "connections": link.epoch,
        "since": link.since.and_then(|t| t.format(&Rfc3339).ok()),
        "last_error": link.last_error,
    }))
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

/// Logs each request at debug level.
async fn log_request(req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    tracing::debug!(
        ?peer,
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "API request"
    );
    response
}
