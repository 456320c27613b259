//! Carrier billing in a real browser (headless Chromium over WebDriver) on
//! the full stack: a Demo Shop checkout, "Pay with your phone bill" from
//! the sign-in page, the operator picked from the list, a wrong billing
//! PIN (the page says so and how many attempts are left), the right PIN,
//! and the result page says paid; the operator's confirmation SMS is on
//! Alice's virtual phone. Screenshots go to `target/browser-screenshots/`.
//!
//! Needs `chromium` and `chromedriver` (scripts/test.sh installs them);
//! without them the test fails, unless SWITCHBOARD_SKIP_BROWSER=1.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use browser::{browser, shot};
use common::*;
use fantoccini::{Client, Locator};

/// The text of `main` once it contains `needle`.
async fn main_with(c: &Client, needle: &str) -> String {
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if let Ok(body) = c.find(Locator::Css("main")).await
                && let Ok(text) = body.text().await
                && text.contains(needle)
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the page never said {needle:?}"))
}

async fn fill_and_submit(c: &Client, msisdn: &str, pin: &str) {
    let f = c
        .form(Locator::Css("form[action$='/carrier']"))
        .await
        .expect("the phone-bill form");
    c.find(Locator::Id("carrier"))
        .await
        .expect("the operator list")
        .select_by_value("Switchboard Mobile")
        .await
        .expect("pick the operator");
    f.set_by_name("msisdn", msisdn).await.expect("msisdn");
    f.set_by_name("pin", pin).await.expect("pin");
    f.submit().await.expect("pay");
}

#[tokio::test]
async fn pay_on_the_phone_bill_from_the_checkout_page() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let stack = stack().await;
    wait_state(&stack, ALICE, "attached").await;
    let base = format!("http://{}", stack.gateway_http);
    let id = create_payment(&stack, "9.99").await;

    c.goto(&format!("{base}/checkout/{id}"))
        .await
        .expect("checkout");
    c.find(Locator::Id("pay-with-carrier"))
        .await
        .expect("the phone-bill link on the sign-in page")
        .click()
        .await
        .expect("follow it");
    main_with(&c, "Pay with your phone bill").await;
    fill_and_submit(&c, ALICE, "0000").await;
    let wrong = main_with(&c, "billing PIN is wrong").await;
    shot(&c, "carrier-wrong-pin").await;
    assert!(wrong.contains("2 attempt(s) left"), "{wrong}");

    // The number is kept after a failed attempt; the PIN never is.
    let kept = c
        .find(Locator::Id("msisdn"))
        .await
        .expect("msisdn field")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some(ALICE));
    fill_and_submit(&c, ALICE, "2468").await;
    let paid = main_with(&c, "Payment complete").await;
    shot(&c, "carrier-paid").await;
    assert!(paid.contains("GBP 9.99"), "{paid}");

    let phones = handsets(&stack);
    let sms = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let inbox = phones.inbox(ALICE).await.expect("inbox");
            if let Some(t) = inbox
                .iter()
                .filter(|m| m["from"] == "Billing")
                .filter_map(|m| m["text"].as_str())
                .find(|t| t.contains("9.99"))
            {
                return t.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the operator's SMS within 10 s");
    assert!(sms.contains("Demo Shop"), "{sms}");
    c.close().await.expect("close");
    stack.stop().await.expect("clean stop");
}
