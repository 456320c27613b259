//! Fills the page views from the store: which page a payment's state calls
//! for ([`render`]), the code page's delivery status, expiry, attempts and
//! resend window (from the policy's [`ResendSchedule`] and the codes'
//! `issued_at`), and the result page's outcome.

use std::time::Duration;

use super::HtmlError;
use crate::codes::ResendSchedule;
use crate::domain::PaymentState;
use crate::http::AppState;
use crate::http::pages::{
    CodeNotice, CodeView, DeliveryStatus, IdentifyNotice, IdentifyView, Outcome, ResendView,
    ResultView, TerminalOption, code_page, identify_page, result_page,
};
use crate::store::{self, CodeRecord, Payment};

/// What to tell the shopper on the page, and the identity to keep.
#[derive(Debug, Clone, Default)]
pub(super) struct Notice {
    pub identify: Option<IdentifyNotice>,
    pub code: Option<CodeNotice>,
    pub identity: String,
}

/// The page for `p` as it stands: sign in (created, identified, or a code
/// step without a code), code entry (code sent), or the result (final).
pub(super) async fn render(
    app: &AppState,
    p: &Payment,
    csrf_token: &str,
    n: &Notice,
) -> Result<String, HtmlError> {
    let store = app.payments.store();
    let merchant = store
        .merchant(&p.merchant_id)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    if let Some(outcome) = outcome(p.state) {
        return Ok(result_page(&ResultView {
            outcome,
            merchant_name: merchant,
            amount: p.amount.to_string(),
            order_id: p.order_id.clone(),
            payment_id: p.id.as_str().to_owned(),
            detail: p.reason.as_deref().and_then(shopper_detail).map(Into::into),
            return_url: p.return_url.clone(),
        }));
    }
    let base = format!("/checkout/{}", p.id.as_str());
    if p.state == PaymentState::CodeSent
        && let Some(view) = code_view(app, p, &merchant, &base, csrf_token, n.code).await?
    {
        return Ok(code_page(&view));
    }
    Ok(identify_page(&IdentifyView {
        merchant_name: merchant,
        amount: p.amount.to_string(),
        description: p.description.clone(),
        order_id: p.order_id.clone(),
        action: format!("{base}/identify"),
        csrf_token: csrf_token.to_owned(),
        // The merchant's hint (the identity the shopper used at the shop)
        // fills an empty field; what the shopper typed always wins.
        identity: match (&n.identity, &p.customer_hint) {
            (typed, Some(hint)) if typed.is_empty() && hint.chars().count() <= 64 => hint.clone(),
            (typed, _) => typed.clone(),
        },
        notice: n.identify,
        cancel_action: Some(format!("{base}/cancel")),
        other_number: app.payments.policy().allow_unregistered_terminal(),
    }))
}

/// Page 2 for `p`, if a code was issued for it.
async fn code_view(
    app: &AppState,
    p: &Payment,
    merchant: &str,
    base: &str,
    csrf_token: &str,
    notice: Option<CodeNotice>,
) -> Result<Option<CodeView>, HtmlError> {
    let store = app.payments.store();
    let codes = store.codes_for_payment(&p.id).await?;
    let Some(last) = codes.last() else {
        return Ok(None);
    };
    let policy = app.payments.policy();
    let (available_at_ms, resends_left) =
        resend_window(&policy.resend_schedule(), codes.len(), last.issued_at);
    let terminals = match p.customer_id {
        Some(c) => store.terminals(c).await?,
        None => Vec::new(),
    };
    let current = p.msisdn.as_deref().unwrap_or(&last.msisdn);
    Ok(Some(CodeView {
        merchant_name: merchant.to_owned(),
        amount: p.amount.to_string(),
        order_id: p.order_id.clone(),
        msisdn: last.msisdn.clone(),
        delivery: delivery(last.delivery),
        now_ms: app.payments.clock().now_ms(),
        expires_at_ms: last.expires_at,
        code_digits: policy.digits(),
        attempts_left: attempts_left(last, policy.max_attempts()),
        code_action: format!("{base}/code"),
        csrf_token: csrf_token.to_owned(),
        notice,
        resend: ResendView {
            action: format!("{base}/resend"),
            available_at_ms,
            resends_left,
            terminals: terminals
                .iter()
                .map(|t| TerminalOption {
                    id: t.id.to_string(),
                    msisdn: t.msisdn.clone(),
                    label: t.label.clone(),
                    selected: t.msisdn == current,
                })
                .collect(),
        },
        status_url: Some(format!("{base}/status")),
        cancel_action: Some(format!("{base}/cancel")),
    }))
}

/// The page's name for the stored delivery status.
pub(super) fn delivery(d: store::DeliveryStatus) -> DeliveryStatus {
    match d {
        store::DeliveryStatus::Pending => DeliveryStatus::Sending,
        store::DeliveryStatus::Sent => DeliveryStatus::Sent,
        store::DeliveryStatus::Delivered => DeliveryStatus::Delivered,
        store::DeliveryStatus::Failed => DeliveryStatus::Failed,
    }
}

/// The result page's outcome; `None` while the payment is still open.
fn outcome(s: PaymentState) -> Option<Outcome> {
    Some(match s {
        PaymentState::Succeeded => Outcome::Succeeded,
        PaymentState::Declined => Outcome::Declined,
        PaymentState::Failed => Outcome::Failed,
        PaymentState::Expired => Outcome::Expired,
        PaymentState::Cancelled => Outcome::Cancelled,
        PaymentState::Created | PaymentState::Identified | PaymentState::CodeSent => return None,
    })
}

/// A shopper-facing line for the reasons worth explaining; the rest
/// (bank errors, internal names) stay behind the generic message.
fn shopper_detail(reason: &str) -> Option<&'static str> {
    match reason {
        "insufficient_funds" => Some("Insufficient funds in the chosen account."),
        "limit_exceeded" | "limit_per_day" => Some("The amount is above your daily limit."),
        "limit_per_payment" => Some("The amount is above your limit per payment."),
        _ => None,
    }
}

/// Wrong entries left on the latest code; none once used or revoked.
fn attempts_left(code: &CodeRecord, max: u32) -> u32 {
    if code.used || code.revoked {
        0
    } else {
        max.saturating_sub(code.attempts)
    }
}

/// When the next resend is allowed (Unix ms) and how many are left, after
/// `codes_issued` codes (the first send plus resends), the last at
/// `last_issued_at`.
fn resend_window(
    schedule: &ResendSchedule,
    codes_issued: usize,
    last_issued_at: i64,
) -> (i64, u32) {
    let resends = u32::try_from(codes_issued.saturating_sub(1)).unwrap_or(u32::MAX);
    match schedule.cooldown(resends) {
        Some(wait) => (
            last_issued_at.saturating_add(millis(wait)),
            schedule.max_resends().saturating_sub(resends),
        ),
        None => (i64::MAX, 0),
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodePolicy;

    #[test]
    fn resend_window_follows_the_cooldowns_then_closes() {
        let s = CodePolicy::default().resend_schedule();
        assert_eq!(resend_window(&s, 1, 1_000), (31_000, 3));
        assert_eq!(resend_window(&s, 2, 50_000), (110_000, 2));
        assert_eq!(resend_window(&s, 3, 0), (120_000, 1));
        assert_eq!(resend_window(&s, 4, 0), (i64::MAX, 0));
        assert_eq!(resend_window(&s, 0, 5), (30_005, 3));
    }

    #[test]
    fn states_map_to_outcomes_and_open_states_to_none() {
        assert_eq!(outcome(PaymentState::Succeeded), Some(Outcome::Succeeded));
        assert_eq!(outcome(PaymentState::Cancelled), Some(Outcome::Cancelled));
        assert_eq!(outcome(PaymentState::Expired), Some(Outcome::Expired));
        for open in [
            PaymentState::Created,
            PaymentState::Identified,
            PaymentState::CodeSent,
        ] {
            assert_eq!(outcome(open), None);
            assert!(!open.is_final());
        }
    }

    #[test]
    fn delivery_names_match_the_polling_script() {
        let names: Vec<_> = [
            store::DeliveryStatus::Pending,
            store::DeliveryStatus::Sent,
            store::DeliveryStatus::Delivered,
            store::DeliveryStatus::Failed,
        ]
        .map(|d| delivery(d).as_str())
        .into();
        assert_eq!(names, ["sending", "sent", "delivered", "failed"]);
    }

    #[test]
    fn only_known_reasons_are_explained() {
        assert!(shopper_detail("insufficient_funds").is_some());
        assert!(shopper_detail("limit_per_payment").is_some());
        assert_eq!(shopper_detail("bank_error"), None);
        assert_eq!(shopper_detail("the shopper did not finish in time"), None);
    }
}
