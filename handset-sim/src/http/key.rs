//! `PUT /api/terminals/{msisdn}/key`: provisions, replaces or removes the
//! key a dedicated terminal opens sealed codes with (issue 8 part 3), as
//! inserting another card would. Body `{"key": "<64 hex digits>"}`, or
//! `{"key": null}` to remove it; answers with the terminal, which shows only
//! the key id. The key is never logged or echoed.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam, msisdn};
use crate::cell::CellError;
use crate::terminal::TerminalInfo;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    key: Option<String>,
}

pub async fn set(
    State(s): State<AppState>,
    PathParam(n): PathParam<String>,
    JsonBody(body): JsonBody<KeyBody>,
) -> Result<Json<TerminalInfo>, ApiError> {
    let key = body
        .key
        .map(|k| k.parse::<wire::sealed::TerminalKey>())
        .transpose()
        .map_err(|e| CellError::Invalid(format!("key: {e}")))?;
    let (_, info) = s.cell.update(msisdn(&n)?.as_str(), |t, _| {
        t.key = key;
        Ok(())
    })?;
    Ok(Json(info))
}
