//! `/api/terminals/{msisdn}/inbox...` and the long polls `next-message` and
//! `next-code`: they answer at once when the inbox has what is asked for,
//! else wait up to `timeout` seconds (default [`super::DEFAULT_WAIT`], at
//! most [`super::MAX_WAIT`], fractions allowed) and answer 408.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::extract::{PathParam, QueryParams, msisdn};
use super::{AppState, DEFAULT_WAIT, MAX_WAIT};
use crate::terminal::{InboxMessage, TerminalInfo};

pub async fn list(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
) -> Result<Json<Vec<InboxMessage>>, ApiError> {
    Ok(Json(s.cell.inbox(msisdn(&n)?.as_str())?))
}

pub async fn clear(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
) -> Result<StatusCode, ApiError> {
    s.cell.clear_inbox(msisdn(&n)?.as_str())?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove(
    State(s): State<AppState>,
    PathParam((n, id)): PathParam<(String, u64)>,
) -> Result<StatusCode, ApiError> {
    s.cell.delete_message(msisdn(&n)?.as_str(), id)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn read_all(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
) -> Result<Json<TerminalInfo>, ApiError> {
    Ok(Json(s.cell.mark_read(msisdn(&n)?.as_str(), None)?))
}

pub async fn read_one(
    State(s): State<AppState>,
    PathParam((n, id)): PathParam<(String, u64)>,
) -> Result<Json<TerminalInfo>, ApiError> {
    Ok(Json(s.cell.mark_read(msisdn(&n)?.as_str(), Some(id))?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// Seconds.
    timeout: Option<f64>,
    /// next-message only: the oldest message with an id above this one.
    after: Option<u64>,
}

impl Wait {
    fn timeout(&self) -> Result<Duration, ApiError> {
        let Some(secs) = self.timeout else {
            return Ok(DEFAULT_WAIT);
        };
        Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|d| *d <= MAX_WAIT)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "timeout {secs} must be 0..={} seconds",
                    MAX_WAIT.as_secs()
                ))
            })
    }
}

/// Runs a long poll, ending it early when the server shuts down.
async fn wait<T>(s: &AppState, poll: impl Future<Output = T>) -> Result<T, ApiError> {
    tokio::select! {
        r = poll => Ok(r),
        _ = s.shutdown.cancelled() => Err(ApiError::ShuttingDown),
    }
}

fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

pub async fn next_message(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    QueryParams(q): QueryParams<Wait>,
) -> Result<Json<InboxMessage>, ApiError> {
    let (number, timeout) = (msisdn(&n)?, q.timeout()?);
    let found = wait(&s, s.cell.next_message(number.as_str(), q.after, timeout)).await??;
    found.map(Json).ok_or_else(|| {
        ApiError::Timeout(format!(
            "no new message for {number} within {}",
            secs(timeout)
        ))
    })
}

pub async fn next_code(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    QueryParams(q): QueryParams<Wait>,
) -> Result<Json<Value>, ApiError> {
    if q.after.is_some() {
        return Err(ApiError::bad_request(
            "next-code takes no `after`; each code is handed out once",
        ));
    }
    let (number, timeout) = (msisdn(&n)?, q.timeout()?);
    let found = wait(&s, s.cell.next_code(number.as_str(), timeout)).await??;
    let (code, message) = found.ok_or_else(|| {
        ApiError::Timeout(format!("no new code for {number} within {}", secs(timeout)))
    })?;
    Ok(Json(json!({ "code": code, "message": message })))
}
