//! Request extractors whose failures are [`ApiError`]s, so a bad query
//! string, path or JSON body gets the same `{"error": ...}` shape as every
//! other 4xx. JSON bodies are read whatever their Content-Type, so
//! `curl -d '{...}'` works without a header. [`msisdn`] parses a path's
//! number (a leading `+` is accepted).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use wire::msisdn::Msisdn;

use super::error::ApiError;

/// A JSON request body.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(format!("request body exceeds {} bytes", super::MAX_BODY))
            } else {
                ApiError::BadRequest(r.body_text())
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
    }
}

/// Query-string parameters.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| QueryParams(q))
            .map_err(|r| ApiError::BadRequest(r.body_text()))
    }
}

/// Path parameters.
pub struct PathParam<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| PathParam(p))
            .map_err(|r| ApiError::BadRequest(r.body_text()))
    }
}

/// The MSISDN in a path.
pub fn msisdn(s: &str) -> Result<Msisdn, ApiError> {
    s.parse()
        .map_err(|e| ApiError::BadRequest(format!("{s:?} is not an MSISDN: {e}")))
}
