//! HTTP routes of the prepaid vouchers (issue 8 part 4), on the public
//! listener beside the checkout:
//!
//! - JSON ([`api`]), every POST behind the checkout API's CSRF guard:
//!   `POST /api/v1/checkout/{id}/voucher` `{"number","password"}` pays a
//!   checkout; `POST /api/v1/vouchers` `{"identity","password","account"?,
//!   "amount","currency"?}` buys one; `POST /api/v1/vouchers/balance`
//!   `{"number","password"}`; `POST /api/v1/vouchers/unlock`
//!   `{"number","backup_password"}`; `POST /api/v1/vouchers/password`
//!   `{"number","password","new_password"?}` (none: a random one by SMS).
//! - Pages ([`forms`]): `/checkout/{id}/voucher` (linked from the sign-in
//!   page), `/vouchers/buy`, `/vouchers/balance`, `/vouchers/unlock`,
//!   `/vouchers/password`; double-submit CSRF with the checkout's
//!   `sb_csrf` cookie.
//! - Admin ([`admin`], bearer token): `GET /admin/api/vouchers`,
//!   `GET /admin/api/vouchers/{number}`, `POST /admin/api/vouchers`
//!   (issue), `POST /admin/api/vouchers/{number}/unlock`,
//!   `POST /admin/api/vouchers/return-unspent`.
//!
//! Refusals of a voucher check are one answer (401 `voucher_refused`).

mod admin;
mod api;
mod forms;
mod holder;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{ApiError, AppState};
use crate::vouchers::{VoucherError, VoucherService};

/// What the voucher handlers get.
#[derive(Clone)]
pub struct VoucherState {
    pub app: AppState,
    pub vouchers: VoucherService,
}

/// The voucher routes, ready to merge into the public router.
pub fn router(app: AppState, vouchers: VoucherService) -> Router {
    let json = Router::new()
        .route("/api/v1/checkout/{id}/voucher", post(api::pay))
        .route("/api/v1/vouchers", post(api::buy))
        .route("/api/v1/vouchers/balance", post(api::balance))
        .route("/api/v1/vouchers/unlock", post(api::unlock))
        .route("/api/v1/vouchers/password", post(api::password))
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            super::checkout_api::guard::guard,
        ));
    let pages = Router::new()
        .route(
            "/checkout/{id}/voucher",
            get(forms::pay_page).post(forms::pay_form),
        )
        .route(
            "/vouchers/buy",
            get(holder::buy_page).post(holder::buy_form),
        )
        .route(
            "/vouchers/balance",
            get(holder::balance_page).post(holder::balance_form),
        )
        .route(
            "/vouchers/unlock",
            get(holder::unlock_page).post(holder::unlock_form),
        )
        .route(
            "/vouchers/password",
            get(holder::password_page).post(holder::password_form),
        );
    let admin = Router::new()
        .route("/admin/api/vouchers", get(admin::list).post(admin::issue))
        .route(
            "/admin/api/vouchers/return-unspent",
            post(admin::return_unspent),
        )
        .route("/admin/api/vouchers/{number}", get(admin::one))
        .route("/admin/api/vouchers/{number}/unlock", post(admin::unlock));
    json.merge(pages)
        .merge(admin)
        .with_state(VoucherState { app, vouchers })
        .layer(axum::extract::DefaultBodyLimit::max(super::MAX_BODY))
}

/// A JSON handler's failure: the API's errors, and the voucher refusals
/// with their own codes.
pub(crate) enum Failure {
    Api(ApiError),
    Voucher(VoucherError),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

impl From<VoucherError> for Failure {
    fn from(e: VoucherError) -> Self {
        Failure::Voucher(e)
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(e: crate::store::StoreError) -> Self {
        Failure::Api(e.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let e = match self {
            Failure::Api(api) => return api.into_response(),
            Failure::Voucher(e) => e,
        };
        let e = match e {
            VoucherError::Payment(p) => return ApiError::Payment(p).into_response(),
            VoucherError::Internal(d) => return ApiError::Internal(d).into_response(),
            other => other,
        };
        let (status, code) = match &e {
            VoucherError::Payment(_) | VoucherError::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            VoucherError::SignInFailed => (StatusCode::UNAUTHORIZED, "sign_in_failed"),
            VoucherError::Refused => (StatusCode::UNAUTHORIZED, "voucher_refused"),
            VoucherError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            VoucherError::BankDeclined(_) => (StatusCode::PAYMENT_REQUIRED, "bank_declined"),
            VoucherError::BankUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "bank_unavailable"),
            VoucherError::InsufficientBalance { .. } => {
                (StatusCode::PAYMENT_REQUIRED, "insufficient_balance")
            }
            VoucherError::CurrencyMismatch => {
                (StatusCode::UNPROCESSABLE_ENTITY, "currency_mismatch")
            }
        };
        let body = serde_json::json!({ "error": e.to_string(), "code": code });
        (status, axum::Json(body)).into_response()
    }
}
