//! The frame every checkout page shares: document head (stylesheet and
//! script from the gateway itself, no inline code, so a strict CSP holds),
//! the brand bar, the step indicator, the payment summary (merchant and
//! amount, prominent) and the footer. Page modules build their body and
//! call [`page`].

use super::text::escape;
use super::{CSS_PATH, JS_PATH, csrf};

/// Which of the three checkout steps a page is; `None` for pages outside the
/// flow (errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    SignIn,
    Code,
    Done,
}

/// Wraps `body` (already escaped HTML) into a complete document.
pub(super) fn page(title: &str, step: Option<Step>, body: &str) -> String {
    let steps = step.map(steps).unwrap_or_default();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title} · Switchboard Pay</title>
<link rel="stylesheet" href="{CSS_PATH}">
<script src="{JS_PATH}" defer></script>
</head>
<body>
<header class="brand"><span class="brand-mark" aria-hidden="true"></span><span class="brand-name">Switchboard Pay</span><span class="brand-secure">Secure checkout</span></header>
<main class="card">
{steps}{body}
</main>
<footer class="foot"><p>Switchboard Pay will never ask for your code by phone or e-mail. Do not share it with anyone.</p></footer>
</body>
</html>
"#,
        title = escape(title),
    )
}

fn steps(current: Step) -> String {
    let mut out = String::from(r#"<ol class="steps" aria-label="Checkout progress">"#);
    for (step, name) in [
        (Step::SignIn, "Sign in"),
        (Step::Code, "Confirm"),
        (Step::Done, "Done"),
    ] {
        let (class, aria) = if step == current {
            ("current", r#" aria-current="step""#)
        } else if (step as u8) < (current as u8) {
            ("done", "")
        } else {
            ("", "")
        };
        out.push_str(&format!(r#"<li class="{class}"{aria}>{name}</li>"#));
    }
    out.push_str("</ol>\n");
    out
}

/// The payment summary: payee and amount, then the description and order
/// id when given.
pub(super) fn summary(merchant: &str, amount: &str, description: &str, order_id: &str) -> String {
    let mut out = format!(
        r#"<section class="summary" aria-label="Payment details">
<p class="payee"><span class="payee-label">Pay to</span> <strong>{}</strong></p>
<p class="amount">{}</p>
"#,
        escape(merchant),
        escape(amount)
    );
    if !description.is_empty() {
        out.push_str(&format!("<p class=\"desc\">{}</p>\n", escape(description)));
    }
    if !order_id.is_empty() {
        out.push_str(&format!(
            "<p class=\"order\">Order <span class=\"mono\">{}</span></p>\n",
            escape(order_id)
        ));
    }
    out.push_str("</section>\n");
    out
}

/// The hidden CSRF field every form carries.
pub(super) fn csrf_field(token: &str) -> String {
    format!(
        r#"<input type="hidden" name="{}" value="{}">"#,
        csrf::FIELD_NAME,
        escape(token)
    )
}

/// A notice line: `role="alert"` so screen readers announce it.
pub(super) fn notice(class: &str, text: &str) -> String {
    format!(
        "<p class=\"notice {class}\" role=\"alert\">{}</p>\n",
        escape(text)
    )
}

/// A small form that cancels the payment (POST, CSRF-protected).
pub(super) fn cancel_form(action: &str, csrf_token: &str) -> String {
    format!(
        r#"<form method="post" action="{}" class="cancel">{}<button type="submit" class="link">Cancel payment and return</button></form>
"#,
        escape(action),
        csrf_field(csrf_token)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_only_local_assets_and_marks_current_step() {
        let html = page("T<i>", Some(Step::Code), "<p>body</p>");
        assert!(html.contains("<title>T&lt;i&gt; · Switchboard Pay</title>"));
        assert!(html.contains(&format!(r#"href="{CSS_PATH}""#)));
        assert!(html.contains(&format!(r#"src="{JS_PATH}""#)));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<style") && !html.contains("<script>"));
        assert!(html.contains(r#"<li class="done">Sign in</li>"#));
        assert!(html.contains(r#"<li class="current" aria-current="step">Confirm</li>"#));
    }

    #[test]
    fn summary_escapes_and_skips_empty_parts() {
        let s = summary("<b>M</b>", "CNY 1.00", "", "");
        assert!(s.contains("&lt;b&gt;M&lt;/b&gt;"));
        assert!(!s.contains("class=\"desc\"") && !s.contains("Order"));
    }
}
