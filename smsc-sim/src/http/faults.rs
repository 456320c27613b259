//! `/api/faults`: list the fault rules (`GET`), add one (`POST`, answers its
//! id), replace them all (`PUT` with an array, answers the new ids) and
//! remove one (`DELETE /api/faults/{id}`). Rules have the same JSON shape as
//! in the config file (see [`crate::faults`]); ids given in bodies are ignored.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam};
use crate::core::Core;
use crate::faults::FaultRule;

/// A rule naming an account that does not exist would never fire; the
/// config loader refuses it too.
fn check_account(core: &Core, rule: &FaultRule, what: &str) -> Result<(), ApiError> {
    match &rule.account {
        Some(a) if core.accounts.get(a.as_str()).is_none() => Err(ApiError::bad_request(format!(
            "{what}: account {:?} is not configured",
            a.as_str()
        ))),
        _ => Ok(()),
    }
}

pub(super) async fn list(State(app): State<AppState>) -> Json<Vec<FaultRule>> {
    Json(app.core.faults.list())
}

pub(super) async fn add(
    State(app): State<AppState>,
    JsonBody(rule): JsonBody<FaultRule>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    check_account(&app.core, &rule, "rule")?;
    let id = app.core.faults.add(rule);
    tracing::info!(id, "fault rule added over the admin API");
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub(super) async fn replace_all(
    State(app): State<AppState>,
    JsonBody(rules): JsonBody<Vec<FaultRule>>,
) -> Result<Json<Value>, ApiError> {
    for (i, rule) in rules.iter().enumerate() {
        check_account(&app.core, rule, &format!("rule {i}"))?;
    }
    let ids = app.core.faults.replace_all(rules);
    tracing::info!(rules = ids.len(), "fault rules replaced over the admin API");
    Ok(Json(json!({ "ids": ids })))
}

pub(super) async fn remove(
    State(app): State<AppState>,
    PathParam(id): PathParam<u64>,
) -> Result<StatusCode, ApiError> {
    if app.core.faults.remove(id) {
        tracing::info!(id, "fault rule removed over the admin API");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("no fault rule with id {id}")))
    }
}
