//! Confirmation from the handset in a real browser (headless Chromium over
//! WebDriver) on the full stack: the POS terminal page charges Alice, her
//! phone on the phones page shows the payment request with Confirm /
//! Decline and a PIN field, the PIN is typed and Confirm pressed, and the
//! POS page shows the approved receipt. And Decline: the receipt says not
//! paid. Screenshots go to `target/browser-screenshots/`.
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

/// Charges Alice `amount` on the POS page; returns on the waiting page
/// with the push reference it shows.
async fn charge(c: &Client, stack: &switchboard::Stack, amount: &str) -> String {
    c.goto(&format!("http://{}/pos", stack.shop_http))
        .await
        .expect("POS page");
    let f = c
        .form(Locator::Css("form[action='/pos/charge']"))
        .await
        .expect("the sale form");
    f.set_by_name("customer", "alice").await.expect("customer");
    f.set_by_name("amount", amount).await.expect("amount");
    f.submit().await.expect("charge");
    let waiting = c
        .wait()
        .for_element(Locator::Css("#waiting strong"))
        .await
        .expect("the waiting page");
    waiting.text().await.expect("reference")
}

/// The POS page's receipt, once the payment is final.
async fn receipt(c: &Client) -> String {
    let found = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if let Ok(r) = c.find(Locator::Css("#receipt")).await
                && let Ok(text) = r.text().await
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    found.expect("the receipt on the POS page within 15 s")
}

/// On Alice's phone (a second tab) answers the push `reference` by
/// pressing `button` ("confirm" or "decline"), with `pin` typed first.
async fn answer_on_the_phone(
    c: &Client,
    stack: &switchboard::Stack,
    reference: &str,
    pin: &str,
    button: &str,
) {
    let pos = c.window().await.expect("window");
    let tab = c.new_window(true).await.expect("new tab");
    c.switch_to_window(tab.handle).await.expect("switch");
    c.goto(&format!("http://{}/phones/{ALICE}", stack.handsets_http))
        .await
        .expect("phones page");
    let form = format!("form.push-answer:has(input[name='reference'][value='{reference}'])");
    c.wait()
        .for_element(Locator::Css(&form))
        .await
        .expect("the payment request on Alice's screen");
    // The script may swap the screen in while we act (a live update);
    // a stale element is found again.
    let mut pressed = false;
    for _ in 0..5 {
        let Ok(pin_field) = c
            .find(Locator::Css(&format!("{form} input[name='pin']")))
            .await
        else {
            continue;
        };
        if pin_field
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
            != pin
            && pin_field.clear().await.is_ok()
            && pin_field.send_keys(pin).await.is_err()
        {
            continue;
        }
        shot(c, &format!("phone-push-{button}")).await;
        let Ok(b) = c
            .find(Locator::Css(&format!("{form} button[id$='-{button}']")))
            .await
        else {
            continue;
        };
        if b.click().await.is_ok() {
            pressed = true;
            break;
        }
    }
    assert!(pressed, "{button} pressed");
    // The gateway's answer arrives on the same screen.
    let word = if button == "confirm" {
        "Paid"
    } else {
        "declined"
    };
    let answered = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let _ = c.refresh().await;
            if let Ok(body) = c.find(Locator::Css("body")).await
                && let Ok(text) = body.text().await
                && text.contains(word)
                && text.contains(reference)
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    if answered.is_err() {
        shot(c, &format!("phone-no-answer-{button}")).await;
    }
    let text = answered.expect("the gateway's answer on the phone");
    assert!(
        pin.is_empty() || !text.contains(pin),
        "the PIN is not shown on the phones page"
    );
    shot(c, &format!("phone-answered-{button}")).await;
    c.close_window().await.expect("close tab");
    c.switch_to_window(pos).await.expect("back to the POS");
}

#[tokio::test]
async fn confirm_with_the_pin_on_the_phones_page_prints_the_receipt() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let stack = stack().await;
    wait_state(&stack, ALICE, "attached").await;
    let reference = charge(&c, &stack, "7.25").await;
    shot(&c, "pos-waiting").await;
    answer_on_the_phone(&c, &stack, &reference, "4821", "confirm").await;
    let text = receipt(&c).await;
    shot(&c, "pos-receipt").await;
    for want in ["Demo Shop", "GBP 7.25", &reference, "APPROVED"] {
        assert!(text.contains(want), "{want} in {text}");
    }

    let reference = charge(&c, &stack, "3.10").await;
    answer_on_the_phone(&c, &stack, &reference, "", "decline").await;
    let text = receipt(&c).await;
    assert!(text.contains("NOT PAID (declined"), "{text}");
    c.close().await.expect("close");
    stack.stop().await.expect("clean stop");
}
