//! Payments for administrators: the filtered list, one payment with its
//! timeline, its codes (delivery, attempts, message ids; never the HMAC)
//! and its webhooks, and the same timeline as an HTML page.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, Denied, authorize, bearer, denial, not_found};
use crate::domain::{CustomerId, MerchantId, PaymentId, PaymentState};
use crate::http::checkout_pages::{HtmlError, html};
use crate::http::pages::{CSS_PATH, text::escape};
use crate::http::{ApiError, AppState};
use crate::payments::PaymentView;
use crate::store::{CodeRecord, Payment, PaymentFilter};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    state: Option<String>,
    merchant: Option<String>,
    customer: Option<i64>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// An empty query value (`?state=`) means "any".
fn given(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

fn payment_json(p: &Payment) -> Value {
    let mut v = serde_json::to_value(PaymentView::from(p)).unwrap_or(Value::Null);
    v["merchant_id"] = p.merchant_id.as_str().into();
    v["customer_id"] = p.customer_id.map(|c| c.0).into();
    v["msisdn"] = p.msisdn.clone().into();
    v["bank_account"] = p.bank_account.clone().into();
    v
}

fn code_json(c: &CodeRecord) -> Value {
    let ids: Vec<Value> = c
        .message_ids
        .iter()
        .map(|(smsc, id)| json!({ "smsc": smsc, "message_id": id }))
        .collect();
    json!({
        "id": c.id,
        "msisdn": c.msisdn,
        "issued_at": c.issued_at,
        "expires_at": c.expires_at,
        "attempts": c.attempts,
        "used": c.used,
        "revoked": c.revoked,
        "delivery": c.delivery.as_str(),
        "delivery_at": c.delivery_at,
        "message_ids": ids,
    })
}

pub(super) async fn list(
    _: Admin,
    State(app): State<AppState>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let state = match given(q.state) {
        Some(s) => Some(
            s.parse::<PaymentState>()
                .map_err(|_| ApiError::bad_request(format!("unknown state {s:?}")))?,
        ),
        None => None,
    };
    let merchant_id = match given(q.merchant) {
        Some(m) => Some(
            m.parse::<MerchantId>()
                .map_err(|_| ApiError::bad_request(format!("invalid merchant id {m:?}")))?,
        ),
        None => None,
    };
    let filter = PaymentFilter {
        merchant_id,
        state,
        customer_id: q.customer.map(CustomerId),
        limit: q.limit.unwrap_or(0),
        offset: q.offset.unwrap_or(0),
        ..PaymentFilter::default()
    };
    let payments = app.payments.list(filter).await?;
    let items: Vec<Value> = payments.iter().map(payment_json).collect();
    Ok(Json(json!({ "payments": items })))
}

async fn find(app: &AppState, id: &str) -> Result<Option<Payment>, ApiError> {
    let Ok(id) = id.parse::<PaymentId>() else {
        return Ok(None);
    };
    Ok(app.payments.store().payment(&id).await?)
}

pub(super) async fn one(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let p = find(&app, &id).await?.ok_or_else(|| not_found("payment"))?;
    let store = app.payments.store();
    let codes: Vec<Value> = store
        .codes_for_payment(&p.id)
        .await?
        .iter()
        .map(code_json)
        .collect();
    Ok(Json(json!({
        "payment": payment_json(&p),
        "timeline": store.timeline(&p.id).await?,
        "codes": codes,
        "webhooks": store.webhooks_for_payment(&p.id).await?,
    })))
}

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    token: Option<String>,
}

/// `GET /admin/payments/{id}`: the timeline as HTML. The token comes from
/// the header or, for a browser, `?token=`.
pub(super) async fn page(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let from_query = q.ok().and_then(|Query(q)| q.token);
    let presented = bearer(&headers).or(from_query.as_deref());
    if let Err(d) = authorize(app.admin_token.as_deref(), presented) {
        let (status, msg) = match d {
            Denied::Off => (StatusCode::NOT_FOUND, "Not found."),
            Denied::Unauthorized => (StatusCode::UNAUTHORIZED, "An admin token is required."),
        };
        return denial(d, HtmlError::new(status, msg).into_response());
    }
    let p = match find(&app, &id).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return HtmlError::new(StatusCode::NOT_FOUND, "No such payment.").into_response();
        }
        Err(e) => return HtmlError::internal(e).into_response(),
    };
    let store = app.payments.store();
    let (merchant, timeline) = match (
        store.merchant(&p.merchant_id).await,
        store.timeline(&p.id).await,
    ) {
        (Ok(m), Ok(t)) => (m.map(|m| m.name).unwrap_or_default(), t),
        (Err(e), _) | (_, Err(e)) => return HtmlError::internal(e).into_response(),
    };
    html(StatusCode::OK, timeline_page(&p, &merchant, &timeline))
}

/// "2025-01-31 12:00:00.250 UTC" for Unix milliseconds.
fn when(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3] UTC"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("{ms} ms"))
}

fn timeline_page(p: &Payment, merchant: &str, events: &[crate::store::TimelineEvent]) -> String {
    let mut rows = String::new();
    for e in events {
        let _ = writeln!(
            rows,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&when(e.at)),
            escape(&e.event),
            escape(&e.detail)
        );
    }
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>Payment {id} · Switchboard admin</title>
<link rel="stylesheet" href="{CSS_PATH}">
</head>
<body>
<main class="card admin">
<h1>Payment <span class="mono">{id}</span></h1>
<dl class="admin-summary">
<dt>State</dt><dd>{state}</dd>
<dt>Merchant</dt><dd>{merchant} (<span class="mono">{merchant_id}</span>)</dd>
<dt>Order</dt><dd class="mono">{order}</dd>
<dt>Amount</dt><dd>{amount}</dd>
<dt>Created</dt><dd>{created}</dd>
<dt>Expires</dt><dd>{expires}</dd>
</dl>
<h2>Timeline</h2>
<table class="timeline">
<thead><tr><th>Time</th><th>Event</th><th>Detail</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</main>
</body>
</html>
"#,
        id = escape(p.id.as_str()),
        state = escape(p.state.as_str()),
        merchant = escape(merchant),
        merchant_id = escape(p.merchant_id.as_str()),
        order = escape(&p.order_id),
        amount = escape(&p.amount.to_string()),
        created = escape(&when(p.created_at)),
        expires = escape(&when(p.expires_at)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_with_milliseconds() {
        assert_eq!(when(0), "1970-01-01 00:00:00.000 UTC");
        assert_eq!(when(1_700_000_000_250), "2023-11-14 22:13:20.250 UTC");
        assert_eq!(when(i64::MAX), format!("{} ms", i64::MAX));
    }

    #[test]
    fn empty_filters_mean_any() {
        assert_eq!(given(Some(" ".into())), None);
        assert_eq!(given(Some("created".into())), Some("created".into()));
    }
}
