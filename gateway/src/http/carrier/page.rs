//! The HTML steps of carrier billing: the page with the operator list,
//! number and PIN fields, and its form post (CSRF double submit, as on the
//! other checkout forms), which answers 303 to the checkout page once the
//! payment is final or the page again with the operator's answer.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::retry_notice;
use crate::carrier::Carriers;
use crate::domain::PaymentState;
use crate::http::AppState;
use crate::http::checkout_pages::{HtmlError, html};
use crate::http::client_ip::ClientIp;
use crate::http::pages::{self, CarrierNotice, CarrierView, csrf};
use crate::payments::{CarrierOutcome, CarrierPayError, PaymentError};
use crate::store::Payment;

/// The browser's `sb_csrf` cookies.
fn cookie_tokens(h: &HeaderMap) -> impl Iterator<Item = &str> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == csrf::COOKIE_NAME)
        .map(|(_, v)| v.trim_matches('"'))
}

fn well_formed(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn open_payment(app: &AppState, id: &str) -> Result<Payment, HtmlError> {
    let id = id
        .parse()
        .map_err(|_| HtmlError::from(PaymentError::NotFound))?;
    Ok(app.payments.payment(&id).await?)
}

fn see_checkout(p: &Payment) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    let to = format!("/checkout/{}", p.id.as_str());
    if let Ok(v) = header::HeaderValue::from_str(&to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn render(
    p: &Payment,
    merchant: &str,
    carriers: &Carriers,
    token: &str,
    form: Option<&PayForm>,
    notice: Option<CarrierNotice>,
) -> String {
    pages::carrier_page(&CarrierView {
        merchant_name: merchant.to_owned(),
        amount: p.amount.to_string(),
        description: p.description.clone(),
        order_id: p.order_id.clone(),
        action: format!("/checkout/{}/carrier", p.id.as_str()),
        csrf_token: token.to_owned(),
        carriers: carriers.names().map(str::to_owned).collect(),
        carrier: form.map(|f| f.carrier.clone()).unwrap_or_default(),
        msisdn: form.map(|f| f.msisdn.clone()).unwrap_or_default(),
        notice,
        back: format!("/checkout/{}", p.id.as_str()),
    })
}

async fn merchant_name(app: &AppState, p: &Payment) -> Result<String, HtmlError> {
    Ok(app
        .payments
        .store()
        .merchant(&p.merchant_id)
        .await
        .map_err(PaymentError::from)?
        .map(|m| m.name)
        .unwrap_or_default())
}

fn is_open(p: &Payment) -> bool {
    matches!(p.state, PaymentState::Created | PaymentState::Identified)
}

pub(super) async fn show(
    State(app): State<AppState>,
    Extension(carriers): Extension<Carriers>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HtmlError> {
    let p = open_payment(&app, &id).await?;
    if !is_open(&p) {
        return Ok(see_checkout(&p));
    }
    let (token, set_cookie) = match cookie_tokens(&headers).find(|t| well_formed(t)) {
        Some(t) => (t.to_owned(), None),
        None => {
            let t = csrf::Token::generate();
            let cookie = csrf::cookie_header(&t, "/", app.secure_cookies);
            (t.as_str().to_owned(), Some(cookie))
        }
    };
    let body = render(
        &p,
        &merchant_name(&app, &p).await?,
        &carriers,
        &token,
        None,
        None,
    );
    let mut resp = html(StatusCode::OK, body);
    if let Some(c) = set_cookie.and_then(|c| header::HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(resp)
}

#[derive(Deserialize)]
pub(super) struct PayForm {
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    msisdn: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    csrf_token: String,
}

/// The notice for an attempt that left the payment open.
fn notice_of(e: &CarrierPayError) -> Option<CarrierNotice> {
    Some(match e {
        CarrierPayError::Unavailable => CarrierNotice::Unavailable,
        CarrierPayError::Refused(_) => CarrierNotice::Refused,
        CarrierPayError::UnknownCarrier(_) | CarrierPayError::Payment(PaymentError::Invalid(_)) => {
            CarrierNotice::BadInput
        }
        CarrierPayError::Payment(PaymentError::RateLimited(_)) => CarrierNotice::TooManyAttempts,
        CarrierPayError::Payment(_) => return None,
    })
}

pub(super) async fn form_pay(
    State(app): State<AppState>,
    Extension(carriers): Extension<Carriers>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<PayForm>,
) -> Result<Response, HtmlError> {
    let p = open_payment(&app, &id).await?;
    if !is_open(&p) {
        return Ok(see_checkout(&p));
    }
    let merchant = merchant_name(&app, &p).await?;
    let Some(token) = cookie_tokens(&headers)
        .find(|c| !form.csrf_token.is_empty() && csrf::verify(c, &form.csrf_token))
        .map(str::to_owned)
    else {
        let t = csrf::Token::generate();
        let body = render(
            &p,
            &merchant,
            &carriers,
            t.as_str(),
            Some(&form),
            Some(CarrierNotice::FormExpired),
        );
        let mut resp = html(StatusCode::FORBIDDEN, body);
        if let Ok(c) =
            header::HeaderValue::from_str(&csrf::cookie_header(&t, "/", app.secure_cookies))
        {
            resp.headers_mut().append(header::SET_COOKIE, c);
        }
        return Ok(resp);
    };
    let again = |status, notice| {
        html(
            status,
            render(&p, &merchant, &carriers, &token, Some(&form), Some(notice)),
        )
    };
    let Some(carrier) = carriers.get(&form.carrier) else {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            CarrierNotice::BadInput,
        ));
    };
    match app
        .payments
        .pay_by_carrier(&p.id, carrier, &form.msisdn, &form.pin, &ip)
        .await
    {
        Ok(CarrierOutcome::Paid(after) | CarrierOutcome::Declined(after, _)) => {
            Ok(see_checkout(&after))
        }
        Ok(CarrierOutcome::TryAgain {
            reason,
            attempts_left,
        }) => Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            retry_notice(reason, attempts_left),
        )),
        Err(e) => match notice_of(&e) {
            Some(n @ CarrierNotice::Unavailable) => Ok(again(StatusCode::SERVICE_UNAVAILABLE, n)),
            Some(n @ CarrierNotice::TooManyAttempts) => Ok(again(StatusCode::TOO_MANY_REQUESTS, n)),
            Some(n) => Ok(again(StatusCode::UNPROCESSABLE_ENTITY, n)),
            None => match e {
                CarrierPayError::Payment(pe) => Err(pe.into()),
                _ => Err(PaymentError::Internal("carrier".into()).into()),
            },
        },
    }
}
