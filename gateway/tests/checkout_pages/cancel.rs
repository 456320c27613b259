//! The shopper cancels on the pages: before sign-in and on the code page
//! (cancelled "by the shopper" in the timeline, the result page links
//! back to the shop); not without the CSRF token; not from another browser
//! after sign-in; and never once the code was used and the money may be
//! moving.

use reqwest::StatusCode;

use super::browser::Shopper;
use super::support::{Harness, PHONE};

async fn state(h: &Harness, id: &gateway::domain::PaymentId) -> String {
    let p = h.app.payments.store().payment(id).await.unwrap().unwrap();
    p.state.as_str().to_owned()
}

#[tokio::test]
async fn the_shopper_cancels_before_and_after_sign_in() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let (s, html) = Shopper::open(&h, id.as_str()).await;
    assert!(html.contains("/cancel\""), "the sign-in page offers cancel");
    // No token: refused, nothing changes.
    let r = s.post_raw("cancel", &[], Some(&s.cookie)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(state(&h, &id).await, "created");
    let r = s.post("cancel", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(state(&h, &id).await, "cancelled");
    let (_, page) = s.get("").await;
    assert!(
        page.contains("https://shop.example/done"),
        "a way back to the shop"
    );
    let events = h.app.payments.store().timeline(&id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.event.as_str(), last.detail.as_str()),
        ("cancelled", "by the shopper")
    );

    // After sign-in: another browser cannot cancel, the signed-in one can.
    let id = h.payment().await;
    let (mut s, _) = Shopper::open(&h, id.as_str()).await;
    let (stranger, _) = Shopper::open(&h, id.as_str()).await;
    s.sign_in().await;
    let (_, code_page) = s.get("").await;
    assert!(
        code_page.contains("/cancel\""),
        "the code page offers cancel"
    );
    let r = stranger.post("cancel", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(state(&h, &id).await, "code_sent");
    let r = s.post("cancel", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(state(&h, &id).await, "cancelled");
}

#[tokio::test]
async fn a_payment_whose_code_was_used_is_not_cancelled() {
    let h = Harness::start("ACME Books", None).await;
    let id = h.payment().await;
    let (mut s, _) = Shopper::open(&h, id.as_str()).await;
    s.sign_in().await;
    assert!(!h.sms.code_to(PHONE).is_empty());
    // The code is used (as the confirm step does first); the bank has not
    // answered yet: the money may be moving.
    let store = h.app.payments.store();
    let record = store.codes_for_payment(&id).await.unwrap().pop().unwrap();
    assert!(
        store
            .consume_code(record.id, h.app.payments.clock().now_ms())
            .await
            .unwrap()
    );
    let r = s.post("cancel", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        state(&h, &id).await,
        "code_sent",
        "not cancelled under a settlement"
    );
    let merchant_cancel = h.app.payments.cancel(&h.merchant, &id).await;
    assert!(merchant_cancel.is_err(), "nor by the merchant");
    assert_eq!(h.app.payments.resume_settlements().await.unwrap(), 1);
    assert_eq!(state(&h, &id).await, "succeeded");
}
