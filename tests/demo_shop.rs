//! The demo shop as a visitor uses it: pick an item, get sent to the
//! gateway's checkout, pay with the code from the phone, come back to the
//! shop, which shows what the gateway says (not what the URL claims).

mod common;

use std::time::Duration;

use common::*;
use reqwest::redirect::Policy;
use serde_json::json;

#[tokio::test]
async fn buying_in_the_shop_goes_through_the_gateway_and_back() {
    let stack = stack().await;
    let shop = format!("http://{}", stack.shop_http);
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client");
    let index = http
        .get(&shop)
        .send()
        .await
        .expect("shop")
        .text()
        .await
        .expect("html");
    assert!(
        index.contains("Earl Grey tea") && index.contains("GBP 12.50"),
        "{index}"
    );
    let r = http
        .post(format!("{shop}/buy"))
        .form(&[("item", "tea")])
        .send()
        .await
        .expect("buy");
    assert_eq!(r.status().as_u16(), 303);
    let checkout_url = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(checkout_url.contains("/checkout/pay_"), "{checkout_url}");
    let id = checkout_url.rsplit('/').next().expect("id").to_owned();
    // A return before paying shows "not paid", whatever the query says.
    let early = http
        .get(format!("{shop}/return?payment_id={id}&status=succeeded"))
        .send()
        .await
        .expect("return")
        .text()
        .await
        .expect("html");
    assert!(early.contains("Not paid"), "{early}");
    assert_eq!(identify(&stack, &id, "alice", "alice-pass-1").await.0, 200);
    let code = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    let (s, v) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!(s, 200, "{v}");
    let return_url = v["return_url"].as_str().expect("return url");
    assert!(return_url.starts_with(&shop), "{return_url}");
    let done = http
        .get(format!("{shop}/return?payment_id={id}&status=succeeded"))
        .send()
        .await
        .expect("return")
        .text()
        .await
        .expect("html");
    assert!(
        done.contains("Thank you") && done.contains("Earl Grey tea"),
        "{done}"
    );
    let bad = http
        .post(format!("{shop}/buy"))
        .form(&[("item", "<script>")])
        .send()
        .await
        .expect("buy");
    assert_eq!(bad.status().as_u16(), 400);
    stack.stop().await.expect("clean stop");
}
