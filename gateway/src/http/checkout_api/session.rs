//! The pages' checkout session, as the JSON API honours it.
//!
//! A payment signed in on the pages has its code step bound to that
//! browser (`checkout_pages::session`). Without this module the JSON API
//! would be a side door around it: anyone holding the payment id could
//! enter codes, send codes to the customer's other terminals, switch the
//! debited account or read the linked accounts. So for a bound payment the
//! code, resend and account steps need the session's token (the
//! `X-CSRF-Token` header or an `sb_csrf` cookie), else 403
//! `session_required`, and the state answer leaves out the terminals and
//! accounts. A sign-in through the JSON API ends the binding: whoever
//! signed in last, with the password, owns the code step.

use axum::http::{HeaderMap, StatusCode};

use super::guard::HEADER;
use crate::domain::PaymentId;
use crate::http::checkout_pages::session::cookie_tokens;
use crate::http::pages::csrf;
use crate::http::{ApiError, AppState};

/// Whether the request may act on `id`'s code step: no session is bound,
/// or the request holds it.
pub(super) async fn allowed(
    app: &AppState,
    id: &PaymentId,
    headers: &HeaderMap,
) -> Result<bool, ApiError> {
    let Some(bound) = app.payments.store().checkout_session(id).await? else {
        return Ok(true);
    };
    let header = headers.get(HEADER).and_then(|v| v.to_str().ok());
    Ok(header
        .into_iter()
        .chain(cookie_tokens(headers))
        .any(|t| csrf::matches_digest(t, &bound)))
}

/// Fails with 403 `session_required` unless [`allowed`].
pub(super) async fn require(
    app: &AppState,
    id: &PaymentId,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if allowed(app, id, headers).await? {
        return Ok(());
    }
    Err(ApiError::Refused {
        status: StatusCode::FORBIDDEN,
        code: "session_required",
        message: "this payment was signed in on the checkout pages; only that browser \
                  session can continue it",
    })
}
