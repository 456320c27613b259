//! Merchant refunds of payments charged to a phone bill:
//! `POST /v1/payments/{id}/refund` on the merchant API (mutual TLS), with an
//! optional body `{"amount": "5.00"}` (in the payment's currency; absent:
//! all that is left). The gateway asks the payment's operator to refund
//! the charge (`payments::carrier::refund_carrier`), which credits the
//! subscriber's bill; the answer is the charge as now recorded. Payments
//! settled through the bank (SMS code, handset confirmation, voucher) have
//! no refund here yet: they get 409 saying so, rather than a refund that
//! does nothing.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::carrier::Carriers;
use crate::domain::{Money, PaymentMethod, PaymentState};
use crate::http::mtls::MerchantPeer;
use crate::http::{ApiError, AppState, payment_id};
use crate::payments::CarrierPayError;

/// The refund route over `state`, merged into the merchant API's router.
pub fn router(state: AppState, carriers: Carriers) -> Router {
    Router::new()
        .route("/v1/payments/{id}/refund", post(refund))
        .layer(Extension(carriers))
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(crate::http::MAX_BODY))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RefundBody {
    amount: Option<String>,
}

async fn refund(
    State(app): State<AppState>,
    Extension(carriers): Extension<Carriers>,
    ConnectInfo(peer): ConnectInfo<MerchantPeer>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (merchant, _) = crate::http::merchant_api::merchant(&app, &peer).await?;
    let req: RefundBody = if body.iter().all(u8::is_ascii_whitespace) {
        RefundBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::Status(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("a refund body is {{\"amount\": \"5.00\"}} or empty: {e}"),
            )
        })?
    };
    let p = app.payments.get_for(&merchant, &payment_id(&id)?).await?;
    let conflict = |m: String| ApiError::Status(StatusCode::CONFLICT, m);
    if p.method != PaymentMethod::Carrier {
        return Err(conflict(format!(
            "only payments charged to a phone bill can be refunded here; this one was paid by {}",
            p.method.as_str()
        )));
    }
    if p.state != PaymentState::Succeeded {
        return Err(conflict(format!(
            "the payment is {}, not succeeded",
            p.state.as_str()
        )));
    }
    let amount = match req.amount.as_deref() {
        None => None,
        Some(a) => {
            let m = Money::parse_decimal(a, p.amount.currency).map_err(|e| {
                ApiError::Status(StatusCode::UNPROCESSABLE_ENTITY, format!("amount: {e}"))
            })?;
            if m.minor <= 0 {
                return Err(ApiError::Status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "amount: must be more than zero".into(),
                ));
            }
            Some(m.minor)
        }
    };
    let Some(charge) = app.payments.store().carrier_charge(&p.id).await? else {
        return Err(ApiError::Internal(format!(
            "carrier payment {} has no charge",
            p.id
        )));
    };
    let Some(carrier) = carriers.get(&charge.carrier) else {
        return Err(conflict(format!(
            "the operator {:?} is no longer configured",
            charge.carrier
        )));
    };
    let after = app
        .payments
        .refund_carrier(&p.id, carrier, amount)
        .await
        .map_err(|e| match e {
            CarrierPayError::Payment(e) => ApiError::Payment(e),
            CarrierPayError::Unavailable => {
                ApiError::Status(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
            }
            e => conflict(e.to_string()),
        })?;
    let money = |minor| Money::new(minor, p.amount.currency).to_decimal_string();
    Ok(Json(json!({
        "payment_id": p.id.as_str(),
        "carrier": after.carrier,
        "charge_id": after.charge_id,
        "charge_state": after.state,
        "amount": money(after.amount_minor),
        "refunded": money(after.refunded_minor),
        "currency": p.amount.currency.code(),
    })))
}
