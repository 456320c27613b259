//! The checkout forms: identify (identity, password, method, optional
//! terminal and account), code, resend (optional terminal). Each checks the
//! CSRF token first (code and resend also the sign-in's session, see
//! `session`), then calls the payment service; success is a 303 back
//! to the page, a refusal the page again with its fixed notice and the
//! status the JSON API would give. A payment that moved on meanwhile
//! (final, or past this step) is a 303 to whatever it shows now.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::views::{self, Notice};
use super::{Csrf, HtmlError, html, load, page_path, see_other, session};
use crate::domain::{Password, PaymentState};
use crate::http::client_ip::ClientIp;
use crate::http::pages::{CodeNotice, IdentifyNotice};
use crate::http::{ApiError, AppState};
use crate::payments::{IdentifyRequest, PaymentError};
use crate::store::Payment;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IdentifyForm {
    identity: String,
    password: String,
    #[serde(default)]
    csrf_token: String,
    method: Option<String>,
    terminal: Option<String>,
    account: Option<String>,
    /// Another number for the code, when the policy shows the field.
    send_to: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CodeForm {
    code: String,
    #[serde(default)]
    csrf_token: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResendForm {
    terminal: Option<String>,
    #[serde(default)]
    csrf_token: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CancelForm {
    #[serde(default)]
    csrf_token: String,
}

/// The page again for `p` (reloaded: the refusal may have changed it).
async fn again(
    app: &AppState,
    p: &Payment,
    status: StatusCode,
    csrf: Csrf,
    notice: Notice,
) -> Result<Response, HtmlError> {
    let p = app.payments.payment(&p.id).await?;
    let body = views::render(app, &p, &csrf.token, &notice).await?;
    Ok(csrf.attach(html(status, body)))
}

/// A POST without the right CSRF token: 403 and the page with a new token
/// (or, on the code step, with the session's if this browser holds it).
async fn refuse_csrf(
    app: &AppState,
    p: &Payment,
    headers: &HeaderMap,
) -> Result<Response, HtmlError> {
    let csrf = if p.state == PaymentState::CodeSent {
        let token = session::held(app, p, headers).await?;
        Csrf::known(token.ok_or_else(session::elsewhere)?)
    } else {
        Csrf::fresh(app.secure_cookies)
    };
    let notice = Notice {
        identify: Some(IdentifyNotice::FormExpired),
        code: Some(CodeNotice::FormExpired),
        identity: String::new(),
    };
    again(app, p, StatusCode::FORBIDDEN, csrf, notice).await
}

/// After sign-in, the code and resend forms are the session's only: a
/// payment that is identified or waiting for its code refuses any other
/// token (403). Before sign-in and once final there is nothing to take, and
/// the service answers those states itself.
async fn require_session(app: &AppState, p: &Payment, csrf: &Csrf) -> Result<(), HtmlError> {
    let open = matches!(p.state, PaymentState::Identified | PaymentState::CodeSent);
    if open && !session::is_session(app, p, &csrf.token).await? {
        return Err(session::elsewhere());
    }
    Ok(())
}

/// The forms of the code step carry a CSRF token.
trait TokenField {
    fn csrf_token(&self) -> &str;
}

macro_rules! token_field {
    ($($t:ty),*) => {$(
        impl TokenField for $t {
            fn csrf_token(&self) -> &str {
                &self.csrf_token
            }
        }
    )*};
}
token_field!(CodeForm, ResendForm, CancelForm);

/// A form of the code step that may act: the payment, the form and the
/// browser's token, or the answer that refuses it (a bad form, a CSRF
/// token that does not match, another browser after sign-in).
async fn signed_form<T: TokenField>(
    app: &AppState,
    id: &str,
    headers: &HeaderMap,
    form: Result<Form<T>, FormRejection>,
) -> Result<Result<(Payment, T, Csrf), Response>, HtmlError> {
    let p = load(app, id).await?;
    let Form(f) = form.map_err(|_| HtmlError::bad_request())?;
    let Some(csrf) = Csrf::check(headers, f.csrf_token()) else {
        return refuse_csrf(app, &p, headers).await.map(Err);
    };
    require_session(app, &p, &csrf).await?;
    Ok(Ok((p, f, csrf)))
}

/// The code page again with `notice`, with the status `e` gets in JSON.
async fn code_again(
    app: &AppState,
    p: &Payment,
    csrf: Csrf,
    notice: CodeNotice,
    e: PaymentError,
) -> Result<Response, HtmlError> {
    let n = Notice {
        code: Some(notice),
        ..Notice::default()
    };
    again(app, p, ApiError::Payment(e).status(), csrf, n).await
}

/// Refusals with no notice of their own: back to the page if the payment
/// moved on, else the error page.
fn other_failure(p: &Payment, e: PaymentError) -> Result<Response, HtmlError> {
    match e {
        PaymentError::WrongState(_) => Ok(see_other(&page_path(&p.id))),
        PaymentError::RateLimited(_) => Err(HtmlError::new(
            StatusCode::TOO_MANY_REQUESTS,
            IdentifyNotice::TooManyAttempts.text(),
        )),
        e => Err(e.into()),
    }
}

/// A terminal id from a form: absent or empty is none; anything else must
/// be a number.
fn terminal_id(field: Option<String>) -> Result<Option<i64>, HtmlError> {
    match field.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| HtmlError::bad_request()),
    }
}

pub(super) async fn identify(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<IdentifyForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    let p = load(&app, &id).await?;
    let Form(f) = form.map_err(|_| HtmlError::bad_request())?;
    let Some(csrf) = Csrf::check(&headers, &f.csrf_token) else {
        return refuse_csrf(&app, &p, &headers).await;
    };
    if f.method.as_deref().is_some_and(|m| m != "sms") {
        return Err(HtmlError::bad_request());
    }
    let terminal = terminal_id(f.terminal)?;
    let identity = f.identity.trim().to_owned();
    let failed = |n| Notice {
        identify: Some(n),
        code: None,
        identity: identity.clone(),
    };
    // A password the rules would never accept is refused like a wrong one.
    let Ok(password) = Password::new(f.password) else {
        let n = failed(IdentifyNotice::SignInFailed);
        return again(&app, &p, StatusCode::UNAUTHORIZED, csrf, n).await;
    };
    let req = IdentifyRequest {
        identity: identity.clone(),
        password,
        terminal,
        account: f.account.filter(|a| !a.trim().is_empty()),
        send_to: f.send_to.filter(|n| !n.trim().is_empty()),
        ip,
    };
    let e = match app.payments.identify(&p.id, req).await {
        Ok(_) => return session::start(&app, &p, see_other(&page_path(&p.id))).await,
        Err(e) => e,
    };
    let notice = match &e {
        PaymentError::SignInFailed => IdentifyNotice::SignInFailed,
        PaymentError::RateLimited(_) => IdentifyNotice::TooManyAttempts,
        PaymentError::SmsUnavailable => IdentifyNotice::SmsUnavailable,
        PaymentError::PhoneLimit(_) | PaymentError::PrefixLimit(_) => IdentifyNotice::PhoneLimit,
        _ => return other_failure(&p, e),
    };
    let status = ApiError::Payment(e).status();
    again(&app, &p, status, csrf, failed(notice)).await
}

pub(super) async fn code(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    let (p, f, csrf) = match signed_form(&app, &id, &headers, form).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    // People copy codes with spaces ("483 920"); the digits are what count.
    let code: String = f.code.chars().filter(|c| !c.is_whitespace()).collect();
    let e = match app.payments.confirm(&p.id, &code, &ip).await {
        Ok(_) => return Ok(see_other(&page_path(&p.id))),
        Err(e) => e,
    };
    let notice = match &e {
        PaymentError::WrongCode { .. } => CodeNotice::WrongCode,
        PaymentError::CodeRevoked => CodeNotice::CodeRevoked,
        PaymentError::CodeExpired => CodeNotice::CodeExpired,
        _ => return other_failure(&p, e),
    };
    code_again(&app, &p, csrf, notice, e).await
}

pub(super) async fn resend(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ResendForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    let (p, f, csrf) = match signed_form(&app, &id, &headers, form).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    let terminal = terminal_id(f.terminal)?;
    let e = match app.payments.resend(&p.id, terminal, &ip).await {
        Ok(_) => return Ok(see_other(&format!("{}?notice=sent", page_path(&p.id)))),
        Err(e) => e,
    };
    let notice = match &e {
        PaymentError::ResendTooSoon(_) => CodeNotice::ResendTooSoon,
        PaymentError::ResendLimit => CodeNotice::ResendLimit,
        PaymentError::PhoneLimit(_) | PaymentError::PrefixLimit(_) => CodeNotice::PhoneLimit,
        PaymentError::SmsUnavailable => CodeNotice::SmsUnavailable,
        _ => return other_failure(&p, e),
    };
    code_again(&app, &p, csrf, notice, e).await
}

/// The shopper cancels: before sign-in with the page's CSRF token, after
/// it only from the signed-in browser. The result page then offers the
/// way back to the shop; a payment whose money may be moving is not
/// cancelled and its page shows what it is now.
pub(super) async fn cancel(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CancelForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    let (p, _, _) = match signed_form(&app, &id, &headers, form).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    match app.payments.cancel_by_shopper(&p.id).await {
        Ok(_) | Err(PaymentError::WrongState(_)) => Ok(see_other(&page_path(&p.id))),
        Err(e) => other_failure(&p, e),
    }
}

#[cfg(test)]
#[path = "forms_tests.rs"]
mod tests;
