//! Tests for checkout page 2 (kept apart so `code.rs` stays short).

use super::*;
use crate::http::pages::resend::TerminalOption;

pub(crate) fn view() -> CodeView {
    CodeView {
        merchant_name: "ACME Books".into(),
        amount: "CNY 128.00".into(),
        order_id: "ord-1001".into(),
        msisdn: "447700900101".into(),
        delivery: DeliveryStatus::Sent,
        now_ms: 1_000_000,
        expires_at_ms: 1_300_000,
        code_digits: 6,
        attempts_left: 3,
        code_action: "/checkout/pay_abc/code".into(),
        csrf_token: "f00d".into(),
        notice: None,
        resend: ResendView {
            action: "/checkout/pay_abc/resend".into(),
            available_at_ms: 1_030_000,
            resends_left: 3,
            terminals: vec![
                TerminalOption {
                    id: "1".into(),
                    msisdn: "447700900101".into(),
                    label: "Mobile".into(),
                    selected: true,
                },
                TerminalOption {
                    id: "2".into(),
                    msisdn: "447700900202".into(),
                    label: "Work phone".into(),
                    selected: false,
                },
            ],
        },
        status_url: Some("/checkout/pay_abc/status".into()),
        cancel_action: None,
    }
}

#[test]
fn renders_amount_payee_number_and_code_input() {
    let html = code_page(&view());
    for needle in [
        "ACME Books",
        "CNY 128.00",
        "Pay CNY 128.00",
        "+44 ••• ••• 0101",
        r#"action="/checkout/pay_abc/code""#,
        r#"action="/checkout/pay_abc/resend""#,
        r#"inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" minlength="6" maxlength="6""#,
        r#"<input type="hidden" name="csrf_token" value="f00d">"#,
        "Attempts left: <strong>3</strong>",
        r#"data-server-now="1000000""#,
        r#"data-expires-at="1300000">Code valid for <span class="countdown" data-countdown>5:00</span>"#,
        r#"data-resend-at="1030000" disabled"#,
        "Work phone",
        r#"data-status-url="/checkout/pay_abc/status""#,
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(!html.contains("7700900101"), "full number leaked");
}

#[test]
fn delivery_status_has_text_and_class() {
    for status in DeliveryStatus::ALL {
        let mut v = view();
        v.delivery = status;
        let html = code_page(&v);
        let expected = format!("status status-{}\"", status.as_str());
        assert!(html.contains(&expected), "{status:?}");
        assert!(
            html.contains(&format!(">{}</p>", status.text())),
            "{status:?}"
        );
    }
    assert_eq!(DeliveryStatus::Delivered.text(), "Delivered to your phone");
}

#[test]
fn expired_or_exhausted_code_disables_entry() {
    let mut v = view();
    v.now_ms = v.expires_at_ms;
    let html = code_page(&v);
    assert!(html.contains("This code has expired."));
    assert!(!html.contains("data-expires-at"));
    assert!(html.contains(r#"data-needs-time disabled>Pay"#));

    let mut v = view();
    v.attempts_left = 0;
    v.notice = Some(CodeNotice::CodeRevoked);
    let html = code_page(&v);
    assert!(html.contains(r#"class="notice error" role="alert">Too many wrong codes"#));
    assert!(html.contains(r#"aria-describedby="code-hint" disabled>"#));
}

#[test]
fn escapes_merchant_and_urls() {
    let mut v = view();
    v.merchant_name = "<script>alert('m')</script>".into();
    v.amount = "<b>1</b>".into();
    v.status_url = Some("\"><script>x</script>".into());
    let html = code_page(&v);
    assert!(!html.contains("<script>") && !html.contains("<b>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;m&#39;)&lt;/script&gt;"));
    assert!(html.contains(r#"data-status-url="&quot;&gt;&lt;script&gt;x&lt;/script&gt;""#));
}

#[test]
fn good_news_notice_is_not_an_error() {
    let mut v = view();
    v.notice = Some(CodeNotice::NewCodeSent);
    let html = code_page(&v);
    assert!(html.contains(r#"class="notice info" role="alert">A new code is on its way"#));
}

#[test]
fn clock_rounds_up_and_clamps() {
    assert_eq!(clock(300_000), "5:00");
    assert_eq!(clock(299_001), "5:00");
    assert_eq!(clock(61_000), "1:01");
    assert_eq!(clock(1), "0:01");
    assert_eq!(clock(-5), "0:00");
}
