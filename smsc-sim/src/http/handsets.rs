//! Handset subscribers as the network sees them, their message history, the
//! connected cells, and SIM swap checks.
//!
//! - `GET /api/handsets`, `GET /api/handsets/{msisdn}`: live state (attached,
//!   detached, memory_full, barred, roaming), cell, IMSI, SIM swaps.
//! - `PATCH /api/handsets/{msisdn}` `{"barred": true, "roaming": false}`:
//!   the operator's administrative flags.
//! - `GET /api/numbers/{number}/history`: every hop of every message to or
//!   from the number, with its time ([`crate::journal`]).
//! - `GET /api/cells`: the connected handset-sim cells.
//! - `POST /sim-swap/v1/check` `{"phoneNumber": "+44...", "maxAge": 24}` →
//!   `{"swapped": bool}` and `POST /sim-swap/v1/retrieve-date`
//!   `{"phoneNumber": "+44..."}` → `{"latestSimChange": RFC 3339 | null}`,
//!   shaped like the CAMARA SIM Swap API that operators expose for fraud
//!   checks (maxAge in hours, 1 to 2400, default 240).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam};
use crate::hlr::HandsetSubscriber;

#[derive(Debug, Serialize)]
pub struct HandsetView {
    state: &'static str,
    #[serde(flatten)]
    subscriber: HandsetSubscriber,
}

impl From<HandsetSubscriber> for HandsetView {
    fn from(subscriber: HandsetSubscriber) -> Self {
        Self {
            state: subscriber.state(),
            subscriber,
        }
    }
}

fn not_a_handset(msisdn: &str) -> ApiError {
    ApiError::NotFound(format!("{msisdn:?} is not a handset subscriber"))
}

pub(super) async fn list(State(app): State<AppState>) -> Json<Vec<HandsetView>> {
    Json(
        app.hlr
            .handsets()
            .into_iter()
            .map(HandsetView::from)
            .collect(),
    )
}

pub(super) async fn one(
    State(app): State<AppState>,
    PathParam(msisdn): PathParam<String>,
) -> Result<Json<HandsetView>, ApiError> {
    let s = app
        .hlr
        .handset(&msisdn)
        .ok_or_else(|| not_a_handset(&msisdn))?;
    Ok(Json(s.into()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flags {
    barred: Option<bool>,
    roaming: Option<bool>,
}

pub(super) async fn set_flags(
    State(app): State<AppState>,
    PathParam(msisdn): PathParam<String>,
    JsonBody(flags): JsonBody<Flags>,
) -> Result<Json<HandsetView>, ApiError> {
    let s = app
        .hlr
        .set_flags(&msisdn, flags.barred, flags.roaming)
        .ok_or_else(|| not_a_handset(&msisdn))?;
    tracing::info!(
        msisdn,
        barred = s.barred,
        roaming = s.roaming,
        "handset flags changed"
    );
    if !s.barred {
        // Unbarring makes stored messages deliverable again.
        app.core.switch.alert(s.msisdn.clone()).await;
    }
    Ok(Json(s.into()))
}

pub(super) async fn history(
    State(app): State<AppState>,
    PathParam(number): PathParam<String>,
) -> Json<Value> {
    let hops = app.core.journal.history(&number);
    Json(json!({ "number": number.trim_start_matches('+'), "hops": hops }))
}

pub(super) async fn cells(State(app): State<AppState>) -> Json<Value> {
    let cells: Vec<Value> = app
        .core
        .cells
        .list()
        .into_iter()
        .map(|(link, name)| json!({ "link": link, "name": name }))
        .collect();
    Json(Value::Array(cells))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SwapCheck {
    phone_number: String,
    max_age: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SwapDate {
    phone_number: String,
}

fn e164(phone_number: &str) -> Result<&str, ApiError> {
    let digits = phone_number.strip_prefix('+').ok_or_else(|| {
        ApiError::bad_request(format!(
            "phoneNumber {phone_number:?} must be E.164 with a leading '+'"
        ))
    })?;
    if !(3..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(format!(
            "phoneNumber {phone_number:?} must be '+' and 3 to 15 digits"
        )));
    }
    Ok(digits)
}

pub(super) async fn swap_check(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<SwapCheck>,
) -> Result<Json<Value>, ApiError> {
    let number = e164(&req.phone_number)?;
    let hours = req.max_age.unwrap_or(240);
    if !(1..=2400).contains(&hours) {
        return Err(ApiError::bad_request(format!(
            "maxAge {hours} must be 1 to 2400 hours"
        )));
    }
    let max_age_ms = i64::from(hours) * 3_600_000;
    let swapped = app
        .hlr
        .sim_swapped_within(number, max_age_ms, app.core.clock.now_ms())
        .ok_or_else(|| not_a_handset(&req.phone_number))?;
    Ok(Json(json!({ "swapped": swapped })))
}

pub(super) async fn swap_date(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<SwapDate>,
) -> Result<Json<Value>, ApiError> {
    let number = e164(&req.phone_number)?;
    let last = app
        .hlr
        .latest_sim_swap(number)
        .ok_or_else(|| not_a_handset(&req.phone_number))?;
    let date = last.and_then(|ms| {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
    });
    Ok(Json(json!({ "latestSimChange": date })))
}
