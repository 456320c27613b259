//! The "didn't get the code?" part of checkout page 2: a form that asks for
//! a new code, optionally to another of the customer's registered terminals.
//!
//! Form fields posted to [`ResendView::action`]: `terminal` (the chosen
//! [`TerminalOption::id`]) and the CSRF field. During the cooldown the button
//! is rendered disabled with `data-resend-at`; `checkout.js` enables it when
//! the time comes (without JavaScript, reloading the page does).

use super::code::clock;
use super::layout::csrf_field;
use super::text::{escape, mask_msisdn};

/// The resend form's state. Times are Unix milliseconds.
#[derive(Debug, Clone)]
pub struct ResendView {
    pub action: String,
    /// When the cooldown ends; in the past means "now".
    pub available_at_ms: i64,
    pub resends_left: u32,
    /// The customer's registered terminals; a choice is shown when there are two or more.
    pub terminals: Vec<TerminalOption>,
}

/// One registered terminal of the customer.
#[derive(Debug, Clone)]
pub struct TerminalOption {
    /// Opaque value posted back as `terminal`.
    pub id: String,
    /// E.164 digits; shown masked.
    pub msisdn: String,
    /// The customer's own label ("work phone").
    pub label: String,
    /// The terminal the current code went to.
    pub selected: bool,
}

pub(super) fn resend_section(r: &ResendView, csrf_token: &str, now_ms: i64) -> String {
    let mut out = String::from(
        "<section class=\"resend\" aria-labelledby=\"resend-title\">\n<h2 id=\"resend-title\">Didn't get the code?</h2>\n",
    );
    if r.resends_left == 0 {
        out.push_str(
            "<p class=\"hint\">No more codes can be sent for this payment.</p>\n</section>\n",
        );
        return out;
    }
    out.push_str(&format!(
        "<form method=\"post\" action=\"{}\">\n{}\n",
        escape(&r.action),
        csrf_field(csrf_token)
    ));
    out.push_str(&terminal_choice(&r.terminals));
    let wait_ms = r.available_at_ms - now_ms;
    if wait_ms > 0 {
        out.push_str(&format!(
            r#"<button type="submit" class="secondary" data-resend-at="{}" disabled>Send a new code</button>
<p class="cooldown" data-cooldown>You can ask for a new code in <span data-cooldown-left>{}</span>.</p>
<noscript><p class="hint">Reload this page when the time is up.</p></noscript>
"#,
            r.available_at_ms,
            clock(wait_ms)
        ));
    } else {
        out.push_str("<button type=\"submit\" class=\"secondary\">Send a new code</button>\n");
    }
    let plural = if r.resends_left == 1 { "" } else { "s" };
    out.push_str(&format!(
        "<p class=\"hint\">{} new code{plural} left for this payment.</p>\n</form>\n</section>\n",
        r.resends_left
    ));
    out
}

fn terminal_choice(terminals: &[TerminalOption]) -> String {
    match terminals {
        [] => String::new(),
        [only] => format!(
            "<input type=\"hidden\" name=\"terminal\" value=\"{}\">\n",
            escape(&only.id)
        ),
        many => {
            let chosen = many.iter().position(|t| t.selected).unwrap_or(0);
            let mut out =
                String::from("<fieldset class=\"choices\">\n<legend>Send it to</legend>\n");
            for (i, t) in many.iter().enumerate() {
                let checked = if i == chosen { " checked" } else { "" };
                out.push_str(&format!(
                    r#"<label class="choice"><input type="radio" name="terminal" value="{}"{checked}> <span class="choice-label">{}</span> <span class="mono muted">{}</span></label>
"#,
                    escape(&t.id),
                    escape(&t.label),
                    escape(&mask_msisdn(&t.msisdn))
                ));
            }
            out.push_str("</fieldset>\n");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, msisdn: &str, label: &str, selected: bool) -> TerminalOption {
        TerminalOption {
            id: id.into(),
            msisdn: msisdn.into(),
            label: label.into(),
            selected,
        }
    }

    fn view(terminals: Vec<TerminalOption>) -> ResendView {
        ResendView {
            action: "/r".into(),
            available_at_ms: 31_000,
            resends_left: 2,
            terminals,
        }
    }

    #[test]
    fn cooldown_disables_button_until_resend_at() {
        let html = resend_section(&view(vec![]), "t", 1_000);
        assert!(html.contains(r#"data-resend-at="31000" disabled>Send a new code"#));
        assert!(html.contains("<span data-cooldown-left>0:30</span>"));
        assert!(html.contains("2 new codes left"));
        let later = resend_section(&view(vec![]), "t", 31_000);
        assert!(!later.contains("disabled") && !later.contains("data-cooldown"));
    }

    #[test]
    fn no_resends_left_means_no_form() {
        let mut v = view(vec![term("1", "447700900101", "mobile", true)]);
        v.resends_left = 0;
        let html = resend_section(&v, "t", 0);
        assert!(!html.contains("<form") && html.contains("No more codes"));
    }

    #[test]
    fn several_terminals_give_masked_escaped_radio_list() {
        let html = resend_section(
            &view(vec![
                term("t1", "447700900101", "mobile", false),
                term("t2", "447700900202", "<script>alert(1)</script>", true),
            ]),
            "t",
            0,
        );
        assert!(html.contains(r#"value="t1"> <span class="choice-label">mobile</span> <span class="mono muted">+44 ••• ••• 0101</span>"#));
        assert!(html.contains(r#"value="t2" checked>"#));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>") && !html.contains("900202"));
    }

    #[test]
    fn one_terminal_is_a_hidden_field() {
        let html = resend_section(&view(vec![term("t\"1", "447700900101", "m", true)]), "t", 0);
        assert!(html.contains(r#"<input type="hidden" name="terminal" value="t&quot;1">"#));
        assert!(!html.contains("fieldset"));
    }
}
