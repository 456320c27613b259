//! A real browser (headless Chromium driven over WebDriver) on the full
//! stack: buy in the demo shop, sign in on the gateway's checkout, open the
//! phones page in a second tab and read the code from Alice's screen, type
//! it, and land back in the shop with "Thank you". And the failure path:
//! three wrong codes. Screenshots go to `target/browser-screenshots/`.
//!
//! Needs `chromium` and `chromedriver` (scripts/test.sh installs them);
//! without them the test fails, unless SWITCHBOARD_SKIP_BROWSER=1.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use browser::{browser, shot, shots};
use common::*;
use fantoccini::{Client, Locator};
use serde_json::json;

/// Buy the first item and sign in as Alice; returns on the code page.
async fn buy_and_sign_in(c: &Client, stack: &switchboard::Stack) {
    c.goto(&format!("http://{}/", stack.shop_http))
        .await
        .expect("shop");
    c.wait()
        .for_element(Locator::Css("form.item button"))
        .await
        .expect("a Buy button")
        .click()
        .await
        .expect("click");
    c.wait()
        .for_element(Locator::Css("form[action$='/identify']"))
        .await
        .expect("the checkout");
    let f = c
        .form(Locator::Css("form[action$='/identify']"))
        .await
        .expect("the sign-in form");
    f.set_by_name("identity", "alice").await.expect("identity");
    f.set_by_name("password", "alice-pass-1")
        .await
        .expect("password");
    f.submit().await.expect("submit");
    c.wait()
        .for_element(Locator::Css("form[action$='/code']"))
        .await
        .expect("the code page");
}

/// The code shown on Alice's phone, read in a second tab.
async fn code_from_the_phone(c: &Client, stack: &switchboard::Stack) -> String {
    let checkout = c.window().await.expect("window");
    let tab = c.new_window(true).await.expect("new tab");
    c.switch_to_window(tab.handle).await.expect("switch");
    c.goto(&format!("http://{}/", stack.handsets_http))
        .await
        .expect("phones page");
    let mark = c
        .wait()
        .for_element(Locator::Css("mark.code"))
        .await
        .expect("a code on a screen");
    let code = mark.text().await.expect("code text");
    shot(c, "phones").await;
    c.close_window().await.expect("close tab");
    c.switch_to_window(checkout)
        .await
        .expect("back to checkout");
    code
}

#[tokio::test]
async fn a_shopper_pays_in_chromium_with_the_code_from_the_phones_page() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let stack = stack().await;
    buy_and_sign_in(&c, &stack).await;
    shot(&c, "checkout-code").await;
    let code = code_from_the_phone(&c, &stack).await;
    assert_eq!(code.len(), 6, "{code}");
    let f = c
        .form(Locator::Css("form[action$='/code']"))
        .await
        .expect("code form");
    f.set_by_name("code", &code).await.expect("code");
    f.submit().await.expect("pay");
    let back = c
        .wait()
        .for_element(Locator::LinkText("Return to Demo Shop"))
        .await
        .expect("the result page");
    shot(&c, "checkout-result").await;
    back.click().await.expect("back to the shop");
    let thanks = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(body) = c.find(Locator::Css("body")).await
                && let Ok(text) = body.text().await
                && text.contains("Thank you")
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(thanks.is_ok(), "the shop's thank-you page within 10 s");
    shot(&c, "shop-thank-you").await;
    eprintln!("screenshots in {}", shots().display());
    c.close().await.expect("close");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn three_wrong_codes_in_chromium_revoke_the_code() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let stack = stack().await;
    buy_and_sign_in(&c, &stack).await;
    let code = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        // The old page must be gone before the next form is looked up, or
        // the lookup may still find the page being replaced.
        let old = c.find(Locator::Css("html")).await.expect("page");
        let f = c
            .form(Locator::Css("form[action$='/code']"))
            .await
            .expect("code form");
        f.set_by_name("code", wrong).await.expect("code");
        f.submit().await.expect("submit");
        tokio::time::timeout(Duration::from_secs(10), async {
            while old.tag_name().await.is_ok() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("the next page within 10 s");
    }
    let body = c
        .find(Locator::Css("body"))
        .await
        .expect("body")
        .text()
        .await
        .expect("text");
    shot(&c, "checkout-revoked").await;
    assert!(
        body.to_lowercase().contains("new code") || body.to_lowercase().contains("no longer"),
        "{body}"
    );
    // The page is /checkout/{id} or the re-rendered /checkout/{id}/code.
    let url = c.current_url().await.expect("url");
    let id = url.path().split('/').nth(2).unwrap_or_default().to_owned();
    // The pages bound the payment to this browser: the JSON API takes the
    // code step only with the browser's session token (one of its sb_csrf
    // cookies, the one scoped to /checkout/{id}).
    let url = format!("http://{}/api/v1/checkout/{id}/code", stack.gateway_http);
    let mut statuses = Vec::new();
    for cookie in c.get_all_cookies().await.expect("cookies") {
        if cookie.name() != "sb_csrf" {
            continue;
        }
        let r = reqwest::Client::new()
            .post(&url)
            .header("X-CSRF-Token", cookie.value())
            .json(&json!({ "code": code }))
            .send()
            .await
            .expect("checkout API answers");
        statuses.push(r.status().as_u16());
    }
    assert!(
        statuses.contains(&410) && statuses.iter().all(|s| [403, 410].contains(s)),
        "the right code no longer works either, even from the signed-in browser: {statuses:?}"
    );
    c.close().await.expect("close");
    stack.stop().await.expect("clean stop");
}
