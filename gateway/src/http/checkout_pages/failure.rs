//! [`HtmlError`]: a refusal or failure shown as the checkout's error page,
//! with a status and a generic message. Internal details are logged here
//! and never reach the page.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::html;
use crate::http::ApiError;
use crate::http::pages;
use crate::payments::PaymentError;
use crate::store::StoreError;

/// A failure shown as the error page: a status and a generic message.
#[derive(Debug)]
pub(crate) struct HtmlError {
    status: StatusCode,
    message: Cow<'static, str>,
}

impl HtmlError {
    pub(crate) fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        HtmlError {
            status,
            message: message.into(),
        }
    }

    pub(super) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "This payment does not exist, or the link is incomplete.",
        )
    }

    pub(super) fn bad_request() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "The form was incomplete or malformed.",
        )
    }

    /// Logged here with its detail; the shopper sees a generic line.
    pub(crate) fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "checkout page failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. Please try again in a moment.",
        )
    }
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        html(
            self.status,
            pages::error_page(self.status.as_u16(), &self.message),
        )
    }
}

impl From<PaymentError> for HtmlError {
    fn from(e: PaymentError) -> Self {
        match e {
            PaymentError::NotFound => HtmlError::not_found(),
            PaymentError::Internal(d) => HtmlError::internal(d),
            PaymentError::Invalid(m) => HtmlError::new(StatusCode::BAD_REQUEST, m),
            other => {
                let status = ApiError::Payment(other).status();
                if status.is_server_error() {
                    HtmlError::internal(status)
                } else {
                    HtmlError::new(status, "This step is not possible now.")
                }
            }
        }
    }
}

impl From<StoreError> for HtmlError {
    fn from(e: StoreError) -> Self {
        HtmlError::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_errors_become_generic_pages() {
        assert_eq!(
            HtmlError::from(PaymentError::NotFound).status,
            StatusCode::NOT_FOUND
        );
        let e = HtmlError::from(PaymentError::Internal("disk on fire".into()));
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.message.contains("disk"));
        let e = HtmlError::from(PaymentError::Invalid("no such terminal".into()));
        assert_eq!(
            (e.status, e.message.as_ref()),
            (StatusCode::BAD_REQUEST, "no such terminal")
        );
    }
}
