//! Routes of carrier billing ("Pay with your phone bill", issue 8 §2):
//! `GET /checkout/{id}/carrier` shows [`crate::http::pages::carrier_page`];
//! `POST /checkout/{id}/carrier` (form: `carrier`, `msisdn`, `pin`, CSRF
//! double submit as on the other checkout forms) asks the operator and
//! answers 303 to the checkout page once the payment is final, or the page
//! again with the operator's answer; `POST /api/v1/checkout/{id}/carrier`
//! `{"carrier","msisdn","pin"}` is the same step as JSON behind the JSON
//! API's CSRF guard, and `GET /api/v1/carriers` lists the operators.
//! The operators ([`Carriers`]) reach the handlers as an extension.
//!
//! `page` holds the HTML steps, `api` the JSON one, `refund` the merchant
//! API's refund of a carrier payment.

mod api;
mod page;
pub mod refund;

use axum::routing::{get, post};
use axum::{Extension, Json, Router, middleware};
use serde_json::{Value, json};

use super::AppState;
use super::pages::CarrierNotice;
use crate::carrier::{Carriers, DeclineReason};

/// The carrier routes over `state`, merged into the public router.
pub fn router(state: AppState, carriers: Carriers) -> Router {
    let api = Router::new()
        .route("/api/v1/checkout/{id}/carrier", post(api::api_pay))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            super::checkout_api::csrf_guard,
        ));
    Router::new()
        .route(
            "/checkout/{id}/carrier",
            get(page::show).post(page::form_pay),
        )
        .route("/api/v1/carriers", get(list))
        .merge(api)
        .layer(Extension(carriers))
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(super::MAX_BODY))
}

async fn list(Extension(carriers): Extension<Carriers>) -> Json<Value> {
    Json(json!({ "carriers": carriers.names().collect::<Vec<_>>() }))
}
pub(super) fn retry_notice(reason: DeclineReason, attempts_left: Option<u32>) -> CarrierNotice {
    match reason {
        DeclineReason::WrongPin => CarrierNotice::WrongPin { attempts_left },
        _ => CarrierNotice::UnknownNumber,
    }
}
