//! Customers for administrators: list, details (masked ID document,
//! identities, terminals, accounts, status, lockout counters, limits),
//! registration and unlock, through [`crate::customers::CustomerService`].
//!
//! `POST /admin/api/customers` takes `{"name", "id_document", "identities":
//! [..], "password", "terminals": [{"msisdn", "kind"?, "label"?}],
//! "accounts": [..], "limits"?: {"per_payment"?: "GBP 500.00", "per_day"?:
//! ..}, "locale"?}` and answers 201 with the customer and its backup code,
//! which is not stored in clear and cannot be shown again.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ACTOR, Admin, not_found, now};
use crate::customers::{CustomerDetails, CustomerError, Registration};
use crate::domain::{CustomerId, Money, OnlineIdentity, Password};
use crate::http::{ApiError, AppState};
use crate::sms::Locale;
use crate::store::{NewTerminal, StoreError, TerminalKind};

fn customer_json(d: &CustomerDetails) -> Value {
    let c = &d.customer;
    let mut v = serde_json::to_value(d.summary()).unwrap_or(Value::Null);
    v["password_failures"] = c.password_failures.into();
    v["backup_failures"] = c.backup_failures.into();
    v["limit_per_payment"] = c.limit_per_payment.map(|m| m.to_string()).into();
    v["limit_per_day"] = c.limit_per_day.map(|m| m.to_string()).into();
    v["locale"] = c.locale.clone().into();
    v["created_at"] = c.created_at.into();
    v["updated_at"] = c.updated_at.into();
    v
}

fn customer_error(e: CustomerError) -> ApiError {
    match e {
        CustomerError::Invalid(m) => ApiError::bad_request(m),
        CustomerError::NotFound(_) => not_found("customer"),
        CustomerError::Store(StoreError::Duplicate(what)) => {
            ApiError::Status(StatusCode::CONFLICT, format!("already registered: {what}"))
        }
        other => ApiError::Internal(other.to_string()),
    }
}

fn customer_id(id: &str) -> Result<CustomerId, ApiError> {
    id.parse()
        .map(CustomerId)
        .map_err(|_| not_found("customer"))
}

pub(super) async fn list(_: Admin, State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    let all = app
        .payments
        .customers()
        .list()
        .await
        .map_err(customer_error)?;
    let items: Vec<Value> = all.iter().map(customer_json).collect();
    Ok(Json(json!({ "customers": items })))
}

async fn details(app: &AppState, id: CustomerId) -> Result<Value, ApiError> {
    let d = app
        .payments
        .customers()
        .details(id)
        .await
        .map_err(customer_error)?;
    d.as_ref()
        .map(customer_json)
        .ok_or_else(|| not_found("customer"))
}

pub(super) async fn one(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(details(&app, customer_id(&id)?).await?))
}

pub(super) async fn unlock(
    _: Admin,
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = customer_id(&id)?;
    app.payments
        .customers()
        .admin_unlock(id, ACTOR, now(&app))
        .await
        .map_err(customer_error)?;
    Ok(Json(details(&app, id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegisterBody {
    name: String,
    id_document: String,
    identities: Vec<String>,
    password: String,
    #[serde(default)]
    terminals: Vec<TerminalBody>,
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    limits: LimitsBody,
    locale: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TerminalBody {
    msisdn: String,
    kind: Option<TerminalKind>,
    #[serde(default)]
    label: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsBody {
    per_payment: Option<String>,
    per_day: Option<String>,
}

/// The registration a request asks for, every value checked; messages
/// name the field (they never echo the password).
fn registration(b: RegisterBody) -> Result<Registration, String> {
    let identities = b
        .identities
        .iter()
        .map(|s| OnlineIdentity::parse(s).map_err(|e| format!("identities: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let terminals = b
        .terminals
        .into_iter()
        .map(|t| match OnlineIdentity::parse(&t.msisdn) {
            Ok(id) if id.kind() == crate::domain::IdentityKind::Phone => Ok(NewTerminal {
                msisdn: id.value().to_owned(),
                kind: t.kind.unwrap_or(TerminalKind::Phone),
                label: t.label,
            }),
            _ => Err(format!("terminals: {:?} is not a phone number", t.msisdn)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let money = |field: &str, v: Option<String>| -> Result<Option<Money>, String> {
        v.map(|s| {
            s.parse::<Money>()
                .map_err(|e| format!("limits.{field}: {e}"))
        })
        .transpose()
    };
    let locale = match b.locale.as_deref() {
        Some(l) => Locale::parse(l).ok_or_else(|| format!("unknown locale {l:?}"))?,
        None => Locale::default(),
    };
    Ok(Registration {
        name: b.name,
        id_document: b.id_document,
        identities,
        password: Password::new(b.password).map_err(|e| format!("password: {e}"))?,
        backup_code: None,
        terminals,
        accounts: b.accounts,
        limit_per_payment: money("per_payment", b.limits.per_payment)?,
        limit_per_day: money("per_day", b.limits.per_day)?,
        locale,
    })
}

pub(super) async fn register(
    _: Admin,
    State(app): State<AppState>,
    body: Result<Json<RegisterBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body.map_err(ApiError::json_rejected)?;
    let r = registration(body).map_err(ApiError::bad_request)?;
    let name = r.name.clone();
    let at = now(&app);
    let customers = app.payments.customers();
    let (id, backup) = customers.register(r, at).await.map_err(customer_error)?;
    app.payments
        .store()
        .audit(at, ACTOR, "customers add", &format!("{id} ({name})"))
        .await?;
    // The confirmation SMS goes out in the background: an SMSC that is slow
    // or down must not hold up (or undo) the registration.
    let payments = app.payments.clone();
    tokio::spawn(async move {
        if let Err(e) = payments.send_registration_sms(id).await {
            tracing::warn!(customer = %id, error = %e, "registration SMS failed");
        }
    });
    // Dedicated terminals (stb-card) get their key now; this response is
    // the only place it is ever shown.
    let keys = customers
        .provision_terminal_keys(id, &[], at)
        .await
        .map_err(customer_error)?;
    let mut v = details(&app, id).await?;
    v["backup_code"] = backup.expose().into();
    v["terminal_keys"] = keys.iter().map(|k| k.to_json()).collect::<Vec<_>>().into();
    Ok((StatusCode::CREATED, Json(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: Value) -> Result<Registration, String> {
        let b: RegisterBody = serde_json::from_value(json).map_err(|e| e.to_string())?;
        registration(b)
    }

    fn base() -> Value {
        json!({
            "name": "Dora", "id_document": "X9876543", "identities": ["+447700900404", "dora"],
            "password": "dora-pass-1", "terminals": [{"msisdn": "+447700900404"}],
            "accounts": ["GB00DORA"], "limits": {"per_payment": "GBP 100.00"}, "locale": "zh-CN"
        })
    }

    #[test]
    fn a_full_registration_parses_into_domain_values() {
        let r = body(base()).expect("valid");
        assert_eq!(r.identities.len(), 2);
        assert_eq!(r.terminals[0].msisdn, "447700900404");
        assert_eq!(r.terminals[0].kind, TerminalKind::Phone);
        assert_eq!(r.limit_per_payment.map(|m| m.minor), Some(10_000));
        assert_eq!(r.locale, Locale::ZhCn);
    }

    #[test]
    fn bad_fields_are_named_and_the_password_never_echoed() {
        let cases = [
            ("password", json!("short"), "password"),
            ("terminals", json!([{"msisdn": "dora"}]), "terminals"),
            ("limits", json!({"per_day": "12"}), "limits.per_day"),
            ("locale", json!("xx"), "locale"),
            ("identities", json!(["a b"]), "identities"),
        ];
        for (field, value, named) in cases {
            let mut b = base();
            b[field] = value;
            let err = body(b).expect_err(field);
            assert!(err.contains(named), "{field}: {err}");
            assert!(!err.contains("dora-pass-1"));
        }
        let mut b = base();
        b["admin"] = json!(true);
        assert!(body(b).is_err(), "unknown fields are refused");
    }
}
