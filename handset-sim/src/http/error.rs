//! [`ApiError`], the one error type every handler returns, and its mapping
//! to responses: client mistakes are 4xx with a message that says what to
//! fix (`{"error": "..."}`); server failures are an opaque 500, logged here.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::cell::CellError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The resource exists, or the terminal's state forbids the request now.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A long poll found nothing before its timeout.
    #[error("{0}")]
    Timeout(String),
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<CellError> for ApiError {
    fn from(e: CellError) -> Self {
        let message = e.to_string();
        match e {
            CellError::NoTerminal(_) | CellError::NoMessage { .. } => ApiError::NotFound(message),
            CellError::Exists(_) | CellError::ImsiInUse { .. } | CellError::Unreachable(_) => {
                ApiError::Conflict(message)
            }
            CellError::Invalid(_) => ApiError::BadRequest(message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "API request failed");
                "internal error (see the handset-sim log)".to_owned()
            }
            other => other.to_string(),
        };
        (self.status(), Json(json!({ "error": message }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(e: ApiError) -> (StatusCode, serde_json::Value) {
        let response = e.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .expect("small body");
        (status, serde_json::from_slice(&bytes).expect("JSON body"))
    }

    #[tokio::test]
    async fn cell_errors_map_to_statuses_that_explain() {
        let cases = [
            (CellError::NoTerminal("4477".into()), StatusCode::NOT_FOUND),
            (CellError::Exists("4477".into()), StatusCode::CONFLICT),
            (
                CellError::Unreachable("terminal 4477 is switched off".into()),
                StatusCode::CONFLICT,
            ),
            (
                CellError::Invalid("text is empty".into()),
                StatusCode::BAD_REQUEST,
            ),
        ];
        for (e, want) in cases {
            let text = e.to_string();
            let (status, body) = body_of(e.into()).await;
            assert_eq!(status, want);
            assert_eq!(body["error"], text.as_str());
        }
        let (status, body) = body_of(ApiError::Timeout("no code within 1s".into())).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::REQUEST_TIMEOUT, Some("no code within 1s"))
        );
        let (status, body) = body_of(ApiError::Internal(anyhow::anyhow!("mutex on fire"))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body["error"].as_str().unwrap_or_default().contains("fire"));
    }
}
