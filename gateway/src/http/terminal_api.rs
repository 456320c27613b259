//! Merchant terminals (points of sale) over the merchant API, mutual TLS:
//! `POST /v1/terminal-payments` starts a payment the customer confirms from
//! the phone (handset confirmation, `payments::push`), with an optional
//! `Idempotency-Key` as for `/v1/payments`; `GET /v1/terminal-payments/{id}`
//! is the terminal's poll: the payment, the push's reference and status,
//! and the merchant's name for the receipt. Same merchant check as the
//! rest of the merchant API (`merchant_api::merchant`).

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::mtls::MerchantPeer;
use super::{ApiError, AppState, merchant_api, payment_id};
use crate::payments::PaymentView;
use crate::payments::push::{PushService, TerminalPayment};
use crate::store::{Payment, PushRecord};

/// Handlers' state: the app's and the push service.
#[derive(Clone)]
pub struct TerminalState {
    pub app: AppState,
    pub push: PushService,
}

pub fn router() -> Router<TerminalState> {
    Router::new()
        .route("/v1/terminal-payments", post(start))
        .route("/v1/terminal-payments/{id}", get(one))
}

/// "447700900101" -> "••••0101".
fn mask(msisdn: &str) -> String {
    let tail: String = msisdn
        .chars()
        .skip(msisdn.chars().count().saturating_sub(4))
        .collect();
    format!("••••{tail}")
}

fn view(p: &Payment, push: Option<&PushRecord>, merchant: &str) -> Value {
    let mut v = serde_json::to_value(PaymentView::from(p)).unwrap_or(Value::Null);
    v["method"] = p.method.as_str().into();
    v["merchant"] = merchant.into();
    v["push"] = match push {
        Some(push) => json!({
            "reference": push.reference,
            "status": push.status,
            "phone": mask(&push.msisdn),
            "expires_at": push.expires_at,
            "answered_at": push.answered_at,
        }),
        None => Value::Null,
    };
    v
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get("idempotency-key") {
        Some(v) => v
            .to_str()
            .ok()
            .filter(|k| !k.is_empty() && k.len() <= 255)
            .map(|k| Some(k.to_owned()))
            .ok_or_else(|| {
                ApiError::bad_request("Idempotency-Key must be 1 to 255 visible characters")
            }),
        None => Ok(None),
    }
}

async fn start(
    State(s): State<TerminalState>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    headers: HeaderMap,
    body: Result<Json<TerminalPayment>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (merchant, name) = merchant_api::merchant(&s.app, &peer).await?;
    let Json(req) = body.map_err(ApiError::json_rejected)?;
    let key = idempotency_key(&headers)?;
    let started = s.push.start(&merchant, req, key).await?;
    let status = if started.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(view(&started.payment, started.push.as_ref(), &name)),
    ))
}

async fn one(
    State(s): State<TerminalState>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (merchant, name) = merchant_api::merchant(&s.app, &peer).await?;
    let payments = &s.app.payments;
    let p = payments.get_for(&merchant, &payment_id(&id)?).await?;
    let push = payments.store().push_of(&p.id).await?;
    Ok(Json(view(&p, push.as_ref(), &name)))
}

/// The paths of this module for the OpenAPI document.
pub(super) fn openapi_paths(doc: &mut Value) {
    let body = json!({
        "type": "object", "required": ["customer", "amount", "currency", "terminal_id"],
        "properties": {
            "customer": { "type": "string", "description": "the customer's online identity: phone number, alias or account number" },
            "amount": { "type": "string", "example": "12.50" },
            "currency": { "type": "string", "example": "GBP" },
            "description": { "type": "string", "maxLength": 255 },
            "terminal_id": { "type": "string", "maxLength": 32, "description": "your point-of-sale terminal" },
            "order_id": { "type": "string", "maxLength": 64, "description": "default <terminal_id>-<Unix ms>" } } });
    let push = json!({ "type": "object", "nullable": true, "properties": {
        "reference": { "type": "string", "example": "K7Q2", "description": "named in the SMS and in the customer's reply" },
        "status": { "type": "string", "enum": ["pending", "confirmed", "declined", "refused", "failed", "expired"] },
        "phone": { "type": "string", "example": "••••0101" },
        "expires_at": { "type": "integer" }, "answered_at": { "type": "integer", "nullable": true } } });
    let payment = json!({ "allOf": [{ "$ref": "#/components/schemas/Payment" }, { "type": "object", "properties": {
        "method": { "type": "string", "example": "handset_confirm" }, "merchant": { "type": "string" }, "push": push } }] });
    let resp = |desc: &str| json!({ "description": desc, "content": { "application/json": { "schema": payment.clone() } } });
    let err = |desc: &str| json!({ "description": desc, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    doc["paths"]["/v1/terminal-payments"] = json!({ "post": {
        "summary": "Start a payment the customer confirms on the phone (SMS push, reply YES <ref> <PIN>)",
        "parameters": [{ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 255 } }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": body } } },
        "responses": { "201": resp("pushed (state code_sent), or declined by a limit, or failed when the SMS could not be sent"),
                       "200": resp("replayed (Idempotency-Key)"),
                       "400": err("invalid request, or the customer cannot confirm from a handset"),
                       "403": err("unknown or revoked certificate") } } });
    doc["paths"]["/v1/terminal-payments/{id}"] = json!({ "get": {
        "summary": "Poll a terminal payment until it is final; the receipt fields",
        "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
        "responses": { "200": resp("the payment and its push"), "404": err("not yours or unknown") } } });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_document_describes_terminal_payments() {
        let doc = super::super::openapi::document();
        let start = &doc["paths"]["/v1/terminal-payments"]["post"];
        let required =
            start["requestBody"]["content"]["application/json"]["schema"]["required"].to_string();
        for field in ["customer", "amount", "currency", "terminal_id"] {
            assert!(required.contains(field), "{field} in {required}");
        }
        assert!(doc["paths"]["/v1/terminal-payments/{id}"]["get"].is_object());
        assert!(
            doc["paths"]["/v1/payments"]["post"].is_object(),
            "the rest is kept"
        );
    }
}
