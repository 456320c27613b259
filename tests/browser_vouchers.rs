//! Prepaid vouchers in a real browser (headless Chromium over WebDriver) on
//! the full stack: Alice buys a voucher on `/vouchers/buy` (the page shows
//! the number and the backup password once), the password comes by SMS to
//! her virtual phone, she opens a Demo Shop checkout, follows "Pay with a
//! prepaid voucher" from the sign-in page, types number and password, and
//! the result page says paid; the balance page then shows what is left.
//! Screenshots go to `target/browser-screenshots/`.
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

/// The text of the voucher result list once the page shows it.
async fn result_text(c: &Client) -> String {
    c.wait()
        .for_element(Locator::Css("#voucher-result"))
        .await
        .expect("the result on the page")
        .text()
        .await
        .expect("text")
}

/// The SMS on Alice's phone that names `number`.
async fn voucher_sms(stack: &switchboard::Stack, number: &str) -> String {
    let phones = handsets(stack);
    let wait = async {
        loop {
            let inbox = phones.inbox(ALICE).await.expect("inbox");
            if let Some(t) = inbox
                .iter()
                .filter_map(|m| m["text"].as_str())
                .find(|t| t.contains(number))
            {
                return t.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the voucher SMS within 10 s")
}

#[tokio::test]
async fn buy_a_voucher_and_pay_with_it_on_the_pages() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let stack = stack().await;
    wait_state(&stack, ALICE, "attached").await;
    let base = format!("http://{}", stack.gateway_http);

    c.goto(&format!("{base}/vouchers/buy"))
        .await
        .expect("buy page");
    let f = c
        .form(Locator::Css("form[action='/vouchers/buy']"))
        .await
        .expect("the buy form");
    for (name, value) in [
        ("identity", "alice"),
        ("password", "alice-pass-1"),
        ("amount", "15.00"),
        ("currency", "GBP"),
    ] {
        f.set_by_name(name, value).await.expect(name);
    }
    f.submit().await.expect("buy");
    let bought = result_text(&c).await;
    shot(&c, "voucher-bought").await;
    let number = bought
        .split_whitespace()
        .find(|w| w.starts_with('V') && w.len() == 11)
        .unwrap_or_else(|| panic!("a voucher number in {bought}"))
        .to_owned();
    assert!(
        bought.contains("GBP 15.00") && bought.contains("Backup password"),
        "{bought}"
    );
    let sms = voucher_sms(&stack, &number).await;
    let password = sms
        .split("Payment password: ")
        .nth(1)
        .and_then(|t| t.split('.').next())
        .expect("the password in the SMS")
        .replace(' ', "");

    let id = create_payment(&stack, "6.00").await;
    c.goto(&format!("{base}/checkout/{id}"))
        .await
        .expect("checkout");
    c.find(Locator::Id("pay-with-voucher"))
        .await
        .expect("the voucher link on the sign-in page")
        .click()
        .await
        .expect("follow it");
    let f = c
        .form(Locator::Id("voucher-form"))
        .await
        .expect("the voucher form");
    f.set_by_name("number", &number).await.expect("number");
    f.set_by_name("password", &password)
        .await
        .expect("password");
    shot(&c, "voucher-pay").await;
    f.submit().await.expect("pay");
    let paid = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if let Ok(body) = c.find(Locator::Css("main")).await
                && let Ok(text) = body.text().await
                && text.contains("Payment complete")
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the result page says the payment is complete");
    shot(&c, "voucher-paid").await;
    assert!(paid.contains("GBP 6.00"), "{paid}");

    c.goto(&format!("{base}/vouchers/balance"))
        .await
        .expect("balance page");
    let f = c
        .form(Locator::Css("form[action='/vouchers/balance']"))
        .await
        .expect("the balance form");
    f.set_by_name("number", &number).await.expect("number");
    f.set_by_name("password", &password)
        .await
        .expect("password");
    f.submit().await.expect("show");
    let balance = result_text(&c).await;
    shot(&c, "voucher-balance").await;
    assert!(balance.contains("GBP 9.00"), "{balance}");
    c.close().await.expect("close");
    stack.stop().await.expect("clean stop");
}
