//! Checkout step 3: the outcome. A headline and a fixed message per final
//! state, the payment summary, and a link back to the merchant's return URL
//! carrying `payment_id` and `status` as query parameters. The link is only
//! rendered for absolute http/https URLs ([`super::text::return_link`]).

use super::layout::{Step, page, summary};
use super::text::{escape, return_link};

/// Everything page 3 shows.
#[derive(Debug, Clone)]
pub struct ResultView {
    pub outcome: Outcome,
    pub merchant_name: String,
    pub amount: String,
    pub order_id: String,
    pub payment_id: String,
    /// Extra shopper-facing detail (e.g. "Insufficient funds"); escaped.
    pub detail: Option<String>,
    pub return_url: Option<String>,
}

/// The payment's final state, as the shopper sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Declined,
    Failed,
    Expired,
    Cancelled,
}

impl Outcome {
    /// The state name used in the API and in the return URL's `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Declined => "declined",
            Self::Failed => "failed",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    fn headline(self) -> &'static str {
        match self {
            Self::Succeeded => "Payment complete",
            Self::Declined => "Payment declined",
            Self::Failed => "Payment failed",
            Self::Expired => "Payment expired",
            Self::Cancelled => "Payment cancelled",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::Succeeded => {
                "Thank you. The money is on its way to the merchant and a receipt will reach your phone by SMS."
            }
            Self::Declined => "Your bank declined this payment. No money was taken.",
            Self::Failed => {
                "The payment could not be completed. Please return to the merchant and try again."
            }
            Self::Expired => "The time to complete this payment ran out. No money was taken.",
            Self::Cancelled => "This payment was cancelled. No money was taken.",
        }
    }

    /// Icon glyph (decorative; the headline carries the meaning).
    fn icon(self) -> &'static str {
        match self {
            Self::Succeeded => "✓",
            Self::Declined | Self::Failed => "✕",
            Self::Expired | Self::Cancelled => "!",
        }
    }
}

/// Renders checkout page 3.
pub fn result_page(v: &ResultView) -> String {
    let o = v.outcome;
    let mut body = format!(
        r#"<div class="result result-{class}">
<p class="result-icon" aria-hidden="true">{icon}</p>
<h1>{headline}</h1>
<p class="result-message">{message}</p>
"#,
        class = o.as_str(),
        icon = o.icon(),
        headline = o.headline(),
        message = o.message(),
    );
    if let Some(detail) = v.detail.as_deref().filter(|d| !d.is_empty()) {
        body.push_str(&format!(
            "<p class=\"result-detail\">{}</p>\n",
            escape(detail)
        ));
    }
    body.push_str("</div>\n");
    body.push_str(&summary(&v.merchant_name, &v.amount, "", &v.order_id));
    body.push_str(&format!(
        "<p class=\"ref\">Payment reference <span class=\"mono\">{}</span></p>\n",
        escape(&v.payment_id)
    ));
    match v
        .return_url
        .as_deref()
        .and_then(|u| return_link(u, &v.payment_id, o.as_str()))
    {
        Some(link) => body.push_str(&format!(
            "<a class=\"button primary\" href=\"{}\">Return to {}</a>\n",
            escape(&link),
            escape(&v.merchant_name)
        )),
        None => body.push_str("<p class=\"hint\">You can close this page now.</p>\n"),
    }
    page(o.headline(), Some(Step::Done), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(outcome: Outcome) -> ResultView {
        ResultView {
            outcome,
            merchant_name: "ACME Books".into(),
            amount: "CNY 128.00".into(),
            order_id: "ord-1001".into(),
            payment_id: "pay_abc".into(),
            detail: None,
            return_url: Some("https://shop.example/return?o=1".into()),
        }
    }

    #[test]
    fn every_outcome_renders_state_and_return_link() {
        for o in [
            Outcome::Succeeded,
            Outcome::Declined,
            Outcome::Failed,
            Outcome::Expired,
            Outcome::Cancelled,
        ] {
            let html = result_page(&view(o));
            let link = format!(
                r#"href="https://shop.example/return?o=1&amp;payment_id=pay_abc&amp;status={}">Return to ACME Books</a>"#,
                o.as_str()
            );
            assert!(html.contains(&link), "{o:?}");
            assert!(html.contains(&format!("<h1>{}</h1>", o.headline())));
            assert!(html.contains(o.message()) && html.contains("CNY 128.00"));
            assert!(html.contains(&format!("result-{}", o.as_str())));
        }
    }

    #[test]
    fn non_http_return_urls_give_no_link() {
        for url in [
            "javascript:alert(document.cookie)",
            "data:text/html,x",
            "//evil.example",
        ] {
            let mut v = view(Outcome::Succeeded);
            v.return_url = Some(url.into());
            let html = result_page(&v);
            assert!(
                !html.contains("href=\"javascript") && !html.contains("<a "),
                "{url}"
            );
            assert!(html.contains("You can close this page now."));
        }
        let mut v = view(Outcome::Declined);
        v.return_url = None;
        assert!(!result_page(&v).contains("<a "));
    }

    #[test]
    fn escapes_merchant_and_detail() {
        let mut v = view(Outcome::Declined);
        v.merchant_name = "<script>m()</script>".into();
        v.detail = Some("<img src=x onerror=d()>".into());
        v.return_url = Some("https://shop.example/r?x=\"><script>".into());
        let html = result_page(&v);
        assert!(!html.contains("<script>") && !html.contains("<img"));
        assert!(html.contains("Return to &lt;script&gt;m()&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=d()&gt;"));
    }
}
