//! The checkout's voucher step (`/checkout/{id}/voucher`) and the CSRF
//! and notice helpers the holder's pages (`holder`) share. A paid checkout
//! goes back to `/checkout/{id}` (post/redirect/get: it shows the result);
//! a refusal shows the same page again with a fixed notice. CSRF: double
//! submit with the checkout's `sb_csrf` cookie (path `/`): a form's field
//! must equal one of the browser's `sb_csrf` values (constant time).

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::VoucherState;
use crate::domain::PaymentId;
use crate::http::checkout_pages::session::cookie_tokens;
use crate::http::checkout_pages::{HtmlError, html};
use crate::http::pages::{self, VoucherPayView, csrf};
use crate::payments::PaymentError;
use crate::store::Payment;
use crate::vouchers::VoucherError;

pub(super) const EXPIRED: &str = "This form has expired. Please enter your details again.";

/// The token a page renders, and the cookie to set when it is new.
pub(super) struct PageCsrf {
    pub(super) token: String,
    pub(super) set_cookie: Option<String>,
}

pub(super) fn csrf_for(headers: &HeaderMap, secure: bool) -> PageCsrf {
    let known =
        cookie_tokens(headers).find(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    match known {
        Some(t) => PageCsrf {
            token: t.to_owned(),
            set_cookie: None,
        },
        None => {
            let t = csrf::Token::generate();
            PageCsrf {
                set_cookie: Some(csrf::cookie_header(&t, "/", secure)),
                token: t.as_str().to_owned(),
            }
        }
    }
}

pub(super) fn csrf_ok(headers: &HeaderMap, field: &str) -> bool {
    cookie_tokens(headers).any(|c| csrf::verify(c, field))
}

pub(super) fn respond(status: StatusCode, body: String, c: PageCsrf) -> Response {
    let mut resp = html(status, body);
    if let Some(cookie) = c.set_cookie
        && let Ok(v) = HeaderValue::from_str(&cookie)
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn see_other(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// The shopper-facing line for a refusal, and its status; `None` for
/// failures shown as the error page.
pub(super) fn notice_of(e: &VoucherError) -> Option<(StatusCode, String)> {
    Some(match e {
        VoucherError::Refused => (
            StatusCode::UNAUTHORIZED,
            "The voucher number or password is wrong, or the voucher is locked.".into(),
        ),
        VoucherError::SignInFailed => (
            StatusCode::UNAUTHORIZED,
            "The identity or password is wrong.".into(),
        ),
        VoucherError::Invalid(why) => (StatusCode::BAD_REQUEST, format!("Please check: {why}.")),
        VoucherError::BankDeclined(_) => (
            StatusCode::PAYMENT_REQUIRED,
            "Your bank declined the transfer; nothing was bought.".into(),
        ),
        VoucherError::BankUnavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The bank is unavailable; nothing was charged. Please try again.".into(),
        ),
        VoucherError::InsufficientBalance { balance } => (
            StatusCode::PAYMENT_REQUIRED,
            format!("The voucher's balance ({balance}) does not cover this payment."),
        ),
        VoucherError::CurrencyMismatch => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "The voucher is in another currency than this payment.".into(),
        ),
        VoucherError::Payment(_) | VoucherError::Internal(_) => return None,
    })
}

async fn open_payment(s: &VoucherState, id: &str) -> Result<Payment, HtmlError> {
    let missing = || HtmlError::new(StatusCode::NOT_FOUND, "This payment does not exist.");
    let id: PaymentId = id.parse().map_err(|_| missing())?;
    match s.app.payments.payment(&id).await {
        Ok(p) => Ok(p),
        Err(PaymentError::NotFound) => Err(missing()),
        Err(e) => Err(HtmlError::internal(e)),
    }
}

async fn pay_view(
    s: &VoucherState,
    p: &Payment,
    token: String,
) -> Result<VoucherPayView, HtmlError> {
    let merchant = s
        .app
        .payments
        .store()
        .merchant(&p.merchant_id)
        .await
        .map_err(HtmlError::internal)?;
    Ok(VoucherPayView {
        merchant_name: merchant.map(|m| m.name).unwrap_or_default(),
        amount: p.amount.to_string(),
        description: p.description.clone(),
        order_id: p.order_id.clone(),
        action: format!("/checkout/{}/voucher", p.id),
        back: format!("/checkout/{}", p.id),
        csrf_token: token,
        number: String::new(),
        notice: None,
    })
}

pub(super) async fn pay_page(
    State(s): State<VoucherState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HtmlError> {
    let p = open_payment(&s, &id).await?;
    if p.state.is_final() {
        return Ok(see_other(&format!("/checkout/{}", p.id)));
    }
    let c = csrf_for(&headers, s.app.secure_cookies);
    let v = pay_view(&s, &p, c.token.clone()).await?;
    Ok(respond(StatusCode::OK, pages::voucher_pay_page(&v), c))
}

#[derive(Deserialize)]
pub(super) struct PayForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

pub(super) async fn pay_form(
    State(s): State<VoucherState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<PayForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    let p = open_payment(&s, &id).await?;
    let Ok(Form(f)) = form else {
        return Err(HtmlError::new(
            StatusCode::BAD_REQUEST,
            "The form was malformed.",
        ));
    };
    let password = Zeroizing::new(f.password);
    if !csrf_ok(&headers, &f.csrf_token) {
        let c = csrf_for(&headers, s.app.secure_cookies);
        let mut v = pay_view(&s, &p, c.token.clone()).await?;
        v.notice = Some(EXPIRED.into());
        return Ok(respond(
            StatusCode::FORBIDDEN,
            pages::voucher_pay_page(&v),
            c,
        ));
    }
    match s.vouchers.pay(&p.id, &f.number, &password).await {
        Ok(_) | Err(VoucherError::Payment(PaymentError::WrongState(_))) => {
            Ok(see_other(&format!("/checkout/{}", p.id)))
        }
        Err(e) => {
            let Some((status, text)) = notice_of(&e) else {
                return Err(HtmlError::internal(e));
            };
            let c = PageCsrf {
                token: f.csrf_token,
                set_cookie: None,
            };
            let mut v = pay_view(&s, &p, c.token.clone()).await?;
            v.number = f.number;
            v.notice = Some(text);
            Ok(respond(status, pages::voucher_pay_page(&v), c))
        }
    }
}
