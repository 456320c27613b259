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
pub mod checkout_api;
pub mod checkout_pages;
mod error;
pub mod merchant_api;
pub mod mtls;
mod openapi;
pub mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use error::ApiError;

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
}

/// The shopper-facing and admin listener's routes.
pub fn public_router(state: AppState) -> Router {
    Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .merge(checkout_api::router())
        .merge(checkout_pages::router())
        .merge(admin::router())
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// The merchant API's routes (served by [`mtls`]).
pub fn merchant_router(state: AppState) -> Router {
    merchant_api::router()
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// A payment id from a path; one that does not parse is simply not found.
pub(crate) fn payment_id(id: &str) -> Result<crate::domain::PaymentId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::Payment(crate::payments::PaymentError::NotFound))
}

/// The client's address, from the connection (for per-IP limits).
pub fn client_ip(addr: SocketAddr) -> String {
    addr.ip().to_string()
}
