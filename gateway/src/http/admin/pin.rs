//! A customer's payment PIN (confirmation from the handset) for
//! administrators: `GET /admin/api/customers/{id}/pin` shows whether one is
//! set, the wrong-PIN count and the lock (never the PIN or its hash);
//! `PUT` with `{"pin": "4821"}` sets it (4-8 digits, argon2id) and lifts a
//! lock; `POST .../pin/unlock` lifts the lock and keeps the PIN. Changes
//! are audited; the PIN itself is never logged or echoed.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ACTOR, Admin, not_found, now};
use crate::customers::PaymentPin;
use crate::domain::CustomerId;
use crate::http::{ApiError, AppState};

fn customer_id(id: &str) -> Result<CustomerId, ApiError> {
    id.parse()
        .map(CustomerId)
        .map_err(|_| not_found("customer"))
}

async fn status(app: &AppState, id: CustomerId) -> Result<Value, ApiError> {
    let pin = app
        .payments
        .store()
        .customer_pin(id)
        .await?
        .ok_or_else(|| not_found("customer"))?;
    Ok(json!({
        "customer_id": id,
        "pin_set": pin.hash.is_some(),
        "pin_failures": pin.failures,
        "pin_locked": pin.locked,
    }))
}

pub(super) async fn show(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(status(&app, customer_id(&id)?).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PinBody {
    /// Refused as a value when it is not 4 to 8 digits.
    pin: PaymentPin,
}

pub(super) async fn set(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Result<Json<PinBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = customer_id(&id)?;
    let Json(body) = body.map_err(ApiError::json_rejected)?;
    let pin = body.pin;
    let customers = app.payments.customers();
    customers
        .set_pin(id, &pin, now(&app))
        .await
        .map_err(|e| match e {
            crate::customers::CustomerError::NotFound(_) => not_found("customer"),
            other => ApiError::Internal(other.to_string()),
        })?;
    app.payments
        .store()
        .audit(now(&app), ACTOR, "customers pin", &id.to_string())
        .await?;
    Ok(Json(status(&app, id).await?))
}

pub(super) async fn unlock(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = customer_id(&id)?;
    app.payments
        .customers()
        .unlock_pin(id, now(&app))
        .await
        .map_err(|e| match e {
            crate::customers::CustomerError::NotFound(_) => not_found("customer"),
            other => ApiError::Internal(other.to_string()),
        })?;
    app.payments
        .store()
        .audit(now(&app), ACTOR, "customers pin unlock", &id.to_string())
        .await?;
    Ok(Json(status(&app, id).await?))
}
