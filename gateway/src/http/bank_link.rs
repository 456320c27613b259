//! The bank's side of registration: `POST /bank/v1/sms-method`, where the
//! customer's bank opens or cancels the SMS payment method for one of its
//! accounts (see `payments::bank_link`). Authenticated with the bearer
//! token of `[bank_link] token`; without one configured the endpoint does
//! not exist (404). The body is checked here, once:
//!
//! ```json
//! {"reference": "bank-7781", "action": "open", "account": "GB33SWBK00000000000101",
//!  "msisdn": "447700900101"}
//! ```
//!
//! 200 with `customers` (how many gateway customers hold the account),
//! `terminals_added`, `replayed` and `confirmation_sent`; 400 for a bad
//! field, 401 for a wrong token, 409 for a reference reused for another
//! instruction.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::{Denied, authorize, bearer};
use super::{ApiError, AppState};
use crate::store::{BankInstruction, SmsMethodAction};

pub fn router() -> Router<AppState> {
    Router::new().route("/bank/v1/sms-method", post(sms_method))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    reference: String,
    action: String,
    account: String,
    msisdn: String,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request(msg)
}

/// The instruction in `body`, or what is wrong with it.
fn instruction(body: Body) -> Result<BankInstruction, ApiError> {
    let reference = body.reference.trim().to_owned();
    if reference.is_empty()
        || reference.len() > 64
        || !reference.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(bad("reference must be 1 to 64 visible ASCII characters"));
    }
    let action = match body.action.as_str() {
        "open" => SmsMethodAction::Open,
        "cancel" => SmsMethodAction::Cancel,
        _ => return Err(bad("action must be \"open\" or \"cancel\"")),
    };
    let account = body.account.trim().to_owned();
    if account.len() < 4
        || account.len() > 34
        || !account.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(bad(
            "account must be 4 to 34 letters and digits (an IBAN or account number)",
        ));
    }
    let msisdn: wire::msisdn::Msisdn = body
        .msisdn
        .parse()
        .map_err(|e| bad(format!("msisdn: {e}")))?;
    Ok(BankInstruction {
        reference,
        action,
        account,
        msisdn: msisdn.as_str().to_owned(),
    })
}

async fn sms_method(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<Body>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    match authorize(app.bank_link_token.as_deref(), bearer(&headers)) {
        Ok(()) => {}
        Err(Denied::Off) => {
            return Err(ApiError::Status(StatusCode::NOT_FOUND, "not found".into()));
        }
        Err(Denied::Unauthorized) => {
            return Err(ApiError::Status(
                StatusCode::UNAUTHORIZED,
                "the bank's bearer token is required".into(),
            ));
        }
    }
    let Json(body) = body.map_err(ApiError::json_rejected)?;
    let i = instruction(body)?;
    // A reused reference is `KeyReused`: 409 idempotency_key_reused.
    let r = app.payments.apply_bank_instruction(i).await?;
    Ok(Json(json!({
        "customers": r.outcome.customers.len(),
        "terminals_added": r.outcome.terminals_added,
        "replayed": r.outcome.replayed,
        "confirmation_sent": r.confirmation_sent,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(reference: &str, action: &str, account: &str, msisdn: &str) -> Body {
        Body {
            reference: reference.into(),
            action: action.into(),
            account: account.into(),
            msisdn: msisdn.into(),
        }
    }

    #[test]
    fn fields_are_checked_and_named() {
        let ok = instruction(body(
            "b-1",
            "open",
            "GB33SWBK00000000000101",
            "+447700900101",
        ))
        .expect("valid");
        assert_eq!(
            (ok.action, ok.msisdn.as_str()),
            (SmsMethodAction::Open, "447700900101")
        );
        for (b, field) in [
            (body("", "open", "GB33", "447700900101"), "reference"),
            (body("b 1", "open", "GB33", "447700900101"), "reference"),
            (body("b-1", "close", "GB33", "447700900101"), "action"),
            (body("b-1", "open", "GB-33", "447700900101"), "account"),
            (body("b-1", "cancel", "GB33", "07700"), "msisdn"),
        ] {
            let e = instruction(b).expect_err("refused");
            assert!(e.to_string().contains(field), "{e} should name {field}");
        }
    }
}
