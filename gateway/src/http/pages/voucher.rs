//! Pages of the prepaid vouchers (issue 8 part 4), rendered like the rest
//! of the checkout (same frame, escaping, CSRF field, strict CSP).
//!
//! [`voucher_pay_page`] is the checkout step reached from the sign-in
//! page's "Pay with a prepaid voucher" link: the payment summary and a
//! form for voucher number and password. [`voucher_form_page`] renders the
//! holder's pages (buy, balance, unlock, password change) from a list of
//! [`Field`]s, a fixed notice and, after success, a list of result lines.

use super::layout::{Step, csrf_field, notice, page, summary};
use super::text::escape;

/// The checkout's voucher step.
#[derive(Debug, Clone)]
pub struct VoucherPayView {
    pub merchant_name: String,
    pub amount: String,
    pub description: String,
    pub order_id: String,
    /// Where the form posts.
    pub action: String,
    /// Back to the sign-in page.
    pub back: String,
    pub csrf_token: String,
    /// The number typed before (never the password).
    pub number: String,
    /// A fixed, generic text.
    pub notice: Option<String>,
}

/// One input of a holder's form.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// "text", "password", "checkbox".
    pub kind: &'static str,
    pub value: String,
    pub hint: &'static str,
    pub required: bool,
}

/// A holder's page: a form, or the result of one.
#[derive(Debug, Clone)]
pub struct VoucherFormView {
    pub title: &'static str,
    pub intro: &'static str,
    pub action: String,
    pub csrf_token: String,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub notice: Option<String>,
    /// Shown instead of the form after success: (label, value).
    pub result: Vec<(String, String)>,
}

/// Renders the checkout's voucher step.
pub fn voucher_pay_page(v: &VoucherPayView) -> String {
    let mut body = summary(&v.merchant_name, &v.amount, &v.description, &v.order_id);
    body.push_str("<h1>Pay with a prepaid voucher</h1>\n");
    if let Some(n) = &v.notice {
        body.push_str(&notice("error", n));
    }
    body.push_str(&format!(
        r#"<form method="post" action="{action}" class="form" id="voucher-form">
{csrf}
<div class="field">
<label for="number">Voucher number</label>
<input id="number" name="number" type="text" value="{number}" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="number-hint">
<p class="hint" id="number-hint">V and 10 digits, from the voucher SMS.</p>
</div>
<div class="field">
<label for="voucher_password">Voucher password</label>
<input id="voucher_password" name="password" type="password" required maxlength="32" autocomplete="off">
<p class="hint">After 3 wrong passwords the voucher locks; its backup password unlocks it.</p>
</div>
<button type="submit" class="primary">Pay with voucher</button>
</form>
<p class="hint"><a href="{back}">Back to sign-in</a> · <a href="/vouchers/balance">Voucher balance</a> · <a href="/vouchers/unlock">Unlock a voucher</a></p>
"#,
        action = escape(&v.action),
        csrf = csrf_field(&v.csrf_token),
        number = escape(&v.number),
        back = escape(&v.back),
    ));
    page("Pay with a voucher", Some(Step::Code), &body)
}

/// Renders a holder's page.
pub fn voucher_form_page(v: &VoucherFormView) -> String {
    let mut body = format!("<h1>{}</h1>\n", escape(v.title));
    if let Some(n) = &v.notice {
        body.push_str(&notice("error", n));
    }
    if !v.result.is_empty() {
        body.push_str("<dl class=\"voucher-result\" id=\"voucher-result\">\n");
        for (label, value) in &v.result {
            body.push_str(&format!(
                "<dt>{}</dt><dd class=\"mono\">{}</dd>\n",
                escape(label),
                escape(value)
            ));
        }
        body.push_str("</dl>\n");
        return page(v.title, None, &body);
    }
    body.push_str(&format!("<p class=\"hint\">{}</p>\n", escape(v.intro)));
    body.push_str(&format!(
        "<form method=\"post\" action=\"{}\" class=\"form\">\n{}\n",
        escape(&v.action),
        csrf_field(&v.csrf_token)
    ));
    for f in &v.fields {
        let required = if f.required { " required" } else { "" };
        let input = if f.kind == "checkbox" {
            format!(
                r#"<label class="choice"><input type="checkbox" id="{n}" name="{n}" value="1"> <span>{l}</span></label>"#,
                n = f.name,
                l = escape(f.label)
            )
        } else {
            let value = if f.kind == "password" { "" } else { &f.value };
            format!(
                r#"<label for="{n}">{l}</label>
<input id="{n}" name="{n}" type="{k}" value="{v}"{required} maxlength="64" autocomplete="off">"#,
                n = f.name,
                l = escape(f.label),
                k = f.kind,
                v = escape(value),
            )
        };
        let hint = if f.hint.is_empty() {
            String::new()
        } else {
            format!("\n<p class=\"hint\">{}</p>", escape(f.hint))
        };
        body.push_str(&format!("<div class=\"field\">\n{input}{hint}\n</div>\n"));
    }
    body.push_str(&format!(
        "<button type=\"submit\" class=\"primary\">{}</button>\n</form>\n",
        escape(v.submit)
    ));
    page(v.title, None, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pay_view() -> VoucherPayView {
        VoucherPayView {
            merchant_name: "Demo <Shop>".into(),
            amount: "GBP 12.00".into(),
            description: "Tea".into(),
            order_id: "o-1".into(),
            action: "/checkout/pay_x/voucher".into(),
            back: "/checkout/pay_x".into(),
            csrf_token: "f00d".into(),
            number: "\"><script>".into(),
            notice: Some("The voucher number or password is wrong.".into()),
        }
    }

    #[test]
    fn pay_page_has_the_form_and_escapes() {
        let html = voucher_pay_page(&pay_view());
        for needle in [
            "Demo &lt;Shop&gt;",
            "GBP 12.00",
            r#"action="/checkout/pay_x/voucher""#,
            r#"name="csrf_token" value="f00d""#,
            r#"name="password" type="password""#,
            r#"value="&quot;&gt;&lt;script&gt;""#,
            r#"role="alert">The voucher number or password is wrong.</p>"#,
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
        assert!(!html.contains("<script>\""));
    }

    #[test]
    fn form_page_never_echoes_a_password_and_shows_results() {
        let mut v = VoucherFormView {
            title: "Voucher balance",
            intro: "Enter the voucher number and password.",
            action: "/vouchers/balance".into(),
            csrf_token: "t".into(),
            fields: vec![Field {
                name: "password",
                label: "Voucher password",
                kind: "password",
                value: "SECRETVAL".into(),
                hint: "",
                required: true,
            }],
            submit: "Show balance",
            notice: None,
            result: Vec::new(),
        };
        let html = voucher_form_page(&v);
        assert!(html.contains(r#"action="/vouchers/balance""#));
        assert!(!html.contains("SECRETVAL"));
        v.result = vec![("Balance".into(), "GBP <5.00>".into())];
        let html = voucher_form_page(&v);
        assert!(html.contains("GBP &lt;5.00&gt;") && !html.contains("<form"));
    }
}
