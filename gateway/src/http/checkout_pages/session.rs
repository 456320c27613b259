//! The checkout session: what stops session fixation on the pages.
//!
//! Before sign-in a page reuses whatever well-formed `sb_csrf` cookie the
//! browser brings, so a value an attacker planted (or chose) could be the
//! one in use. A successful sign-in therefore issues a fresh token from the
//! CSPRNG, binds its SHA-256 to the payment in the store and sets it as an
//! `sb_csrf` cookie scoped to `/checkout/{id}` (HttpOnly, SameSite=Strict).
//! From then on the code page and the code and resend forms need that
//! token: as the cookie (browsers send the more specific path first, but
//! every `sb_csrf` value is tried) and, for forms, as the field. A browser
//! with only the old value gets 403 and the "signed in elsewhere" page, so
//! a planted value gives no access; a new sign-in replaces the binding.
//! The JSON API honours the binding too (`checkout_api::session`).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::{HtmlError, page_path};
use crate::http::AppState;
use crate::http::pages::csrf;
use crate::store::Payment;

/// What a browser without the payment's session is told.
pub(super) const ELSEWHERE: &str = "This payment was signed in from another browser or tab. \
     For your safety the code step stays there; to pay here, go back to the shop and start again.";

/// Every `sb_csrf` value the request carries.
pub(crate) fn cookie_tokens(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == csrf::COOKIE_NAME)
        .map(|(_, v)| v.trim_matches('"'))
}

/// The payment's session token among the request's cookies, if the
/// browser holds it.
pub(super) async fn held(
    app: &AppState,
    p: &Payment,
    headers: &HeaderMap,
) -> Result<Option<String>, HtmlError> {
    let Some(bound) = app.payments.store().checkout_session(&p.id).await? else {
        return Ok(None);
    };
    Ok(cookie_tokens(headers)
        .find(|t| csrf::matches_digest(t, &bound))
        .map(str::to_owned))
}

/// Whether `token` is the payment's session token.
pub(super) async fn is_session(
    app: &AppState,
    p: &Payment,
    token: &str,
) -> Result<bool, HtmlError> {
    let bound = app.payments.store().checkout_session(&p.id).await?;
    Ok(bound.is_some_and(|b| csrf::matches_digest(token, &b)))
}

/// The refusal for a browser without the session.
pub(super) fn elsewhere() -> HtmlError {
    HtmlError::new(StatusCode::FORBIDDEN, ELSEWHERE)
}

/// Starts a new session for `p` after a sign-in: binds it and sets its
/// cookie on `resp`.
pub(super) async fn start(
    app: &AppState,
    p: &Payment,
    mut resp: Response,
) -> Result<Response, HtmlError> {
    let token = csrf::Token::generate();
    let now = app.payments.clock().now_ms();
    app.payments
        .store()
        .bind_checkout_session(&p.id, csrf::digest(token.as_str()), now)
        .await?;
    let cookie = csrf::cookie_header(&token, &page_path(&p.id), app.secure_cookies);
    let value = HeaderValue::from_str(&cookie).map_err(HtmlError::internal)?;
    resp.headers_mut().append(header::SET_COOKIE, value);
    Ok(resp)
}
