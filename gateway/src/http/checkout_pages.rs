//! The checkout as server-rendered pages that work without JavaScript.
//!
//! `GET /checkout/{id}` shows the page the payment's state calls for
//! (sign in, code entry, result; `views` fills the view structs of
//! [`super::pages`] from the store). The forms post to
//! `/checkout/{id}/identify`, `/code`, `/resend` and `/cancel` (`forms`); each answer
//! is a 303 back to the page (post/redirect/get) or the same page again
//! with a fixed, generic notice. `GET /checkout/{id}/status` answers
//! `{"delivery","state"}` for the page's polling script, and the stylesheet
//! and script are served from [`super::pages::CSS_PATH`] and `JS_PATH`.
//!
//! CSRF: double submit. The page sets the `sb_csrf` cookie (HttpOnly,
//! SameSite=Strict, path `/`, so the JSON API's guard sees it too) and puts
//! the same token in every form; a POST whose field does not equal the
//! cookie (constant-time) gets 403 and the page again with a fresh token.
//! A sign-in starts a new session token bound to the payment (`session`:
//! no session fixation); the code page and its forms need it. Every HTML
//! answer carries the pages' Content-Security-Policy, `Cache-Control:
//! no-store`, `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`.
//!
//! The sign-in and code pages carry a "Cancel payment and return" form
//! (`/checkout/{id}/cancel`, CSRF-protected, after sign-in only from the
//! signed-in browser); it cancels unless the money may already be moving,
//! and the result page links back to the shop.

mod failure;
mod forms;
pub(crate) mod session;
mod token;
mod views;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::pages::{self, CodeNotice};
use super::{ApiError, AppState};
use crate::domain::PaymentId;
use crate::payments::PaymentError;
use crate::store::Payment;
use token::Csrf;

pub(crate) use failure::HtmlError;

/// Path of the page's CSRF cookie: the checkout pages and the JSON API.
const COOKIE_PATH: &str = "/";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checkout/{id}", get(show))
        .route("/checkout/{id}/identify", post(forms::identify))
        .route("/checkout/{id}/code", post(forms::code))
        .route("/checkout/{id}/resend", post(forms::resend))
        .route("/checkout/{id}/cancel", post(forms::cancel))
        .route("/checkout/{id}/status", get(status))
        .route(pages::CSS_PATH, get(css))
        .route(pages::JS_PATH, get(js))
}

/// The headers every HTML answer (checkout and admin) carries.
fn protect(h: &mut HeaderMap) {
    let set = |h: &mut HeaderMap, name, value| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        pages::CONTENT_SECURITY_POLICY,
    );
    set(h, header::CACHE_CONTROL, "no-store");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
}

/// An HTML document with the protective headers.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    protect(h);
    resp
}

/// 303 to `location` (a path on this gateway).
fn see_other(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn page_path(id: &PaymentId) -> String {
    format!("/checkout/{}", id.as_str())
}

async fn load(app: &AppState, id: &str) -> Result<Payment, HtmlError> {
    let id: PaymentId = id.parse().map_err(|_| HtmlError::not_found())?;
    Ok(app.payments.payment(&id).await?)
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    notice: Option<String>,
}

async fn show(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<ShowQuery>, QueryRejection>,
) -> Result<Response, HtmlError> {
    let p = load(&app, &id).await?;
    // The code step is for the browser that signed in, and no other.
    let csrf = if p.state == crate::domain::PaymentState::CodeSent {
        let token = session::held(&app, &p, &headers).await?;
        Csrf::known(token.ok_or_else(session::elsewhere)?)
    } else {
        Csrf::for_request(&headers, app.secure_cookies)
    };
    let sent = query.is_ok_and(|Query(q)| q.notice.as_deref() == Some("sent"));
    let notice = views::Notice {
        code: sent.then_some(CodeNotice::NewCodeSent),
        ..views::Notice::default()
    };
    let body = views::render(&app, &p, &csrf.token, &notice).await?;
    Ok(csrf.attach(html(StatusCode::OK, body)))
}

async fn status(State(app): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id: PaymentId = id
        .parse()
        .map_err(|_| ApiError::Payment(PaymentError::NotFound))?;
    let p = app.payments.payment(&id).await?;
    let code = app.payments.store().latest_code(&p.id).await?;
    let delivery = code.map(|c| views::delivery(c.delivery).as_str());
    let mut resp = Json(json!({ "delivery": delivery, "state": p.state.as_str() })).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", pages::CHECKOUT_CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", pages::CHECKOUT_JS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_answers_carry_the_protective_headers() {
        let resp = html(StatusCode::FORBIDDEN, "<p>x</p>".into());
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let h = resp.headers();
        assert_eq!(
            h[header::CONTENT_SECURITY_POLICY],
            pages::CONTENT_SECURITY_POLICY
        );
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
        let r = see_other("/checkout/pay_x?notice=sent");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[header::LOCATION], "/checkout/pay_x?notice=sent");
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/html"))
        );
    }
}
