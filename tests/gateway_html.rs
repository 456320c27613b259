//! The checkout as a browser sees it, on the full stack: server-rendered
//! forms with the CSRF cookie and field, the code read from the real
//! handset's inbox, and the result page; plus the lock on the amount once a
//! code names it.

mod common;

use std::time::Duration;

use common::*;
use reqwest::redirect::Policy;

/// A browser without JavaScript: keeps the CSRF cookie, follows nothing.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    fn new(stack: &switchboard::Stack) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("client");
        Browser {
            http,
            base: format!("http://{}", stack.gateway_http),
            cookie: None,
        }
    }

    fn remember(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap_or_default();
            if let Some(pair) = v.split(';').next().filter(|p| p.starts_with("sb_csrf=")) {
                self.cookie = Some(pair.to_owned());
            }
        }
    }

    async fn get(&mut self, path: &str) -> (u16, String) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.expect("GET");
        self.remember(&r);
        (r.status().as_u16(), r.text().await.expect("body"))
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.expect("POST");
        self.remember(&r);
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (r.status().as_u16(), location, r.text().await.expect("body"))
    }
}

/// The hidden CSRF field's value in a page.
fn csrf_token(page: &str) -> String {
    let at = page
        .find(r#"name="csrf_token" value=""#)
        .expect("a CSRF field");
    let rest = &page[at + r#"name="csrf_token" value=""#.len()..];
    rest[..rest.find('"').expect("closing quote")].to_owned()
}

#[tokio::test]
async fn the_html_checkout_pays_with_the_code_from_the_phone() {
    let stack = stack().await;
    let hooks = Webhooks::for_demo_shop(&stack).await;
    let before = bank_balance(&stack, "GB33SWBK00000000000102").await;
    let shop_before = bank_balance(&stack, SHOP_ACCOUNT).await;
    let id = create_payment(&stack, "15.00").await;
    let mut b = Browser::new(&stack);
    let page = format!("/checkout/{id}");
    let (s, html) = b.get(&page).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Demo Shop") && html.contains("GBP 15.00"),
        "{html}"
    );
    let token = csrf_token(&html);
    // Without the token the form is refused.
    let (s, _, _) = b
        .post(
            &format!("{page}/identify"),
            &[
                ("identity", "bob"),
                ("password", "bob-pass-1"),
                ("method", "sms"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(s, 403);
    let (s, html) = b.get(&page).await;
    assert_eq!(s, 200);
    let token2 = csrf_token(&html);
    let (s, location, _) = b
        .post(
            &format!("{page}/identify"),
            &[
                ("identity", "bob"),
                ("password", "bob-pass-1"),
                ("method", "sms"),
                ("csrf_token", &token2),
            ],
        )
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (303, Some(page.as_str())),
        "token was {token}"
    );
    let (_, html) = b.get(&page).await;
    assert!(
        html.contains("0102") && !html.contains("447700900102"),
        "masked destination: {html}"
    );
    let code = handsets(&stack)
        .wait_code(BOB, Duration::from_secs(10))
        .await
        .expect("code on Bob's phone");
    let token3 = csrf_token(&html);
    let (s, location, _) = b
        .post(
            &format!("{page}/code"),
            &[("code", &code), ("csrf_token", &token3)],
        )
        .await;
    assert_eq!((s, location.as_deref()), (303, Some(page.as_str())));
    let (_, html) = b.get(&page).await;
    assert!(
        html.to_lowercase().contains("succeeded") || html.to_lowercase().contains("success"),
        "{html}"
    );
    assert!(html.contains("https://shop.example/return"), "return link");
    assert_eq!(
        bank_balance(&stack, "GB33SWBK00000000000102").await,
        before - 1500
    );
    assert_eq!(
        bank_balance(&stack, SHOP_ACCOUNT).await,
        shop_before + 1500,
        "the shop is credited"
    );
    // The merchant hears of it by a signed webhook, and the timeline says so.
    let (sig, body) = hooks.first().await;
    assert!(hooks.verifies(&sig, &body), "{sig}");
    let event: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        (event["type"].as_str(), event["payment"]["id"].as_str()),
        (Some("payment.succeeded"), Some(id.as_str()))
    );
    let notified = async {
        loop {
            let t = admin_payment(&stack, &id).await["timeline"].to_string();
            if t.contains("\"notified\"") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), notified)
        .await
        .expect("notified on the timeline");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn once_a_code_names_the_amount_the_amount_cannot_change() {
    let stack = stack().await;
    let id = create_payment(&stack, "10.00").await;
    let pid: gateway::domain::PaymentId = id.parse().expect("id");
    let store = stack.payments.store();
    let gbp = gateway::domain::Currency::parse("GBP").expect("GBP");
    let cheaper = gateway::domain::Money::parse_decimal("1.00", gbp).expect("money");
    // Before any code the merchant may still correct it.
    store
        .change_amount(
            &pid,
            gateway::domain::Money::parse_decimal("11.00", gbp).expect("m"),
            0,
        )
        .await
        .expect("changed");
    assert_eq!(identify(&stack, &id, "alice", "alice-pass-1").await.0, 200);
    let code = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    assert!(matches!(
        store.change_amount(&pid, cheaper, 0).await,
        Err(gateway::store::StoreError::AmountLocked)
    ));
    let (s, v) = checkout(&stack, &id, "code", serde_json::json!({ "code": code })).await;
    assert_eq!((s, v["amount"].as_str()), (200, Some("11.00")), "{v}");
    stack.stop().await.expect("clean stop");
}
