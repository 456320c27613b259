//! The vouchers' JSON endpoints (see `http::vouchers`). Bodies are
//! `application/json` with no unknown fields; secrets are never echoed, except the backup password in the
//! purchase answer, which is its one showing.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::{Failure, VoucherState};
use crate::http::{ApiError, payment_id};
use crate::store::Voucher;
use crate::vouchers::BuyRequest;
use crate::vouchers::access::PasswordChange;

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Failure> {
    b.map(|Json(t)| t)
        .map_err(|e| ApiError::json_rejected(e).into())
}

/// A voucher as its holder sees it.
pub(super) fn view(v: &Voucher) -> Value {
    json!({
        "number": v.number,
        "amount": v.amount.to_decimal_string(),
        "balance": v.balance.to_decimal_string(),
        "currency": v.balance.currency.code(),
        "status": v.status.as_str(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PayBody {
    number: String,
    password: String,
}

pub(super) async fn pay(
    State(s): State<VoucherState>,
    Path(id): Path<String>,
    b: Result<Json<PayBody>, JsonRejection>,
) -> Result<Json<Value>, Failure> {
    let b = body(b)?;
    let id = payment_id(&id)?;
    let paid = s.vouchers.pay(&id, &b.number, &b.password).await?;
    Ok(Json(json!({
        "payment_id": paid.payment.id.as_str(),
        "state": paid.payment.state.as_str(),
        "method": paid.payment.method.as_str(),
        "voucher": { "number": paid.number, "balance": paid.balance.to_decimal_string(),
                     "currency": paid.balance.currency.code() },
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BuyBody {
    identity: String,
    password: String,
    account: Option<String>,
    amount: String,
    currency: Option<String>,
}

pub(super) async fn buy(
    State(s): State<VoucherState>,
    b: Result<Json<BuyBody>, JsonRejection>,
) -> Result<Json<Value>, Failure> {
    let b = body(b)?;
    let req = BuyRequest {
        identity: b.identity,
        password: Zeroizing::new(b.password),
        account: b.account,
        amount: b.amount,
        currency: b.currency,
    };
    let bought = s.vouchers.buy(req).await?;
    let mut v = view(&bought.voucher);
    v["backup_password"] = json!(bought.backup_password.expose());
    v["sms_sent"] = json!(bought.sms_sent);
    v["source_account"] = json!(bought.voucher.source_account);
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BalanceBody {
    number: String,
    password: String,
}

pub(super) async fn balance(
    State(s): State<VoucherState>,
    b: Result<Json<BalanceBody>, JsonRejection>,
) -> Result<Json<Value>, Failure> {
    let b = body(b)?;
    let v = s.vouchers.balance(&b.number, &b.password).await?;
    Ok(Json(view(&v)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UnlockBody {
    number: String,
    backup_password: String,
}

pub(super) async fn unlock(
    State(s): State<VoucherState>,
    b: Result<Json<UnlockBody>, JsonRejection>,
) -> Result<Json<Value>, Failure> {
    let b = body(b)?;
    let v = s.vouchers.unlock(&b.number, &b.backup_password).await?;
    Ok(Json(view(&v)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PasswordBody {
    number: String,
    password: String,
    new_password: Option<String>,
}

pub(super) async fn password(
    State(s): State<VoucherState>,
    b: Result<Json<PasswordBody>, JsonRejection>,
) -> Result<Json<Value>, Failure> {
    let b = body(b)?;
    let changed = s
        .vouchers
        .change_password(&b.number, &b.password, b.new_password.as_deref())
        .await?;
    Ok(Json(match changed {
        PasswordChange::Chosen => json!({ "changed": true, "sent_by_sms": false }),
        PasswordChange::SentBySms(sent) => {
            json!({ "changed": true, "sent_by_sms": true, "sms_sent": sent })
        }
    }))
}
