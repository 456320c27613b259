//! The operator billing API (`/billing/v1/...`, for partners with a bearer
//! token) and its admin view (`/api/billing/...`): authorize a charge to a
//! subscriber's bill, capture, refund or void it, list the accounts, show a
//! month's statement, clear a PIN lockout. The books are
//! [`crate::billing::Billing`]; this module maps them to HTTP: 401 for a
//! missing or unknown partner token, 404 for an unknown charge or
//! subscriber, 409 for a state conflict, 422 for bad input. A decline is
//! not an error: `authorize` answers 200 with `decision: "declined"` and a
//! reason. On approval the operator texts the subscriber
//! ([`crate::billing::notify`]).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::AppState;
use super::extract::{PathParam, QueryParams};
use crate::billing::{
    AuthorizeRequest, BillingError, Charge, Decision, DeclineReason, Month, notify,
};

/// The billing routes, merged into the admin router.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/billing/v1/authorize", post(authorize))
        .route("/billing/v1/charges/{id}/capture", post(capture))
        .route("/billing/v1/charges/{id}/refund", post(refund))
        .route("/billing/v1/charges/{id}/void", post(void))
        .route("/api/billing/accounts", get(accounts))
        .route(
            "/api/billing/subscribers/{msisdn}/statement",
            get(statement),
        )
        .route("/api/billing/subscribers/{msisdn}/unlock", post(unlock))
}

/// A failure with its status; the body is `{"error": "..."}` like the rest
/// of the admin API.
#[derive(Debug)]
pub(crate) struct Failure(StatusCode, String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut r = (self.0, Json(json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"billing\""),
            );
        }
        r
    }
}

impl From<BillingError> for Failure {
    fn from(e: BillingError) -> Self {
        let status = match &e {
            BillingError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            BillingError::NoSuchCharge(_) => StatusCode::NOT_FOUND,
            BillingError::Conflict(_) => StatusCode::CONFLICT,
            BillingError::Store(cause) => {
                tracing::error!(error = %cause, "billing store write failed");
                return Failure(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into());
            }
        };
        Failure(status, e.to_string())
    }
}

/// The partner id behind `Authorization: Bearer <token>`.
fn partner(state: &AppState, headers: &HeaderMap) -> Result<String, Failure> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    token
        .and_then(|t| state.core.billing.partner(t))
        .map(str::to_owned)
        .ok_or_else(|| {
            Failure(
                StatusCode::UNAUTHORIZED,
                "a partner bearer token is required".into(),
            )
        })
}

/// A JSON body (whatever the Content-Type); empty means `{}`.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Failure> {
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    serde_json::from_slice(bytes).map_err(|e| {
        Failure(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("invalid JSON body: {e}"),
        )
    })
}

fn charge_json(c: &Charge) -> Value {
    json!({
        "charge_id": c.id,
        "state": c.state,
        "msisdn": c.msisdn,
        "merchant": c.merchant,
        "reference": c.reference,
        "amount": c.amount,
        "refunded": c.refunded,
        "currency": c.currency,
    })
}

fn decline_message(r: DeclineReason) -> &'static str {
    match r {
        DeclineReason::UnknownSubscriber => {
            "the number is not a billing subscriber of this operator"
        }
        DeclineReason::WrongPin { .. } => "wrong billing PIN",
        DeclineReason::Locked => "billing is locked after too many wrong PINs",
        DeclineReason::OverCreditLimit => "the amount exceeds the monthly credit limit",
        DeclineReason::InsufficientBalance => "the prepaid balance is too low",
        DeclineReason::Barred => "the line is barred",
    }
}

async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<Value>, Failure> {
    let partner = partner(&state, &headers)?;
    let req: AuthorizeRequest = body(&bytes)?;
    let barred = state
        .core
        .hlr
        .handset(&req.msisdn)
        .is_some_and(|s| s.barred);
    let billing = &state.core.billing;
    match billing.authorize(&partner, &req, barred)? {
        Decision::Declined(reason) => {
            tracing::info!(%partner, msisdn = %req.msisdn, ?reason, "carrier charge declined");
            let mut v = serde_json::to_value(reason).expect("plain enum serializes");
            v["decision"] = "declined".into();
            v["message"] = decline_message(reason).into();
            Ok(Json(v))
        }
        Decision::Approved { charge, replayed } => {
            let mut v = charge_json(&charge);
            v["decision"] = "approved".into();
            v["replayed"] = replayed.into();
            if !replayed {
                tracing::info!(%partner, charge = %charge.id, amount = charge.amount, "carrier charge authorized");
                let text = notify::confirmation_text(&billing.operator, &charge);
                match notify::send(&state.core, &billing.sender, &charge.msisdn, &text).await {
                    Ok(id) => v["confirmation_sms"] = id.into(),
                    // The charge stands: the SMS is a courtesy, not the authorization.
                    Err(e) => {
                        tracing::warn!(error = %e, charge = %charge.id, "confirmation SMS not sent")
                    }
                }
            }
            Ok(Json(v))
        }
    }
}

async fn capture(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
) -> Result<Json<Value>, Failure> {
    let partner = partner(&state, &headers)?;
    Ok(Json(charge_json(
        &state.core.billing.capture(&partner, &id)?,
    )))
}

async fn void(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
) -> Result<Json<Value>, Failure> {
    let partner = partner(&state, &headers)?;
    Ok(Json(charge_json(&state.core.billing.void(&partner, &id)?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundRequest {
    /// Minor units; absent means all that is left.
    amount: Option<i64>,
}

async fn refund(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
    bytes: Bytes,
) -> Result<Json<Value>, Failure> {
    let partner = partner(&state, &headers)?;
    let req: RefundRequest = body(&bytes)?;
    Ok(Json(charge_json(
        &state.core.billing.refund(&partner, &id, req.amount)?,
    )))
}

async fn accounts(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "accounts": state.core.billing.accounts() }))
}

#[derive(Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

async fn statement(
    State(state): State<AppState>,
    PathParam(msisdn): PathParam<String>,
    QueryParams(q): QueryParams<MonthQuery>,
) -> Result<Json<Value>, Failure> {
    let billing = &state.core.billing;
    let month = match q.month {
        Some(m) => m
            .parse::<Month>()
            .map_err(|e| Failure(StatusCode::UNPROCESSABLE_ENTITY, e))?,
        None => Month::of(billing.now()),
    };
    let s = billing.statement(&msisdn, month).ok_or_else(|| {
        Failure(
            StatusCode::NOT_FOUND,
            format!("no billing account for {msisdn}"),
        )
    })?;
    let mut v = serde_json::to_value(s).expect("plain data serializes");
    v["month"] = month.to_string().into();
    Ok(Json(v))
}

async fn unlock(
    State(state): State<AppState>,
    PathParam(msisdn): PathParam<String>,
) -> Result<StatusCode, Failure> {
    match state.core.billing.unlock(&msisdn)? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(Failure(
            StatusCode::NOT_FOUND,
            format!("no billing account for {msisdn}"),
        )),
    }
}
