//! The merchant API (JSON over mutual TLS): `POST /v1/payments` (with an
//! optional `Idempotency-Key` header), `GET /v1/payments/{id}`,
//! `POST /v1/payments/{id}/cancel`, `GET /v1/payments?state=&order_id=&limit=`,
//! and `GET /openapi.json`. The caller is the active merchant whose
//! certificate fingerprint the TLS layer saw; unknown or revoked
//! certificates get 403 on every request.

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::mtls::MerchantPeer;
use super::{ApiError, AppState, payment_id};
use crate::domain::{MerchantId, PaymentState};
use crate::payments::{CreatePayment, PaymentView};
use crate::store::{MerchantStatus, PaymentFilter};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/payments", post(create).get(list))
        .route("/v1/payments/{id}", get(one))
        .route("/v1/payments/{id}/cancel", post(cancel))
        .route("/openapi.json", get(openapi))
}

/// The merchant behind this connection's certificate, if active.
pub(super) async fn merchant(
    app: &AppState,
    peer: &MerchantPeer,
) -> Result<(MerchantId, String), ApiError> {
    let refuse = |why: &str| ApiError::Status(StatusCode::FORBIDDEN, why.to_owned());
    let fp = peer
        .fingerprint
        .as_deref()
        .ok_or_else(|| refuse("a client certificate is required"))?;
    match app.payments.store().merchant_by_fingerprint(fp).await? {
        Some(m) if m.status == MerchantStatus::Active => Ok((m.id, m.name)),
        Some(_) => Err(refuse("this merchant certificate has been revoked")),
        None => Err(refuse("this certificate belongs to no merchant")),
    }
}

fn with_checkout_url(app: &AppState, p: &crate::store::Payment) -> Value {
    let mut v = serde_json::to_value(PaymentView::from(p)).unwrap_or(Value::Null);
    v["checkout_url"] = format!("{}/checkout/{}", app.public_url, p.id.as_str()).into();
    v
}

async fn create(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    headers: HeaderMap,
    body: Result<Json<CreatePayment>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (merchant, _) = merchant(&app, &peer).await?;
    let Json(req) = body.map_err(ApiError::json_rejected)?;
    let key = match headers.get("idempotency-key") {
        Some(v) => {
            let k = v
                .to_str()
                .ok()
                .filter(|k| !k.is_empty() && k.len() <= 255)
                .ok_or_else(|| {
                    ApiError::bad_request("Idempotency-Key must be 1 to 255 visible characters")
                })?;
            Some(k.to_owned())
        }
        None => None,
    };
    let (p, created) = app.payments.create(&merchant, req, key).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(with_checkout_url(&app, &p))))
}

async fn one(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (merchant, _) = merchant(&app, &peer).await?;
    let p = app.payments.get_for(&merchant, &payment_id(&id)?).await?;
    let mut v = with_checkout_url(&app, &p);
    let timeline =
        super::merchant_timeline::for_merchant(app.payments.store().timeline(&p.id).await?);
    v["timeline"] = serde_json::to_value(timeline).unwrap_or(Value::Null);
    Ok(Json(v))
}

async fn cancel(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (merchant, _) = merchant(&app, &peer).await?;
    let p = app.payments.cancel(&merchant, &payment_id(&id)?).await?;
    Ok(Json(with_checkout_url(&app, &p)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    state: Option<String>,
    order_id: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (merchant, _) = merchant(&app, &peer).await?;
    let Query(q) = q.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let state = match q.state.as_deref() {
        Some(s) => Some(
            s.parse::<PaymentState>()
                .map_err(|_| ApiError::bad_request(format!("unknown state {s:?}")))?,
        ),
        None => None,
    };
    let filter = PaymentFilter {
        merchant_id: Some(merchant),
        state,
        order_id: q.order_id,
        limit: q.limit.unwrap_or(0),
        offset: q.offset.unwrap_or(0),
        ..PaymentFilter::default()
    };
    let payments = app.payments.list(filter).await?;
    let items: Vec<Value> = payments
        .iter()
        .map(|p| with_checkout_url(&app, p))
        .collect();
    Ok(Json(json!({ "payments": items })))
}

async fn openapi() -> Json<Value> {
    Json(super::openapi::document())
}
