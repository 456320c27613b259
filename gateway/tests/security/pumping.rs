//! SMS pumping through the JSON checkout API, from one address and to one
//! number: many checkouts or resends from an address hit
//! `per_ip_starts_per_min`, many code checks `per_ip_checks_per_min` (429
//! `rate_limited` with Retry-After), many codes to one number
//! `per_number_10min` (429 `phone_limit`); refused requests send nothing,
//! and the admin view counts sends and refusals. The per-prefix limit is
//! in `prefix.rs`, which shares the helpers here.

use std::time::Duration;

use gateway::codes::{CodePolicy, CodePolicySettings};
use gateway::customers::Registration;
use gateway::domain::{OnlineIdentity, Password};
use gateway::store::{NewTerminal, TerminalKind};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::support::{ADMIN_TOKEN, Harness, Options, PASSWORD, PHONE};

pub(crate) fn policy(f: impl FnOnce(&mut CodePolicySettings)) -> CodePolicy {
    let mut s = CodePolicySettings::default();
    f(&mut s);
    CodePolicy::try_from(s).expect("test policy")
}

pub(crate) async fn start(f: impl FnOnce(&mut CodePolicySettings)) -> Harness {
    Harness::start_with(Options {
        admin_token: Some(ADMIN_TOKEN.into()),
        policy: policy(f),
        ..Options::default()
    })
    .await
}

/// A JSON checkout step as a script sends it: (status, Retry-After, body).
pub(crate) async fn step(
    h: &Harness,
    id: &str,
    step: &str,
    body: Value,
) -> (StatusCode, Option<u64>, Value) {
    let r = h
        .client
        .post(h.url(&format!("/api/v1/checkout/{id}/{step}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let retry = r
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (r.status(), retry, r.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn identify(h: &Harness, identity: &str) -> (StatusCode, Option<u64>, Value) {
    let id = h.payment().await;
    let body = json!({ "identity": identity, "password": PASSWORD });
    step(h, id.as_str(), "identify", body).await
}

pub(crate) async fn pumping(h: &Harness) -> Value {
    let r = h
        .client
        .get(h.url("/admin/api/pumping?window_s=600"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Registers a customer `alias` with one phone `msisdn`.
pub(crate) async fn customer(h: &Harness, alias: &str, msisdn: &str) {
    let r = Registration {
        name: alias.into(),
        id_document: "P7654321".into(),
        identities: vec![OnlineIdentity::parse(alias).expect("alias")],
        password: Password::new(PASSWORD.into()).expect("password"),
        backup_code: None,
        terminals: vec![NewTerminal {
            msisdn: msisdn.into(),
            kind: TerminalKind::Phone,
            label: "phone".into(),
        }],
        accounts: vec!["GB00ALICE".into()],
        limit_per_payment: None,
        limit_per_day: None,
        locale: gateway::sms::Locale::En,
    };
    let now = h.app.payments.clock().now_ms();
    h.app
        .payments
        .customers()
        .register(r, now)
        .await
        .expect("register");
}

#[tokio::test]
async fn one_address_starting_checkouts_or_resends_is_limited() {
    let h = start(|s| s.per_ip_starts_per_min = 3).await;
    // Three starts (unknown identities: nothing is sent, nothing locks).
    for n in 0..3 {
        let (s, _, v) = identify(&h, &format!("nobody{n}")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
    // The fourth, even with the right password, is refused with a wait.
    let (s, retry, v) = identify(&h, "alice").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    let retry = retry.expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(h.sms.count(), 0);

    // Resends count as starts too.
    let h = start(|s| s.per_ip_starts_per_min = 2).await;
    let id = h.payment().await;
    let body = json!({ "identity": "alice", "password": PASSWORD });
    let (s, _, _) = step(&h, id.as_str(), "identify", body).await;
    assert_eq!(s, StatusCode::OK);
    h.app.payments.clock().advance(Duration::from_secs(31));
    let (s, _, v) = step(&h, id.as_str(), "resend", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    h.app.payments.clock().advance(Duration::from_secs(61));
    let (s, retry, v) = step(&h, id.as_str(), "resend", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")),
        "{v}"
    );
    assert!(retry.is_some_and(|r| (1..=60).contains(&r)), "{retry:?}");
    assert_eq!(h.sms.count(), 2, "the refused resend sent nothing");

    let v = pumping(&h).await;
    assert_eq!(v["sent"]["total"], 2, "{v}");
    assert_eq!(
        v["sent"]["by_ip"],
        json!([{ "ip": "127.0.0.1", "count": 2 }]),
        "{v}"
    );
    assert_eq!(
        v["refused"]["by_reason"],
        json!([{ "reason": "ip_starts", "count": 1 }]),
        "{v}"
    );
    assert_eq!(
        v["refused"]["by_ip"],
        json!([{ "ip": "127.0.0.1", "count": 1 }]),
        "{v}"
    );
}

#[tokio::test]
async fn many_code_checks_from_one_address_are_limited() {
    let h = start(|s| s.per_ip_checks_per_min = 2).await;
    let id = h.payment().await;
    let body = json!({ "identity": "alice", "password": PASSWORD });
    assert_eq!(
        step(&h, id.as_str(), "identify", body).await.0,
        StatusCode::OK
    );
    for _ in 0..2 {
        let (s, _, _) = step(&h, id.as_str(), "code", json!({ "code": "000000" })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The third check is refused before the code is even looked at: the
    // right code does not get through and is not used up.
    let code = h.sms.code_to(PHONE);
    let (s, retry, v) = step(&h, id.as_str(), "code", json!({ "code": code })).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    assert!(retry.is_some());
    let p = h.app.payments.payment(&id).await.unwrap();
    assert_eq!(p.state.as_str(), "code_sent");
}

#[tokio::test]
async fn one_number_gets_at_most_its_limit_of_codes() {
    let h = start(|_| {}).await;
    for _ in 0..5 {
        let (s, _, v) = identify(&h, "alice").await;
        assert_eq!(
            (s, v["state"].as_str()),
            (StatusCode::OK, Some("code_sent")),
            "{v}"
        );
    }
    let id = h.payment().await;
    let body = json!({ "identity": "alice", "password": PASSWORD });
    let (s, retry, v) = step(&h, id.as_str(), "identify", body.clone()).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("phone_limit")),
        "{v}"
    );
    // The window is 10 minutes from the first send.
    let retry = retry.expect("Retry-After");
    assert!((595..=600).contains(&retry), "{retry}");
    assert_eq!(h.sms.count(), 5);
    let p = h.app.payments.payment(&id).await.unwrap();
    assert_eq!(p.state.as_str(), "identified", "still open");
    let timeline = h.app.payments.store().timeline(&id).await.unwrap();
    assert!(timeline.iter().any(|e| e.event == "code_refused"));
    let v = pumping(&h).await;
    assert_eq!(
        v["refused"]["by_reason"],
        json!([{ "reason": "number", "count": 1 }]),
        "{v}"
    );
    assert_eq!(
        v["sent"]["by_prefix"],
        json!([{ "prefix": "44770090", "count": 5 }]),
        "{v}"
    );
    // Once the window has passed the same payment gets its code.
    h.app.payments.clock().advance(Duration::from_secs(601));
    let (s, _, v) = step(&h, id.as_str(), "identify", body).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("code_sent")),
        "{v}"
    );
    assert_eq!(h.sms.count(), 6);
}
