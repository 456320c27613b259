//! `POST /api/v1/checkout/{id}/carrier` `{"carrier","msisdn","pin"}`: the
//! carrier step as JSON (behind the JSON API's CSRF guard), answering the
//! operator's decision or a typed refusal (`unknown_carrier`,
//! `carrier_declined`, `carrier_unavailable`, `carrier_refused`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use super::retry_notice;
use crate::carrier::{Carriers, DeclineReason};
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, AppState, payment_id};
use crate::payments::{CarrierOutcome, CarrierPayError};
use crate::store::Payment;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PayBody {
    carrier: String,
    msisdn: String,
    pin: String,
}

pub(super) async fn api_pay(
    State(app): State<AppState>,
    Extension(carriers): Extension<Carriers>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: Result<Json<PayBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(ApiError::json_rejected)?;
    let id = payment_id(&id)?;
    let refuse = |status: StatusCode, code: &str, message: String, extra: Value| {
        let mut v = json!({ "error": message, "code": code });
        if let (Some(v), Value::Object(extra)) = (v.as_object_mut(), extra) {
            v.extend(extra);
        }
        (status, Json(v)).into_response()
    };
    let Some(carrier) = carriers.get(&body.carrier) else {
        let message = format!("no operator named {:?} is offered", body.carrier);
        return Ok(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_carrier",
            message,
            Value::Null,
        ));
    };
    let outcome = app
        .payments
        .pay_by_carrier(&id, carrier, &body.msisdn, &body.pin, &ip)
        .await;
    let answer = |p: &Payment, decision: &str, reason: Option<DeclineReason>| {
        Json(
            json!({ "payment_id": p.id.as_str(), "state": p.state.as_str(), "method": "carrier",
                "carrier": carrier.name(), "decision": decision,
                "reason": reason.map(DeclineReason::as_str) }),
        )
        .into_response()
    };
    Ok(match outcome {
        Ok(CarrierOutcome::Paid(p)) => answer(&p, "approved", None),
        Ok(CarrierOutcome::Declined(p, r)) => answer(&p, "declined", Some(r)),
        Ok(CarrierOutcome::TryAgain {
            reason,
            attempts_left,
        }) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "carrier_declined",
            retry_notice(reason, attempts_left).text(),
            json!({ "reason": reason.as_str(), "attempts_left": attempts_left }),
        ),
        Err(CarrierPayError::Payment(e)) => return Err(e.into()),
        Err(e @ CarrierPayError::Unavailable) => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "carrier_unavailable",
            e.to_string(),
            Value::Null,
        ),
        Err(e) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "carrier_refused",
            e.to_string(),
            Value::Null,
        ),
    })
}
