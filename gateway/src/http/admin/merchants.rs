//! Merchants and the audit log for administrators: the merchant list
//! (without webhook secrets), revocation (the merchant API refuses the
//! certificate from the next request on; audited) and `GET audit?limit=`
//! (newest first, default 100, at most 1000).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ACTOR, Admin, not_found, now};
use crate::domain::MerchantId;
use crate::http::{ApiError, AppState};
use crate::store::{Merchant, MerchantStatus};

const AUDIT_DEFAULT: usize = 100;
const AUDIT_MAX: usize = 1000;

fn merchant_json(m: &Merchant) -> Value {
    json!({
        "id": m.id.as_str(),
        "name": m.name,
        "status": m.status.as_str(),
        "cert_fingerprint": m.cert_fingerprint,
        "webhook_url": m.webhook_url,
        "bank_account": m.bank_account,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    })
}

pub(super) async fn list(_: Admin, State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    let all = app.payments.store().list_merchants().await?;
    let items: Vec<Value> = all.iter().map(merchant_json).collect();
    Ok(Json(json!({ "merchants": items })))
}

pub(super) async fn revoke(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id: MerchantId = id.parse().map_err(|_| not_found("merchant"))?;
    let store = app.payments.store();
    if store.merchant(&id).await?.is_none() {
        return Err(not_found("merchant"));
    }
    let at = now(&app);
    store
        .set_merchant_status(&id, MerchantStatus::Revoked, at)
        .await?;
    store
        .audit(at, ACTOR, "merchants revoke", id.as_str())
        .await?;
    let m = store
        .merchant(&id)
        .await?
        .ok_or_else(|| not_found("merchant"))?;
    Ok(Json(merchant_json(&m)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditQuery {
    limit: Option<usize>,
}

fn audit_limit(asked: Option<usize>) -> usize {
    asked.unwrap_or(AUDIT_DEFAULT).clamp(1, AUDIT_MAX)
}

pub(super) async fn audit(
    _: Admin,
    State(app): State<AppState>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let entries = app.payments.store().audit_log(audit_limit(q.limit)).await?;
    Ok(Json(json!({ "audit": entries })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_limit_defaults_and_clamps() {
        assert_eq!(audit_limit(None), AUDIT_DEFAULT);
        assert_eq!(audit_limit(Some(0)), 1);
        assert_eq!(audit_limit(Some(5)), 5);
        assert_eq!(audit_limit(Some(1_000_000)), AUDIT_MAX);
    }

    #[test]
    fn merchant_json_leaves_the_webhook_secret_out() {
        let m = Merchant {
            id: "mer_test1".parse().expect("id"),
            name: "ACME".into(),
            status: MerchantStatus::Revoked,
            cert_fingerprint: None,
            webhook_url: Some("https://acme.example/hook".into()),
            webhook_secret: "whsec-very-secret".into(),
            bank_account: "GB00ACME".into(),
            created_at: 1,
            updated_at: 2,
        };
        let v = merchant_json(&m);
        assert_eq!(v["status"], "revoked");
        assert!(!v.to_string().contains("whsec-very-secret"));
    }
}
