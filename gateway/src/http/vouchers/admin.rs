//! The vouchers' admin endpoints, behind the admin bearer token (as the
//! rest of `/admin/api`): list and show (with the ledger, never a hash),
//! issue one for a customer, unlock (also `admin_locked`), and run the
//! end-of-day return now. Changes are written to the audit log.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Failure, VoucherState};
use crate::domain::CustomerId;
use crate::http::ApiError;
use crate::http::admin::{Denied, authorize, bearer};
use crate::store::Voucher;

const ACTOR: &str = "admin-api";

fn check(s: &VoucherState, headers: &HeaderMap) -> Result<(), Failure> {
    authorize(s.app.admin_token.as_deref(), bearer(headers)).map_err(|d| {
        let (status, text) = match d {
            Denied::Off => (StatusCode::NOT_FOUND, "not found"),
            Denied::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "an admin bearer token is required",
            ),
        };
        ApiError::Status(status, text.into()).into()
    })
}

fn admin_view(v: &Voucher) -> Value {
    json!({
        "number": v.number,
        "customer_id": v.customer_id.0,
        "source_account": v.source_account,
        "float_account": v.float_account,
        "amount": v.amount.to_decimal_string(),
        "balance": v.balance.to_decimal_string(),
        "currency": v.balance.currency.code(),
        "status": v.status.as_str(),
        "password_failures": v.password_failures,
        "backup_failures": v.backup_failures,
        "purchase_reference": v.purchase_reference,
        "return_reference": v.return_reference,
        "reason": v.reason,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
    })
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    customer: Option<i64>,
}

pub(super) async fn list(
    State(s): State<VoucherState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, Failure> {
    check(&s, &headers)?;
    let all = s
        .vouchers
        .store()
        .list_vouchers(q.customer.map(CustomerId))
        .await?;
    Ok(Json(
        json!({ "vouchers": all.iter().map(admin_view).collect::<Vec<_>>() }),
    ))
}

pub(super) async fn one(
    State(s): State<VoucherState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Json<Value>, Failure> {
    check(&s, &headers)?;
    let store = s.vouchers.store();
    let Some(v) = store.voucher(&number).await? else {
        return Err(ApiError::Status(StatusCode::NOT_FOUND, "no such voucher".into()).into());
    };
    let mut out = admin_view(&v);
    out["transactions"] = json!(store.voucher_transactions(&number).await?);
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IssueBody {
    customer_id: i64,
    account: Option<String>,
    amount: String,
    currency: Option<String>,
}

pub(super) async fn issue(
    State(s): State<VoucherState>,
    headers: HeaderMap,
    body: Result<Json<IssueBody>, JsonRejection>,
) -> Result<Json<Value>, Failure> {
    check(&s, &headers)?;
    let Json(b) = body.map_err(ApiError::json_rejected)?;
    let bought = s
        .vouchers
        .issue(CustomerId(b.customer_id), b.account, &b.amount, b.currency)
        .await?;
    let now = s.app.payments.clock().now_ms();
    let detail = format!(
        "voucher {} for customer {}",
        bought.voucher.number, b.customer_id
    );
    s.vouchers
        .store()
        .audit(now, ACTOR, "voucher_issue", &detail)
        .await?;
    let mut out = admin_view(&bought.voucher);
    out["backup_password"] = json!(bought.backup_password.expose());
    out["sms_sent"] = json!(bought.sms_sent);
    Ok(Json(out))
}

pub(super) async fn unlock(
    State(s): State<VoucherState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Json<Value>, Failure> {
    check(&s, &headers)?;
    let store = s.vouchers.store();
    let now = s.app.payments.clock().now_ms();
    if !store.admin_unlock_voucher(&number, now).await? {
        return Err(ApiError::Status(
            StatusCode::CONFLICT,
            "no such voucher, or it is not locked".into(),
        )
        .into());
    }
    store.audit(now, ACTOR, "voucher_unlock", &number).await?;
    let v = store.voucher(&number).await?;
    Ok(Json(v.as_ref().map(admin_view).unwrap_or(Value::Null)))
}

pub(super) async fn return_unspent(
    State(s): State<VoucherState>,
    headers: HeaderMap,
) -> Result<Json<Value>, Failure> {
    check(&s, &headers)?;
    let report = s.vouchers.return_unspent().await?;
    let now = s.app.payments.clock().now_ms();
    let detail = format!("{} returned", report.returned.len());
    s.vouchers
        .store()
        .audit(now, ACTOR, "voucher_return_unspent", &detail)
        .await?;
    Ok(Json(json!(report)))
}
