//! The shopper's steps as JSON, so test scripts drive a checkout without a
//! browser: `GET /api/v1/checkout/{id}`, `POST .../identify`
//! `{"identity","password","terminal"?,"account"?}`, `POST .../code`
//! `{"code"}`, `POST .../resend` `{"terminal"?}`, and `POST .../unlock`
//! `{"identity","backup_code"}` for an identity locked by wrong passwords,
//! and `POST .../account` `{"account"}` to pay from another linked account. Answers carry the state,
//! amount and payee, the masked destination, the code's delivery status
//! and expiry, and the customer's terminals (ids and masked numbers).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::pages::mask_msisdn;
use super::{ApiError, AppState, client_ip, payment_id};
use crate::domain::Password;
use crate::payments::{IdentifyRequest, PaymentService};
use crate::store::{Payment, Terminal};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/checkout/{id}", get(show))
        .route("/api/v1/checkout/{id}/identify", post(identify))
        .route("/api/v1/checkout/{id}/code", post(code))
        .route("/api/v1/checkout/{id}/resend", post(resend))
        .route("/api/v1/checkout/{id}/unlock", post(unlock))
        .route("/api/v1/checkout/{id}/account", post(account))
}

#[derive(Debug, Serialize)]
pub struct TerminalView {
    pub id: i64,
    pub label: String,
    pub kind: &'static str,
    pub msisdn: String,
}

impl From<&Terminal> for TerminalView {
    fn from(t: &Terminal) -> Self {
        TerminalView {
            id: t.id,
            label: t.label.clone(),
            kind: t.kind.as_str(),
            msisdn: mask_msisdn(&t.msisdn),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CheckoutView {
    pub id: String,
    pub state: &'static str,
    pub merchant: String,
    pub amount: String,
    pub currency: String,
    pub description: String,
    pub expires_at: i64,
    /// Masked number the latest code went to.
    pub destination: Option<String>,
    /// pending, sent, delivered or failed.
    pub delivery: Option<&'static str>,
    pub code_expires_at: Option<i64>,
    pub attempts_left: Option<u32>,
    pub return_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terminals: Vec<TerminalView>,
    /// The customer's linked accounts (full numbers: the shopper signed in
    /// and picks one) and the one that will be debited.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    pub account: Option<String>,
}

pub(super) async fn view(payments: &PaymentService, p: &Payment) -> Result<CheckoutView, ApiError> {
    let store = payments.store();
    let merchant = store
        .merchant(&p.merchant_id)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    let code = store.latest_code(&p.id).await?;
    let (terminals, accounts) = match p.customer_id {
        Some(c) if !p.state.is_final() => {
            (store.terminals(c).await?, store.customer_accounts(c).await?)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let max = payments.policy().max_attempts();
    Ok(CheckoutView {
        id: p.id.as_str().to_owned(),
        state: p.state.as_str(),
        merchant,
        amount: p.amount.to_decimal_string(),
        currency: p.amount.currency.code().to_owned(),
        description: p.description.clone(),
        expires_at: p.expires_at,
        destination: p.msisdn.as_deref().map(mask_msisdn),
        delivery: code.as_ref().map(|c| c.delivery.as_str()),
        code_expires_at: code.as_ref().map(|c| c.expires_at),
        attempts_left: code.as_ref().map(|c| max.saturating_sub(c.attempts)),
        return_url: p.return_url.clone(),
        terminals: terminals.iter().map(TerminalView::from).collect(),
        accounts,
        account: p.bank_account.as_deref().map(crate::payments::mask_account),
    })
}

async fn show(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CheckoutView>, ApiError> {
    let p = app.payments.payment(&payment_id(&id)?).await?;
    Ok(Json(view(&app.payments, &p).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifyBody {
    identity: String,
    password: String,
    terminal: Option<i64>,
    account: Option<String>,
}

async fn identify(
    State(app): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
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
        ip: client_ip(addr),
    };
    let done = app.payments.identify(&id, req).await?;
    Ok(Json(view(&app.payments, &done.payment).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    code: String,
}

async fn code(
    State(app): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    Json(body): Json<CodeBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let id = payment_id(&id)?;
    let done = app
        .payments
        .confirm(&id, &body.code, &client_ip(addr))
        .await?;
    Ok(Json(view(&app.payments, &done.payment).await?))
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResendBody {
    terminal: Option<i64>,
}

async fn resend(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Option<Json<ResendBody>>,
) -> Result<Json<CheckoutView>, ApiError> {
    let id = payment_id(&id)?;
    let terminal = body.and_then(|Json(b)| b.terminal);
    let p = app.payments.resend(&id, terminal).await?;
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
    Json(body): Json<AccountBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let p = app
        .payments
        .choose_account(&payment_id(&id)?, &body.account)
        .await?;
    Ok(Json(view(&app.payments, &p).await?))
}
