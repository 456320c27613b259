//! One error type for every JSON endpoint: 4xx answers explain, 5xx stay
//! opaque and are logged once here.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::payments::PaymentError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{1}")]
    Status(StatusCode, String),
    #[error("{0}")]
    Payment(#[from] PaymentError),
    /// A refusal with its own machine-readable code (CSRF, session).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: &'static str,
    },
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError::Status(StatusCode::BAD_REQUEST, msg.into())
    }

    /// A JSON body axum could not take, with the status that says why: 413
    /// over the body limit, 415 without a JSON content type, 422 for
    /// fields of the wrong shape, 400 for broken syntax.
    pub fn json_rejected(e: axum::extract::rejection::JsonRejection) -> ApiError {
        ApiError::Status(e.status(), e.body_text())
    }

    pub fn status(&self) -> StatusCode {
        use PaymentError as P;
        match self {
            ApiError::Status(s, _) | ApiError::Refused { status: s, .. } => *s,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Payment(p) => match p {
                P::Invalid(_) => StatusCode::BAD_REQUEST,
                P::NotFound => StatusCode::NOT_FOUND,
                P::WrongState(_) | P::KeyReused => StatusCode::CONFLICT,
                P::SignInFailed => StatusCode::UNAUTHORIZED,
                P::RateLimited(_)
                | P::PhoneLimit(_)
                | P::PrefixLimit(_)
                | P::ResendTooSoon(_)
                | P::ResendLimit => StatusCode::TOO_MANY_REQUESTS,
                P::SmsUnavailable => StatusCode::SERVICE_UNAVAILABLE,
                P::WrongCode { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                P::CodeRevoked | P::CodeExpired => StatusCode::GONE,
                P::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    /// A short machine-readable code for scripts.
    pub fn code(&self) -> &'static str {
        use PaymentError as P;
        match self {
            ApiError::Status(StatusCode::PAYLOAD_TOO_LARGE, _) => "payload_too_large",
            ApiError::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE, _) => "unsupported_media_type",
            ApiError::Status(..) => "bad_request",
            ApiError::Refused { code, .. } => code,
            ApiError::Internal(_) => "internal",
            ApiError::Payment(p) => match p {
                P::Invalid(_) => "invalid_request",
                P::NotFound => "not_found",
                P::WrongState(_) => "wrong_state",
                P::KeyReused => "idempotency_key_reused",
                P::SignInFailed => "sign_in_failed",
                P::RateLimited(_) => "rate_limited",
                P::PhoneLimit(_) => "phone_limit",
                P::PrefixLimit(_) => "prefix_limit",
                P::SmsUnavailable => "sms_unavailable",
                P::WrongCode { .. } => "wrong_code",
                P::CodeRevoked => "code_revoked",
                P::CodeExpired => "code_expired",
                P::ResendTooSoon(_) => "resend_too_soon",
                P::ResendLimit => "resend_limit",
                P::Internal(_) => "internal",
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            let detail = match &self {
                ApiError::Internal(d) | ApiError::Payment(PaymentError::Internal(d)) => d.clone(),
                other => other.to_string(),
            };
            tracing::error!(error = detail, "request failed");
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        let retry_after = match &self {
            ApiError::Payment(
                PaymentError::RateLimited(s)
                | PaymentError::ResendTooSoon(s)
                | PaymentError::PhoneLimit(s)
                | PaymentError::PrefixLimit(s),
            ) => Some(*s),
            _ => None,
        };
        let mut resp = (
            status,
            Json(json!({ "error": message, "code": self.code() })),
        )
            .into_response();
        if let Some(s) = retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}
