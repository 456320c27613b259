//! The shopper's steps as JSON, so test scripts drive a checkout without a
//! browser: `GET /api/v1/checkout/{id}`, `POST .../identify`
//! `{"identity","password","terminal"?,"account"?}`, `POST .../code`
//! `{"code"}`, `POST .../resend` `{"terminal"?}`, and `POST .../unlock`
//! `{"identity","backup_code"}` for an identity locked by wrong passwords,
//! and `POST .../account` `{"account"}` to pay from another linked account. Answers carry the state,
//! amount and payee, the masked destination, the code's delivery status
//! and expiry, and the customer's terminals (ids and masked numbers).
//!
//! Every POST passes the CSRF [`guard`] first: a browser's request must be
//! same-origin and carry the page's token in `X-CSRF-Token`; bodies are
//! `application/json` only (also for `resend`, whose body may be `{}`).
//! A payment signed in on the pages is that browser's: the code, resend
//! and account steps need its session token, and the answers leave out
//! its terminals and accounts (`session`).

pub(crate) mod guard;
mod session;
mod view;

pub use guard::HEADER as CSRF_HEADER;
pub(crate) use guard::guard as csrf_guard;
pub use view::{CheckoutView, TerminalView};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::middleware;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::client_ip::ClientIp;
use super::{ApiError, AppState, payment_id};
use crate::domain::Password;
use crate::payments::IdentifyRequest;
use view::view;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/checkout/{id}", get(show))
        .route("/api/v1/checkout/{id}/identify", post(identify))
        .route("/api/v1/checkout/{id}/code", post(code))
        .route("/api/v1/checkout/{id}/resend", post(resend))
        .route("/api/v1/checkout/{id}/unlock", post(unlock))
        .route("/api/v1/checkout/{id}/account", post(account))
        .route_layer(middleware::from_fn_with_state(state, guard::guard))
}

async fn show(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CheckoutView>, ApiError> {
    let p = app.payments.payment(&payment_id(&id)?).await?;
    let mut v = view(&app.payments, &p).await?;
    if !session::allowed(&app, &p.id, &headers).await? {
        v.terminals.clear();
        v.accounts.clear();
    }
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifyBody {
    identity: String,
    password: String,
    terminal: Option<i64>,
    account: Option<String>,
    /// Another number for the code (`[codes] allow_unregistered_terminal`).
    send_to: Option<String>,
}

async fn identify(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Json(body): Json<IdentifyBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let id = payment_id(&id)?;
    // A password that is not even acceptable is refused like a wrong one.
    let password = Password::new(body.password)
        .map_err(|_| ApiError::Payment(crate::payments::PaymentError::SignInFailed))?;
    let req = IdentifyRequest {
        identity: body.identity,
        password,
        terminal: body.terminal,
        account: body.account,
        send_to: body.send_to,
        ip,
    };
    let done = app.payments.identify(&id, req).await?;
    app.payments.store().clear_checkout_session(&id).await?;
    Ok(Json(view(&app.payments, &done.payment).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    code: String,
}

async fn code(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<CodeBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let id = payment_id(&id)?;
    session::require(&app, &id, &headers).await?;
    let done = app.payments.confirm(&id, &body.code, &ip).await?;
    Ok(Json(view(&app.payments, &done.payment).await?))
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResendBody {
    terminal: Option<i64>,
}

/// The body is required JSON (`{}` for no choice): an optional one would
/// let a cross-site form with a plain-text body trigger an SMS.
async fn resend(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ResendBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let id = payment_id(&id)?;
    session::require(&app, &id, &headers).await?;
    let p = app.payments.resend(&id, body.terminal, &ip).await?;
    Ok(Json(view(&app.payments, &p).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnlockBody {
    identity: String,
    backup_code: String,
}

/// Unlock with the backup code shown at registration. Any failure is the
/// same generic refusal; wrong codes are counted.
async fn unlock(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<UnlockBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = app.payments.payment(&payment_id(&id)?).await?;
    let refused = || ApiError::Payment(crate::payments::PaymentError::SignInFailed);
    let identity = crate::domain::OnlineIdentity::parse(&body.identity).map_err(|_| refused())?;
    let now = app.payments.clock().now_ms();
    match app
        .payments
        .customers()
        .unlock_with_backup(&identity, &body.backup_code, now)
        .await
    {
        Ok(()) => {
            let _ = app
                .payments
                .store()
                .add_event(&p.id, now, "unlocked", "backup code")
                .await;
            Ok(Json(serde_json::json!({ "unlocked": true })))
        }
        Err(crate::customers::LoginError::Internal(e)) => Err(ApiError::Internal(e)),
        Err(_) => Err(refused()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    account: String,
}

async fn account(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<AccountBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let id = payment_id(&id)?;
    session::require(&app, &id, &headers).await?;
    let p = app.payments.choose_account(&id, &body.account).await?;
    Ok(Json(view(&app.payments, &p).await?))
}
