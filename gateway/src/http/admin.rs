//! The administrators' side, behind the `[admin]` token.
//!
//! JSON under `/admin/api/`: payments (`GET payments?state=&merchant=&customer=&limit=&offset=`,
//! `GET payments/{id}` with timeline, codes without their HMACs and
//! webhooks; `payments`), customers (`GET customers`, `GET customers/{id}`,
//! `POST customers` to register, answering 201 with the backup code shown
//! this once, `POST customers/{id}/unlock`; `customers`), the payment PIN
//! (`GET`/`PUT customers/{id}/pin`, `POST customers/{id}/pin/unlock`; `pin`), merchants
//! (`GET merchants`, `POST merchants/{id}/revoke`) and `GET audit?limit=`
//! (`merchants`), and `GET pumping?window_s=` (code SMS sent by number
//! prefix and client address, and what the limits refused; `pumping`).
//! Changes are written to the audit log as actor `admin-api`.
//! `GET /admin/payments/{id}` is an HTML page with the payment's timeline,
//! `GET /admin/pumping` the pumping view.
//!
//! CSRF: the admin side keeps no cookie and every state-changing route
//! needs the `Authorization` header, which a cross-site form or image
//! cannot send; `?token=` is honoured by the GET pages only.
//!
//! Every request needs `Authorization: Bearer <token>`, compared in
//! constant time (both sides hashed first, so the length does not leak
//! either); without it or with another token the answer is 401. With no
//! token configured every admin route answers 404, as if absent. A browser
//! cannot send that header from the address bar, so the HTML page also
//! takes `?token=<token>`; it lands in browser history and proxy logs, so
//! prefer the header (or a throwaway token) where that matters.

mod customers;
mod merchants;
mod payments;
mod pin;
mod pumping;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use super::{ApiError, AppState};

/// Who the audit log names for changes made through this API.
const ACTOR: &str = "admin-api";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/api/payments", get(payments::list))
        .route("/admin/api/payments/{id}", get(payments::one))
        .route(
            "/admin/api/customers",
            get(customers::list).post(customers::register),
        )
        .route("/admin/api/customers/{id}", get(customers::one))
        .route("/admin/api/customers/{id}/unlock", post(customers::unlock))
        .route(
            "/admin/api/customers/{id}/pin",
            get(pin::show).put(pin::set),
        )
        .route("/admin/api/customers/{id}/pin/unlock", post(pin::unlock))
        .route("/admin/api/merchants", get(merchants::list))
        .route("/admin/api/merchants/{id}/revoke", post(merchants::revoke))
        .route("/admin/api/audit", get(merchants::audit))
        .route("/admin/payments/{id}", get(payments::page))
        .route("/admin/api/pumping", get(pumping::report))
        .route("/admin/pumping", get(pumping::page))
}

/// Why a request is not an administrator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Denied {
    /// No token configured: the admin side does not exist.
    Off,
    /// Token missing or wrong.
    Unauthorized,
}

/// Checks `presented` against the configured token.
pub(super) fn authorize(configured: Option<&str>, presented: Option<&str>) -> Result<(), Denied> {
    let configured = configured.filter(|t| !t.is_empty()).ok_or(Denied::Off)?;
    match presented {
        Some(p) if !p.is_empty() && same_token(configured, p) => Ok(()),
        _ => Err(Denied::Unauthorized),
    }
}

/// Constant-time equality over SHA-256 digests, so neither the contents
/// nor the length of the configured token shows in the timing.
fn same_token(a: &str, b: &str) -> bool {
    bool::from(Sha256::digest(a).ct_eq(&Sha256::digest(b)))
}

/// The token of an `Authorization: Bearer <token>` header.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// 401 carries the challenge; 404 says nothing about an admin side.
fn denial(d: Denied, body: Response) -> Response {
    let mut resp = body;
    if d == Denied::Unauthorized {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"switchboard-admin\""),
        );
    }
    resp
}

/// Proof that the request carried the admin token in its header.
#[derive(Debug, Clone, Copy)]
pub(super) struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        authorize(app.admin_token.as_deref(), bearer(&parts.headers))
            .map(|()| Admin)
            .map_err(|d| {
                let err = match d {
                    Denied::Off => ApiError::Status(StatusCode::NOT_FOUND, "not found".into()),
                    Denied::Unauthorized => ApiError::Status(
                        StatusCode::UNAUTHORIZED,
                        "an admin bearer token is required".into(),
                    ),
                };
                denial(d, err.into_response())
            })
    }
}

fn now(app: &AppState) -> i64 {
    app.payments.clock().now_ms()
}

fn not_found(what: &str) -> ApiError {
    ApiError::Status(StatusCode::NOT_FOUND, format!("no such {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_rules() {
        assert_eq!(authorize(None, Some("t")), Err(Denied::Off));
        assert_eq!(authorize(Some(""), Some("")), Err(Denied::Off));
        let conf = Some("s3cret-admin-token");
        assert_eq!(authorize(conf, Some("s3cret-admin-token")), Ok(()));
        assert_eq!(
            authorize(conf, Some("s3cret-admin-tokeN")),
            Err(Denied::Unauthorized)
        );
        assert_eq!(authorize(conf, Some("s3cret")), Err(Denied::Unauthorized));
        assert_eq!(authorize(conf, Some("")), Err(Denied::Unauthorized));
        assert_eq!(authorize(conf, None), Err(Denied::Unauthorized));
    }

    #[test]
    fn bearer_header_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn only_unauthorized_gets_a_challenge() {
        let r = denial(
            Denied::Unauthorized,
            StatusCode::UNAUTHORIZED.into_response(),
        );
        assert!(r.headers().contains_key(header::WWW_AUTHENTICATE));
        let r = denial(Denied::Off, StatusCode::NOT_FOUND.into_response());
        assert!(!r.headers().contains_key(header::WWW_AUTHENTICATE));
    }
}
