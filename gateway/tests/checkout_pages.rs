//! The server-rendered checkout over real HTTP: the whole flow through the
//! HTML forms (CSRF cookie and field, masked number, code read from the
//! fake SMS, result page, money moved), CSRF refusals, the generic sign-in
//! failure, wrong codes, resend cooldown and a second terminal, escaping of
//! merchant text, the status JSON, assets and headers, the shopper's cancel.

#[path = "checkout_pages/support.rs"]
mod support;

#[path = "checkout_pages/browser.rs"]
mod browser;
#[path = "checkout_pages/cancel.rs"]
mod cancel;
#[path = "checkout_pages/refusals.rs"]
mod refusals;
#[path = "checkout_pages/settlement.rs"]
mod settlement;

use std::time::Duration;

use browser::Shopper;
use reqwest::{StatusCode, header};
use support::{Harness, PHONE, WORK_PHONE};

const EVIL: &str = "<script>alert(1)</script> Books";

#[tokio::test]
async fn the_whole_flow_through_the_html_forms() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let (mut s, html) = Shopper::open(&h, id.as_str()).await;
    for needle in [
        "ACME Books",
        "GBP 12.50",
        "Two &lt;b&gt;paperbacks&lt;/b&gt;",
        "name=\"password\"",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    s.sign_in().await;
    let (status, html) = s.get("").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("+44 ••• ••• 0101"), "masked destination");
    assert!(!html.contains(PHONE) && !html.contains(WORK_PHONE));
    assert!(
        html.contains("Sent, waiting for your phone"),
        "delivery status"
    );
    assert!(html.contains("Attempts left: <strong>3</strong>"));
    assert!(html.contains("data-expires-at=") && html.contains("data-resend-at="));
    assert!(
        html.contains("+44 ••• ••• 0202"),
        "the second terminal is offered"
    );
    assert!(html.contains(&format!("data-status-url=\"/checkout/{id}/status\"")));

    let code = h.sms.code_to(PHONE);
    let r = s.post("code", &[("code", &code)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = s.get("").await;
    assert!(html.contains("<h1>Payment complete</h1>"), "{html}");
    let link = format!("https://shop.example/done?payment_id={id}&amp;status=succeeded");
    assert!(html.contains(&format!("href=\"{link}\"")), "return link");
    assert_eq!(h.balance("GB00SHOP").await, 1250);
    assert_eq!(h.balance("GB00ALICE").await, 100_000 - 1250);

    let status: serde_json::Value = h
        .client
        .get(h.url(&format!("/checkout/{id}/status")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        status,
        serde_json::json!({"delivery": "sent", "state": "succeeded"})
    );
}

#[tokio::test]
async fn merchant_text_is_escaped_on_every_page() {
    let h = Harness::start(EVIL, None).await;
    let id = h.payment().await;
    let (mut s, html) = Shopper::open(&h, id.as_str()).await;
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; Books";
    assert!(html.contains(escaped) && !html.contains("<script>alert"));
    s.sign_in().await;
    let (_, html) = s.get("").await;
    assert!(html.contains(escaped) && !html.contains("<script>alert"));
    let r = s.post("code", &[("code", &h.sms.code_to(PHONE))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = s.get("").await;
    assert!(html.contains(&format!("Return to {escaped}")) && !html.contains("<script>alert"));
}

#[tokio::test]
async fn the_merchants_customer_hint_fills_the_identity_field_escaped() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment_with_hint(Some("alice\"><b>")).await;
    let (_, html) = Shopper::open(&h, id.as_str()).await;
    assert!(
        html.contains(r#"name="identity" type="text" value="alice&quot;&gt;&lt;b&gt;""#),
        "{html}"
    );
    let id = h.payment().await;
    let (_, html) = Shopper::open(&h, id.as_str()).await;
    assert!(
        html.contains(r#"name="identity" type="text" value="""#),
        "{html}"
    );
}

#[tokio::test]
async fn wrong_codes_count_down_and_resend_follows_the_cooldown() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let (mut s, _) = Shopper::open(&h, id.as_str()).await;
    s.sign_in().await;
    let right = h.sms.code_to(PHONE);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = s.post("code", &[("code", wrong)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("That code is not right."));
    assert!(html.contains("Attempts left: <strong>2</strong>"));

    let r = s.post("resend", &[]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Please wait a little"));

    h.app.payments.clock().advance(Duration::from_secs(31));
    let terminals = h.app.payments.store().terminals(h.customer).await.unwrap();
    let work = terminals.iter().find(|t| t.msisdn == WORK_PHONE).unwrap();
    let r = s
        .post("resend", &[("terminal", &work.id.to_string())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.ends_with("?notice=sent"), "{location}");
    let (_, html) = s.get("?notice=sent").await;
    assert!(html.contains("A new code is on its way."));
    assert!(
        html.contains("We sent a code by SMS to <strong class=\"mono\">+44 ••• ••• 0202</strong>")
    );
    assert!(html.contains("2 new codes left"));

    let r = s.post("code", &[("code", &right)]).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the first code no longer works"
    );
    let r = s
        .post("code", &[("code", &h.sms.code_to(WORK_PHONE))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}
