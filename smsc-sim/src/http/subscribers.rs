//! `GET /api/subscribers`, `PUT` and `DELETE /api/subscribers/{number}`:
//! the HLR's entries, changed at run time. A PUT body is
//! `{"profile": "auto", "delay_ms": 100}` or `{"profile": "unknown"}`, with
//! `"prefix": true` to cover every number starting with `{number}`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam};
use crate::hlr::{HlrEntry, Profile};

/// Longest auto-acknowledge delay accepted: a day is already far beyond any
/// test, and larger values would overflow timer arithmetic in the switch.
pub const MAX_DELAY_MS: u64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ProfileName {
    Auto,
    Unknown,
    Handset,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriberBody {
    profile: ProfileName,
    delay_ms: Option<u64>,
    #[serde(default)]
    prefix: bool,
}

fn check_number(number: &str) -> Result<(), ApiError> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(format!(
            "subscriber number {number:?} must be 1 to 20 digits, optionally after '+'"
        )));
    }
    Ok(())
}

impl SubscriberBody {
    fn into_entry(self, number: String) -> Result<HlrEntry, ApiError> {
        check_number(&number)?;
        let profile = match (self.profile, self.delay_ms) {
            (ProfileName::Auto, Some(ms)) if ms <= MAX_DELAY_MS => Profile::Auto { delay_ms: ms },
            (ProfileName::Auto, Some(ms)) => {
                return Err(ApiError::bad_request(format!(
                    "delay_ms {ms} exceeds the maximum of {MAX_DELAY_MS}"
                )));
            }
            (ProfileName::Auto, None) => {
                return Err(ApiError::bad_request("profile \"auto\" needs delay_ms"));
            }
            (ProfileName::Unknown, None) => Profile::Unknown,
            (ProfileName::Handset, None) => Profile::Handset,
            (ProfileName::Unknown | ProfileName::Handset, Some(_)) => {
                return Err(ApiError::bad_request(
                    "delay_ms applies only to profile \"auto\"",
                ));
            }
        };
        // Stored as digits, as the HLR keeps them.
        let number = number.trim_start_matches('+').to_owned();
        Ok(HlrEntry {
            number,
            prefix: self.prefix,
            profile,
        })
    }
}

pub(super) async fn list(State(app): State<AppState>) -> Json<Vec<HlrEntry>> {
    Json(app.hlr.list())
}

/// Adds or replaces the entry and answers with it as stored.
pub(super) async fn upsert(
    State(app): State<AppState>,
    PathParam(number): PathParam<String>,
    JsonBody(body): JsonBody<SubscriberBody>,
) -> Result<Json<HlrEntry>, ApiError> {
    let entry = body.into_entry(number)?;
    app.hlr.upsert(entry.clone());
    Ok(Json(entry))
}

/// Removes every entry for `{number}`, exact and prefix.
pub(super) async fn remove(
    State(app): State<AppState>,
    PathParam(number): PathParam<String>,
) -> Result<StatusCode, ApiError> {
    if app.hlr.remove(&number) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!(
            "no subscriber entry for {number:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> SubscriberBody {
        serde_json::from_str(json).expect("test body parses")
    }

    #[test]
    fn bodies_become_entries() {
        let e = body(r#"{"profile":"auto","delay_ms":250,"prefix":true}"#)
            .into_entry("+4477".into())
            .expect("valid");
        assert_eq!(
            (e.prefix, e.profile),
            (true, Profile::Auto { delay_ms: 250 })
        );
        assert_eq!(e.number, "4477");
        let e = body(r#"{"profile":"unknown"}"#)
            .into_entry("447700900404".into())
            .expect("valid");
        assert_eq!((e.prefix, e.profile), (false, Profile::Unknown));
    }

    #[test]
    fn mistakes_are_explained() {
        let err = |json: &str, n: &str| {
            body(json)
                .into_entry(n.into())
                .expect_err("invalid")
                .to_string()
        };
        assert!(err(r#"{"profile":"auto"}"#, "44").contains("needs delay_ms"));
        assert!(err(r#"{"profile":"unknown","delay_ms":1}"#, "44").contains("only to profile"));
        assert!(err(r#"{"profile":"auto","delay_ms":99999999999}"#, "44").contains("maximum"));
        assert!(err(r#"{"profile":"unknown"}"#, "44a").contains("digits"));
        assert!(serde_json::from_str::<SubscriberBody>(r#"{"profile":"off"}"#).is_err());
        assert!(serde_json::from_str::<SubscriberBody>(r#"{"profile":"unknown","x":1}"#).is_err());
    }
}
