//! The gateway's HTTP side. The only module that knows axum and JSON.
//!
//! - [`checkout_api`]: the shopper's steps as JSON (`/api/v1/checkout/...`)
//!   for scripts; [`checkout_pages`]: the same steps as server-rendered
//!   pages with CSRF protection ([`pages`] renders them).
//! - [`merchant_api`]: payments for merchants, served over mutual TLS
//!   ([`mtls`] accepts connections and names the client certificate).
//! - [`admin`]: payments, timelines, customers, merchants behind a token.
//!
//! Every JSON failure goes through [`ApiError`].

pub mod admin;
pub mod bank_link;
pub mod carrier;
pub mod checkout_api;
pub mod checkout_pages;
pub mod client_ip;
mod error;
pub mod merchant_api;
pub mod merchant_timeline;
pub mod mtls;
mod openapi;
pub mod pages;
pub mod terminal_api;
pub mod vouchers;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use error::ApiError;
/// Serving the routers with the `[http]` connection limit and time-outs.
pub use http_serve as serve;

use crate::payments::PaymentService;
use crate::pki::Ca;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub payments: PaymentService,
    /// The admin API's bearer token; None turns the admin API off.
    pub admin_token: Option<Arc<str>>,
    /// Base URL of the checkout ("http://127.0.0.1:8080").
    pub public_url: Arc<str>,
    /// Whether cookies get `Secure` (the public URL is https).
    pub secure_cookies: bool,
    pub ca: Arc<Ca>,
    /// The SMSC links' states, for `/ready`.
    pub smsc_status: SmscStatusFn,
    /// The bank's bearer token for [`bank_link`]; None turns it off.
    pub bank_link_token: Option<Arc<str>>,
    /// Reverse proxies whose `X-Forwarded-For` is believed ([`client_ip`]).
    pub trusted_proxies: Arc<[client_ip::Cidr]>,
}

/// Reads the SMSC links' states (the SMS gateway's, or a test's fixed list).
pub type SmscStatusFn = Arc<dyn Fn() -> Vec<crate::sms::SmscStatus> + Send + Sync>;

/// Readiness, unlike `/health` (liveness): 200 while at least one SMSC
/// session is bound, else 503, with every link's state either way, so a
/// deploy script or a test waits for `/ready` before sending traffic.
async fn ready(
    axum::extract::State(app): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, axum::Json<serde_json::Value>) {
    let links = (app.smsc_status)();
    let up = links.iter().any(|l| l.up);
    let body = serde_json::json!({
        "ready": up,
        "smscs": links
            .iter()
            .map(|l| serde_json::json!({ "name": l.name, "priority": l.priority, "up": l.up }))
            .collect::<Vec<_>>(),
    });
    let status = if up {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body))
}

/// The shopper-facing and admin listener's routes.
pub fn public_router(state: AppState) -> Router {
    Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .route("/ready", axum::routing::get(ready))
        .merge(checkout_api::router(state.clone()))
        .merge(checkout_pages::router())
        .merge(admin::router())
        .merge(bank_link::router())
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// The merchant API's routes (served by [`mtls`]).
pub fn merchant_router(state: AppState) -> Router {
    merchant_api::router()
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// The merchant API's routes with the merchant terminals' (handset
/// confirmation, [`terminal_api`]).
pub fn merchant_router_with_terminals(
    state: AppState,
    push: crate::payments::push::PushService,
) -> Router {
    let terminals = terminal_api::router()
        .with_state(terminal_api::TerminalState {
            app: state.clone(),
            push,
        })
        .layer(DefaultBodyLimit::max(MAX_BODY));
    merchant_router(state).merge(terminals)
}

/// A payment id from a path; one that does not parse is simply not found.
pub(crate) fn payment_id(id: &str) -> Result<crate::domain::PaymentId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::Payment(crate::payments::PaymentError::NotFound))
}

/// The TCP peer's address. Handlers of shopper requests take
/// [`client_ip::ClientIp`] instead, which also knows trusted proxies.
pub fn client_ip(addr: SocketAddr) -> String {
    addr.ip().to_string()
}
