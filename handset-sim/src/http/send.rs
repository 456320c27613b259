//! `POST /api/terminals/{msisdn}/send`: an MO message from the terminal
//! (202 with its reference; the outcome follows as `sent` / `send-failed`
//! / `status-report` events and in `GET .../sent`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam, msisdn};
use crate::terminal::SentMessage;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    to: String,
    text: String,
    #[serde(default)]
    status_report: bool,
}

pub async fn send(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    JsonBody(body): JsonBody<Send>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let number = msisdn(&n)?;
    let m = s
        .cell
        .send(number.as_str(), &body.to, &body.text, body.status_report)?;
    let answer = json!({ "reference": m.reference, "segments": m.segments, "message": m });
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

pub async fn sent(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
) -> Result<Json<Vec<SentMessage>>, ApiError> {
    Ok(Json(s.cell.sent(msisdn(&n)?.as_str())?))
}
