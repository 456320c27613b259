//! "Pay with your phone bill": the carrier-billing checkout page. The
//! shopper picks their operator, types their phone number and the billing
//! PIN the operator gave them; the operator decides. Notices say in the
//! shopper's words what the operator answered (wrong PIN with attempts
//! left, a number the operator does not bill, operator unreachable).
//!
//! Form fields posted to [`CarrierView::action`]: `carrier`, `msisdn`,
//! `pin` and the CSRF field.

use super::layout::{csrf_field, notice, page, summary};
use super::text::escape;

#[derive(Debug, Clone)]
pub struct CarrierView {
    pub merchant_name: String,
    pub amount: String,
    pub description: String,
    pub order_id: String,
    pub action: String,
    pub csrf_token: String,
    /// The operators offered, in configured order.
    pub carriers: Vec<String>,
    /// Kept after a failed attempt (never the PIN).
    pub carrier: String,
    pub msisdn: String,
    pub notice: Option<CarrierNotice>,
    /// The sign-in page, for other ways to pay.
    pub back: String,
}

/// What the page says after an attempt that left the payment open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarrierNotice {
    WrongPin { attempts_left: Option<u32> },
    UnknownNumber,
    Unavailable,
    Refused,
    BadInput,
    TooManyAttempts,
    FormExpired,
}

impl CarrierNotice {
    pub fn text(self) -> String {
        match self {
            Self::WrongPin {
                attempts_left: Some(n),
            } => format!(
                "Your operator says the billing PIN is wrong. {n} attempt(s) left before \
                 your operator locks phone-bill payments."
            ),
            Self::WrongPin {
                attempts_left: None,
            } => "Your operator says the billing PIN is wrong.".into(),
            Self::UnknownNumber => "Your operator does not bill this phone number. \
                 Check the number and the operator you picked."
                .into(),
            Self::Unavailable => "We could not reach your operator just now. Nothing was \
                 charged; your payment is still open: please try again in a moment."
                .into(),
            Self::Refused => "Your operator cannot take this payment. Please choose \
                 another way to pay."
                .into(),
            Self::BadInput => "Please enter your phone number (digits, international \
                 format) and your billing PIN."
                .into(),
            Self::TooManyAttempts => {
                "Too many attempts. Please wait a few minutes before trying again.".into()
            }
            Self::FormExpired => "This form has expired. Please enter your details again.".into(),
        }
    }
}

pub fn carrier_page(v: &CarrierView) -> String {
    let mut body = summary(&v.merchant_name, &v.amount, &v.description, &v.order_id);
    body.push_str("<h1>Pay with your phone bill</h1>\n");
    if let Some(n) = v.notice {
        body.push_str(&notice("error", &n.text()));
    }
    if v.carriers.is_empty() {
        body.push_str(&notice(
            "error",
            "No operator offers phone-bill payments here at the moment.",
        ));
    } else {
        let options: String = v
            .carriers
            .iter()
            .map(|c| {
                let selected = if *c == v.carrier { " selected" } else { "" };
                format!(r#"<option value="{0}"{selected}>{0}</option>"#, escape(c))
            })
            .collect();
        body.push_str(&format!(
            r#"<p>Your mobile operator adds the amount to your monthly bill (or takes it from your prepaid credit) and texts you a confirmation.</p>
<form method="post" action="{action}" class="form">
{csrf}
<div class="field">
<label for="carrier">Your mobile operator</label>
<select id="carrier" name="carrier" required>{options}</select>
</div>
<div class="field">
<label for="msisdn">Your phone number</label>
<input id="msisdn" name="msisdn" type="tel" value="{msisdn}" required maxlength="20" autocomplete="tel" inputmode="tel" aria-describedby="msisdn-hint">
<p class="hint" id="msisdn-hint">International format, for example 447700900101.</p>
</div>
<div class="field">
<label for="pin">Billing PIN from your operator</label>
<input id="pin" name="pin" type="password" required maxlength="16" autocomplete="off" inputmode="numeric">
</div>
<button type="submit" class="primary">Charge to my phone bill</button>
</form>
"#,
            action = escape(&v.action),
            csrf = csrf_field(&v.csrf_token),
            msisdn = escape(&v.msisdn),
        ));
    }
    body.push_str(&format!(
        r#"<p><a href="{}">Other ways to pay</a></p>"#,
        escape(&v.back)
    ));
    page("Pay with your phone bill", None, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> CarrierView {
        CarrierView {
            merchant_name: "ACME <Books>".into(),
            amount: "GBP 12.50".into(),
            description: "2 paperbacks".into(),
            order_id: "ord-1".into(),
            action: "/checkout/pay_x/carrier".into(),
            csrf_token: "f00d".into(),
            carriers: vec!["Switchboard Mobile".into(), "Other \"Tel\"".into()],
            carrier: "Other \"Tel\"".into(),
            msisdn: "447700900101".into(),
            notice: Some(CarrierNotice::WrongPin {
                attempts_left: Some(2),
            }),
            back: "/checkout/pay_x".into(),
        }
    }

    #[test]
    fn renders_operators_fields_and_the_operator_answer() {
        let html = carrier_page(&view());
        for needle in [
            "ACME &lt;Books&gt;",
            r#"action="/checkout/pay_x/carrier""#,
            r#"<option value="Switchboard Mobile">"#,
            r#"<option value="Other &quot;Tel&quot;" selected>"#,
            r#"name="pin" type="password""#,
            r#"value="447700900101""#,
            "2 attempt(s) left",
            r#"href="/checkout/pay_x""#,
            r#"name="csrf_token" value="f00d""#,
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
    }

    #[test]
    fn without_operators_there_is_no_form() {
        let mut v = view();
        v.carriers.clear();
        v.notice = None;
        let html = carrier_page(&v);
        assert!(!html.contains("<form") && html.contains("No operator offers"));
    }
}
