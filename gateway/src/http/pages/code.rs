//! Checkout step 2: the shopper types the authorization code. Shows amount
//! and payee again (the SMS names both, so the shopper can compare), the
//! masked destination number, the delivery status from the SMSC's receipts,
//! the time left, the attempts left, and the resend/terminal section
//! ([`super::resend`]).
//!
//! Form fields posted to [`CodeView::code_action`]: `code` and the CSRF
//! field. The page works without JavaScript; `checkout.js` only animates the
//! countdown (`data-expires-at`, relative to `data-server-now`, Unix ms),
//! enables the resend button at `data-resend-at`, and, when `status_url` is
//! set, polls it for `{"delivery":"sending|sent|delivered|failed"}`.

use super::layout::{Step, cancel_form, csrf_field, notice, page, summary};
use super::resend::{ResendView, resend_section};
use super::text::{escape, mask_msisdn};

/// Everything page 2 shows. Times are Unix milliseconds.
#[derive(Debug, Clone)]
pub struct CodeView {
    pub merchant_name: String,
    pub amount: String,
    pub order_id: String,
    /// Destination of the current code (E.164 digits); shown masked.
    pub msisdn: String,
    pub delivery: DeliveryStatus,
    pub now_ms: i64,
    pub expires_at_ms: i64,
    /// Number of digits of the code (for the input's pattern and length).
    pub code_digits: u8,
    pub attempts_left: u32,
    pub code_action: String,
    pub csrf_token: String,
    pub notice: Option<CodeNotice>,
    pub resend: ResendView,
    /// Same-origin URL answering `{"delivery": "..."}` for live updates.
    pub status_url: Option<String>,
    pub cancel_action: Option<String>,
}

/// Delivery of the code SMS as the SMSC reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not yet accepted by an SMSC.
    Sending,
    /// Accepted by the SMSC (submit_sm_resp), no receipt yet.
    Sent,
    /// Receipt says delivered to the handset.
    Delivered,
    /// Rejected, undeliverable or expired in the network.
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [Self::Sending, Self::Sent, Self::Delivered, Self::Failed];

    /// Machine name; also the CSS class suffix (`status-delivered`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Self::Sending => "Sending the code…",
            Self::Sent => "Sent, waiting for your phone to confirm delivery",
            Self::Delivered => "Delivered to your phone",
            Self::Failed => "Delivery failed. Ask for a new code or choose another phone.",
        }
    }
}

/// Why page 2 is shown again; fixed texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeNotice {
    WrongCode,
    /// Too many wrong entries: the code is revoked.
    CodeRevoked,
    CodeExpired,
    NewCodeSent,
    ResendTooSoon,
    ResendLimit,
    SmsUnavailable,
    PhoneLimit,
    FormExpired,
}

impl CodeNotice {
    pub fn text(self) -> &'static str {
        match self {
            Self::WrongCode => "That code is not right. Check the SMS and try again.",
            Self::CodeRevoked => {
                "Too many wrong codes: this code no longer works. Ask for a new one."
            }
            Self::CodeExpired => "This code has expired. Ask for a new one.",
            Self::NewCodeSent => "A new code is on its way. Earlier codes no longer work.",
            Self::ResendTooSoon => "Please wait a little before asking for another code.",
            Self::ResendLimit => "No more codes can be sent for this payment.",
            Self::SmsUnavailable => {
                "The SMS service is unavailable right now. Your payment is still open: try again in a moment."
            }
            Self::PhoneLimit => {
                "Too many codes were sent to this phone recently. Please try again later."
            }
            Self::FormExpired => "This form has expired. Please try again.",
        }
    }

    fn is_good_news(self) -> bool {
        self == Self::NewCodeSent
    }
}

/// "m:ss" for a duration in milliseconds, rounded up, never negative.
pub(super) fn clock(ms: i64) -> String {
    let s = (ms.max(0) + 999) / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Renders checkout page 2.
pub fn code_page(v: &CodeView) -> String {
    let left_ms = v.expires_at_ms - v.now_ms;
    let usable = left_ms > 0 && v.attempts_left > 0;
    let mut body = format!(
        "<div class=\"code-step\" data-server-now=\"{}\">\n",
        v.now_ms
    );
    body.push_str(&summary(&v.merchant_name, &v.amount, "", &v.order_id));
    body.push_str("<h1>Enter your code</h1>\n");
    if let Some(n) = v.notice {
        body.push_str(&notice(
            if n.is_good_news() { "info" } else { "error" },
            n.text(),
        ));
    }
    let texts: String = DeliveryStatus::ALL
        .iter()
        .map(|s| format!(" data-text-{}=\"{}\"", s.as_str(), escape(s.text())))
        .collect();
    let poll = v
        .status_url
        .as_ref()
        .map(|u| format!(" data-status-url=\"{}\"", escape(u)))
        .unwrap_or_default();
    body.push_str(&format!(
        r#"<div class="delivery">
<p>We sent a code by SMS to <strong class="mono">{masked}</strong>.</p>
<p class="status status-{class}" role="status"{poll}{texts}>{text}</p>
</div>
"#,
        masked = escape(&mask_msisdn(&v.msisdn)),
        class = v.delivery.as_str(),
        text = escape(v.delivery.text()),
    ));
    let expiry = if left_ms > 0 {
        format!(
            r#"<p class="expiry" data-expires-at="{}">Code valid for <span class="countdown" data-countdown>{}</span></p>"#,
            v.expires_at_ms,
            clock(left_ms)
        )
    } else {
        r#"<p class="expiry expired">This code has expired.</p>"#.to_owned()
    };
    let digits = v.code_digits;
    let disabled = if usable { "" } else { " disabled" };
    body.push_str(&format!(
        r#"<form method="post" action="{action}" class="form">
{csrf}
<div class="field">
<label for="code">Authorization code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{{{digits}}}" minlength="{digits}" maxlength="{digits}" required autofocus class="code-input" aria-describedby="code-hint"{disabled}>
<p class="hint" id="code-hint">{digits} digits. The SMS names the amount and the payee: check that they match this page.</p>
</div>
<div class="meta-row">{expiry}<p class="attempts">Attempts left: <strong>{attempts}</strong></p></div>
<button type="submit" class="primary" data-needs-time{disabled}>Pay {amount}</button>
</form>
"#,
        action = escape(&v.code_action),
        csrf = csrf_field(&v.csrf_token),
        attempts = v.attempts_left,
        amount = escape(&v.amount),
    ));
    body.push_str(&resend_section(&v.resend, &v.csrf_token, v.now_ms));
    if let Some(cancel) = &v.cancel_action {
        body.push_str(&cancel_form(cancel, &v.csrf_token));
    }
    body.push_str("</div>\n");
    page("Enter your code", Some(Step::Code), &body)
}

#[cfg(test)]
#[path = "code_tests.rs"]
mod tests;
