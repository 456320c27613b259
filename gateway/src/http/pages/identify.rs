//! Checkout step 1: who pays. Shows merchant, amount, description and order
//! id, and a form for the online identity and the online-payment password
//! with the confirmation method (SMS code to the registered phone).
//!
//! Form fields posted to [`IdentifyView::action`]: `identity`, `password`,
//! `method` (`sms`) and the CSRF field. Notices are fixed texts chosen by
//! [`IdentifyNotice`], so a page can never say which of identity or password
//! was wrong, or whether the identity exists or is locked.

use super::layout::{Step, cancel_form, csrf_field, notice, page, summary};
use super::text::escape;

/// Everything page 1 shows. Amount is preformatted ("CNY 128.00").
#[derive(Debug, Clone)]
pub struct IdentifyView {
    pub merchant_name: String,
    pub amount: String,
    pub description: String,
    pub order_id: String,
    /// Where the form posts.
    pub action: String,
    pub csrf_token: String,
    /// Identity typed before, kept after a failed attempt (never the password).
    pub identity: String,
    pub notice: Option<IdentifyNotice>,
    /// POST target that cancels the payment, if the shopper may cancel.
    pub cancel_action: Option<String>,
    /// Offer a field for a number that is not registered (the
    /// `allow_unregistered_terminal` policy).
    pub other_number: bool,
}

/// Why page 1 is shown again; each maps to one fixed, generic text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifyNotice {
    /// Wrong password, unknown identity and locked identity all look alike.
    SignInFailed,
    /// Per-IP or per-identity rate limit.
    TooManyAttempts,
    /// No SMSC accepted the code; the payment stays retryable.
    SmsUnavailable,
    /// Too many codes went to the customer's phone recently.
    PhoneLimit,
    /// CSRF check failed or the checkout session ran out.
    FormExpired,
}

impl IdentifyNotice {
    pub fn text(self) -> &'static str {
        match self {
            Self::SignInFailed => "The identity or password is wrong.",
            Self::TooManyAttempts => {
                "Too many attempts. Please wait a few minutes before trying again."
            }
            Self::SmsUnavailable => {
                "We could not send your code because the SMS service is unavailable right now. \
                 Your payment is still open: please try again in a moment."
            }
            Self::PhoneLimit => {
                "Too many codes were sent to your phone recently. Please try again later."
            }
            Self::FormExpired => "This form has expired. Please enter your details again.",
        }
    }
}

/// Renders checkout page 1.
pub fn identify_page(v: &IdentifyView) -> String {
    let mut body = summary(&v.merchant_name, &v.amount, &v.description, &v.order_id);
    body.push_str("<h1>Sign in to pay</h1>\n");
    if let Some(n) = v.notice {
        body.push_str(&notice("error", n.text()));
    }
    let invalid = if v.notice == Some(IdentifyNotice::SignInFailed) {
        r#" aria-invalid="true""#
    } else {
        ""
    };
    body.push_str(&format!(
        r#"<form method="post" action="{action}" class="form">
{csrf}
<div class="field">
<label for="identity">Online identity</label>
<input id="identity" name="identity" type="text" value="{identity}" required maxlength="64" autocomplete="username" autocapitalize="none" spellcheck="false" aria-describedby="identity-hint"{invalid}>
<p class="hint" id="identity-hint">Your phone number, bank account number or chosen alias.</p>
</div>
<div class="field">
<label for="password">Online-payment password</label>
<input id="password" name="password" type="password" required maxlength="128" autocomplete="current-password"{invalid}>
</div>
<fieldset class="choices">
<legend>Confirm the payment with</legend>
<label class="choice"><input type="radio" name="method" value="sms" checked> <span>SMS code to my registered phone</span></label>
</fieldset>
{other}<button type="submit" class="primary">Continue</button>
</form>
"#,
        action = escape(&v.action),
        csrf = csrf_field(&v.csrf_token),
        identity = escape(&v.identity),
        other = if v.other_number { OTHER_NUMBER } else { "" },
    ));
    // Prepaid vouchers (issue 8 part 4): the voucher step beside this one.
    if let Some(base) = v.action.strip_suffix("/identify") {
        body.push_str(&format!(
            "<p class=\"hint\"><a href=\"{}/voucher\" id=\"pay-with-voucher\">Pay with a prepaid voucher</a></p>\n",
            escape(base)
        ));
        // Carrier billing (issue 8 part 2): pay on the phone bill instead.
        body.push_str(&format!(
            "<p class=\"hint\"><a href=\"{}/carrier\" id=\"pay-with-carrier\">Pay with your phone bill</a></p>\n",
            escape(base)
        ));
    }
    if let Some(cancel) = &v.cancel_action {
        body.push_str(&cancel_form(cancel, &v.csrf_token));
    }
    page("Pay", Some(Step::SignIn), &body)
}

/// The field for a number that is not registered; empty means the
/// registered phone.
const OTHER_NUMBER: &str = r#"<div class="field">
<label for="send_to">Or send the code to another phone (optional)</label>
<input id="send_to" name="send_to" type="tel" maxlength="20" autocomplete="tel" inputmode="tel" aria-describedby="send-to-hint">
<p class="hint" id="send-to-hint">International format, for example 447700900123. Leave empty to use your registered phone.</p>
</div>
"#;

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub fn view() -> IdentifyView {
        IdentifyView {
            merchant_name: "ACME Books".into(),
            amount: "CNY 128.00".into(),
            description: "2 paperbacks".into(),
            order_id: "ord-1001".into(),
            action: "/checkout/pay_abc/identify".into(),
            csrf_token: "f00d".into(),
            identity: String::new(),
            notice: None,
            cancel_action: Some("/checkout/pay_abc/cancel".into()),
            other_number: false,
        }
    }

    #[test]
    fn renders_payment_and_form() {
        let html = identify_page(&view());
        for needle in [
            "ACME Books",
            "CNY 128.00",
            "2 paperbacks",
            "ord-1001",
            r#"action="/checkout/pay_abc/identify""#,
            r#"<input type="hidden" name="csrf_token" value="f00d">"#,
            r#"name="identity""#,
            r#"name="password" type="password""#,
            r#"value="sms" checked"#,
            "SMS code to my registered phone",
            r#"action="/checkout/pay_abc/cancel""#,
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
        assert!(!html.contains("role=\"alert\""));
    }

    #[test]
    fn escapes_merchant_text_and_identity() {
        let mut v = view();
        v.merchant_name = "<script>alert(1)</script>".into();
        v.description = "<img src=x onerror=alert(2)>".into();
        v.identity = "\"><script>x</script>".into();
        v.action = "/c?a=1&b=\"".into();
        let html = identify_page(&v);
        assert!(!html.contains("<script>alert") && !html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains(r#"value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;""#));
        assert!(html.contains(r#"action="/c?a=1&amp;b=&quot;""#));
    }

    #[test]
    fn sign_in_failure_is_one_generic_line() {
        let mut v = view();
        v.identity = "alice".into();
        v.notice = Some(IdentifyNotice::SignInFailed);
        let html = identify_page(&v);
        assert!(html.contains(r#"role="alert">The identity or password is wrong.</p>"#));
        assert!(html.contains(r#"value="alice""#));
        assert_eq!(html.matches("aria-invalid").count(), 2);
        for leak in ["locked", "unknown", "not found", "does not exist"] {
            assert!(!html.to_lowercase().contains(leak), "{leak}");
        }
    }
}
