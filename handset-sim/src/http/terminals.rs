//! `/api/terminals`: list, create, read, delete, and the switches a tester
//! flips: power, coverage, inbox capacity, SIM swap. Each change answers
//! with the terminal as it now is.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use wire::msisdn::Imsi;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam, msisdn};
use crate::config::TerminalConfig;
use crate::terminal::TerminalInfo;

type Answer = Result<Json<TerminalInfo>, ApiError>;

pub async fn list(State(s): State<AppState>) -> Json<Vec<TerminalInfo>> {
    Json(s.cell.terminals())
}

pub async fn create(
    State(s): State<AppState>,
    JsonBody(config): JsonBody<TerminalConfig>,
) -> Result<(StatusCode, Json<TerminalInfo>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.cell.create(config)?)))
}

pub async fn one(State(s): State<AppState>, PathParam(n): PathParam<String>) -> Answer {
    Ok(Json(s.cell.terminal(msisdn(&n)?.as_str())?))
}

pub async fn remove(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
) -> Result<StatusCode, ApiError> {
    s.cell.remove(msisdn(&n)?.as_str())?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Power {
    on: bool,
}

pub async fn power(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    JsonBody(body): JsonBody<Power>,
) -> Answer {
    Ok(Json(s.cell.set_power(msisdn(&n)?.as_str(), body.on)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    #[serde(rename = "in")]
    in_coverage: bool,
}

pub async fn coverage(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    JsonBody(body): JsonBody<Coverage>,
) -> Answer {
    Ok(Json(
        s.cell
            .set_coverage(msisdn(&n)?.as_str(), body.in_coverage)?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    capacity: u32,
}

pub async fn capacity(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    JsonBody(body): JsonBody<Capacity>,
) -> Answer {
    Ok(Json(
        s.cell.set_capacity(msisdn(&n)?.as_str(), body.capacity)?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SimSwap {
    imsi: Option<String>,
}

/// The body is optional: no body (or `{}`) generates a new IMSI.
pub async fn sim_swap(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    body: axum::body::Bytes,
) -> Answer {
    let swap: SimSwap = match body.iter().all(u8::is_ascii_whitespace) {
        true => SimSwap::default(),
        false => serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?,
    };
    let imsi = swap
        .imsi
        .map(|i| {
            i.parse::<Imsi>()
                .map_err(|e| ApiError::bad_request(format!("imsi {i:?}: {e}")))
        })
        .transpose()?;
    Ok(Json(s.cell.sim_swap(msisdn(&n)?.as_str(), imsi)?))
}
