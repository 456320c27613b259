//! The holder's pages: `/vouchers/buy`, `/vouchers/balance`,
//! `/vouchers/unlock` and `/vouchers/password`, each one form (built from
//! [`Field`]s) answered with the result lines or the form again with a
//! fixed notice; CSRF as on the checkout's voucher step (`forms`).

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::VoucherState;
use super::forms::{EXPIRED, PageCsrf, csrf_for, csrf_ok, notice_of, respond};
use crate::http::checkout_pages::HtmlError;
use crate::http::pages::{self, Field, VoucherFormView};
use crate::vouchers::access::PasswordChange;
use crate::vouchers::{BuyRequest, VoucherError};

fn field(name: &'static str, label: &'static str, kind: &'static str, hint: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        value: String::new(),
        hint,
        required: kind != "checkbox" && !hint.starts_with("Optional"),
    }
}

const NUMBER_HINT: &str = "V and 10 digits, from the voucher SMS.";

/// The holder's forms, by path.
fn form_view(kind: &str, token: String) -> VoucherFormView {
    let (title, intro, submit, fields) = match kind {
        "buy" => (
            "Buy a prepaid voucher",
            "Sign in, pick one of your linked accounts and an amount. The voucher number \
             and its payment password come by SMS to your registered phone.",
            "Buy voucher",
            vec![
                field(
                    "identity",
                    "Online identity",
                    "text",
                    "Your phone number, account number or alias.",
                ),
                field("password", "Online-payment password", "password", ""),
                field(
                    "account",
                    "Account to pay from",
                    "text",
                    "Optional: empty for your first linked account.",
                ),
                field("amount", "Amount", "text", "For example 20.00"),
                field(
                    "currency",
                    "Currency",
                    "text",
                    "Optional: empty for the gateway's voucher currency.",
                ),
            ],
        ),
        "balance" => (
            "Voucher balance",
            "Enter the voucher number and its payment password.",
            "Show balance",
            vec![
                field("number", "Voucher number", "text", NUMBER_HINT),
                field("password", "Voucher password", "password", ""),
            ],
        ),
        "unlock" => (
            "Unlock a voucher",
            "A voucher locks after too many wrong passwords; its backup password unlocks it.",
            "Unlock",
            vec![
                field("number", "Voucher number", "text", NUMBER_HINT),
                field("backup_password", "Backup password", "password", ""),
            ],
        ),
        _ => (
            "Change the voucher password",
            "Choose a new password (10 letters and digits without 0, 1, I or O), or get a \
             random one by SMS.",
            "Change password",
            vec![
                field("number", "Voucher number", "text", NUMBER_HINT),
                field("password", "Current password", "password", ""),
                field(
                    "new_password",
                    "New password",
                    "password",
                    "Optional: empty for a random one by SMS.",
                ),
                field(
                    "random",
                    "Send me a random new password by SMS",
                    "checkbox",
                    "",
                ),
            ],
        ),
    };
    VoucherFormView {
        title,
        intro,
        action: format!("/vouchers/{kind}"),
        csrf_token: token,
        fields,
        submit,
        notice: None,
        result: Vec::new(),
    }
}

fn show(kind: &'static str, s: &VoucherState, headers: &HeaderMap) -> Response {
    let c = csrf_for(headers, s.app.secure_cookies);
    let v = form_view(kind, c.token.clone());
    respond(StatusCode::OK, pages::voucher_form_page(&v), c)
}

pub(super) async fn buy_page(State(s): State<VoucherState>, h: HeaderMap) -> Response {
    show("buy", &s, &h)
}
pub(super) async fn balance_page(State(s): State<VoucherState>, h: HeaderMap) -> Response {
    show("balance", &s, &h)
}
pub(super) async fn unlock_page(State(s): State<VoucherState>, h: HeaderMap) -> Response {
    show("unlock", &s, &h)
}
pub(super) async fn password_page(State(s): State<VoucherState>, h: HeaderMap) -> Response {
    show("password", &s, &h)
}

/// Any holder form: every field optional here, checked by the service.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct HolderForm {
    identity: String,
    password: String,
    account: String,
    amount: String,
    currency: String,
    number: String,
    backup_password: String,
    new_password: String,
    random: String,
    csrf_token: String,
}

/// Runs a holder form and renders its page: the result lines, or the form
/// again with the notice.
async fn holder(
    kind: &'static str,
    s: VoucherState,
    headers: HeaderMap,
    form: Result<Form<HolderForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    let Ok(Form(f)) = form else {
        return Err(HtmlError::new(
            StatusCode::BAD_REQUEST,
            "The form was malformed.",
        ));
    };
    let secrets = (
        Zeroizing::new(f.password),
        Zeroizing::new(f.backup_password),
        Zeroizing::new(f.new_password),
    );
    let mut v = form_view(kind, f.csrf_token.clone());
    if !csrf_ok(&headers, &f.csrf_token) {
        let c = csrf_for(&headers, s.app.secure_cookies);
        v.csrf_token = c.token.clone();
        v.notice = Some(EXPIRED.into());
        return Ok(respond(
            StatusCode::FORBIDDEN,
            pages::voucher_form_page(&v),
            c,
        ));
    }
    let vs = &s.vouchers;
    let outcome: Result<Vec<(String, String)>, VoucherError> = match kind {
        "buy" => vs
            .buy(BuyRequest {
                identity: f.identity.clone(),
                password: secrets.0.clone(),
                account: Some(f.account),
                amount: f.amount,
                currency: Some(f.currency),
            })
            .await
            .map(|b| {
                vec![
                    ("Voucher number".into(), b.voucher.number.clone()),
                    ("Amount".into(), b.voucher.amount.to_string()),
                    ("Paid from".into(), b.voucher.source_account.clone()),
                    (
                        "Payment password".into(),
                        if b.sms_sent {
                            "sent by SMS to your registered phone".into()
                        } else {
                            "the SMS could not be sent; change the password to get a new one".into()
                        },
                    ),
                    (
                        "Backup password (shown once: write it down)".into(),
                        b.backup_password.expose().to_owned(),
                    ),
                ]
            }),
        "balance" => vs.balance(&f.number, &secrets.0).await.map(|v| {
            vec![
                ("Voucher number".into(), v.number.clone()),
                ("Balance".into(), v.balance.to_string()),
                ("Status".into(), v.status.as_str().into()),
            ]
        }),
        "unlock" => vs.unlock(&f.number, &secrets.1).await.map(|v| {
            vec![
                ("Voucher number".into(), v.number.clone()),
                ("Status".into(), v.status.as_str().into()),
            ]
        }),
        _ => {
            let new = (f.random.is_empty()).then_some(secrets.2.as_str());
            vs.change_password(&f.number, &secrets.0, new)
                .await
                .map(|c| {
                    let how = match c {
                        PasswordChange::Chosen => "changed".to_owned(),
                        PasswordChange::SentBySms(true) => {
                            "changed; the new one is on its way by SMS".into()
                        }
                        PasswordChange::SentBySms(false) => {
                            "changed, but the SMS could not be sent".into()
                        }
                    };
                    vec![("Password".into(), how)]
                })
        }
    };
    let c = PageCsrf {
        token: v.csrf_token.clone(),
        set_cookie: None,
    };
    match outcome {
        Ok(lines) => {
            v.result = lines;
            Ok(respond(StatusCode::OK, pages::voucher_form_page(&v), c))
        }
        Err(e) => {
            let Some((status, text)) = notice_of(&e) else {
                return Err(HtmlError::internal(e));
            };
            for fld in &mut v.fields {
                match fld.name {
                    "identity" => fld.value = f.identity.clone(),
                    "number" => fld.value = f.number.clone(),
                    _ => {}
                }
            }
            v.notice = Some(text);
            Ok(respond(status, pages::voucher_form_page(&v), c))
        }
    }
}

pub(super) async fn buy_form(
    State(s): State<VoucherState>,
    h: HeaderMap,
    f: Result<Form<HolderForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    holder("buy", s, h, f).await
}
pub(super) async fn balance_form(
    State(s): State<VoucherState>,
    h: HeaderMap,
    f: Result<Form<HolderForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    holder("balance", s, h, f).await
}
pub(super) async fn unlock_form(
    State(s): State<VoucherState>,
    h: HeaderMap,
    f: Result<Form<HolderForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    holder("unlock", s, h, f).await
}
pub(super) async fn password_form(
    State(s): State<VoucherState>,
    h: HeaderMap,
    f: Result<Form<HolderForm>, FormRejection>,
) -> Result<Response, HtmlError> {
    holder("password", s, h, f).await
}
