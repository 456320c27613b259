//! Merchants on the full stack: only a client certificate from the
//! gateway's CA that belongs to an active merchant gets in; Idempotency-Key
//! returns the first payment; a final state reaches the merchant's webhook
//! with a valid signature.

mod common;

use std::time::Duration;

use common::merchant::Merchant;
use common::*;
use gateway::domain::MerchantId;
use gateway::pki::{self, Ca};
use gateway::store::{MerchantStatus, NewMerchant};
use serde_json::json;

fn payment_body(order: &str, amount: &str) -> serde_json::Value {
    json!({ "order_id": order, "amount": amount, "currency": "GBP" })
}

#[tokio::test]
async fn unknown_self_signed_unregistered_and_revoked_certificates_are_refused() {
    let stack = stack().await;
    let body = payment_body("o-1", "1.00");
    let ca_pem = std::fs::read_to_string(stack.gateway_data.join("ca-cert.pem")).expect("CA");
    // A certificate from another CA: the TLS handshake fails.
    let other = tempfile_dir();
    let foreign = Ca::load_or_create(&other)
        .expect("other CA")
        .issue_merchant("Evil", "mer_evil", 30)
        .expect("cert");
    let m = Merchant::from_pem(
        stack.gateway_merchant,
        &ca_pem,
        &foreign.cert_pem,
        &foreign.key_pem,
    )
    .expect("client config");
    assert_eq!(
        m.call("POST", "/v1/payments", Some(&body), &[])
            .await
            .status,
        0
    );
    let selfsigned = pki::self_signed_client("Self").expect("cert");
    let m = Merchant::from_pem(
        stack.gateway_merchant,
        &ca_pem,
        &selfsigned.cert_pem,
        &selfsigned.key_pem,
    )
    .expect("client config");
    assert_eq!(
        m.call("POST", "/v1/payments", Some(&body), &[])
            .await
            .status,
        0
    );
    // Our CA, but no merchant holds it: 403.
    let ca = Ca::load_or_create(&stack.gateway_data).expect("gateway CA");
    let stray = ca.issue_merchant("Stray", "mer_stray", 30).expect("cert");
    let m = Merchant::from_pem(
        stack.gateway_merchant,
        &ca_pem,
        &stray.cert_pem,
        &stray.key_pem,
    )
    .expect("client config");
    assert_eq!(
        m.call("POST", "/v1/payments", Some(&body), &[])
            .await
            .status,
        403
    );
    // Registered, then revoked: 403 from the next request on.
    let store = stack.payments.store();
    let id: MerchantId = "mer_revokeme".parse().expect("id");
    let new = NewMerchant {
        id: id.clone(),
        name: "Revoke Me".into(),
        bank_account: "GB33SWBK00000000009001".into(),
        webhook_url: None,
        webhook_secret: "whsec_0123456789abcdef0123".into(),
        cert_fingerprint: Some(stray.fingerprint_sha256.clone()),
    };
    store.create_merchant(new, 0).await.expect("merchant");
    assert_eq!(
        m.call("POST", "/v1/payments", Some(&body), &[])
            .await
            .status,
        201
    );
    store
        .set_merchant_status(&id, MerchantStatus::Revoked, 0)
        .await
        .expect("revoke");
    let a = m.call("POST", "/v1/payments", Some(&body), &[]).await;
    assert_eq!(a.status, 403, "{:?}", a.body);
    stack.stop().await.expect("clean stop");
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sb-other-ca-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[tokio::test]
async fn idempotency_key_returns_the_first_payment_and_refuses_another_body() {
    let stack = stack().await;
    let shop = demo_shop(&stack);
    let key = [("Idempotency-Key", "basket-42")];
    let first = shop
        .call(
            "POST",
            "/v1/payments",
            Some(&payment_body("o-42", "3.00")),
            &key,
        )
        .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = shop
        .call(
            "POST",
            "/v1/payments",
            Some(&payment_body("o-42", "3.00")),
            &key,
        )
        .await;
    assert_eq!((again.status, &again.body["id"]), (200, &first.body["id"]));
    let other = shop
        .call(
            "POST",
            "/v1/payments",
            Some(&payment_body("o-42", "4.00")),
            &key,
        )
        .await;
    assert_eq!(other.status, 409, "{:?}", other.body);
    let bad = shop
        .call(
            "POST",
            "/v1/payments",
            Some(&json!({ "order_id": "x", "amount": "1.234", "currency": "GBP" })),
            &[],
        )
        .await;
    assert_eq!(bad.status, 400, "{:?}", bad.body);
    let doc = shop.call("GET", "/openapi.json", None, &[]).await;
    assert_eq!(doc.body["openapi"], "3.0.3");
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_final_state_reaches_the_webhook_with_a_valid_signature() {
    let stack = stack().await;
    let hooks = Webhooks::for_demo_shop(&stack).await;

    let id = create_payment(&stack, "2.00").await;
    assert_eq!(identify(&stack, &id, "alice", "alice-pass-1").await.0, 200);
    let code = handsets(&stack)
        .wait_code(ALICE, Duration::from_secs(10))
        .await
        .expect("code");
    let (s, _) = checkout(&stack, &id, "code", json!({ "code": code })).await;
    assert_eq!(s, 200);
    let (sig, body) = hooks.first().await;
    assert!(hooks.verifies(&sig, &body), "{sig}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    assert!(!gateway::webhooks::verify(
        b"another-secret",
        &sig,
        body.as_bytes(),
        now,
        Duration::from_secs(300)
    ));
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        (v["type"].as_str(), v["payment"]["id"].as_str()),
        (Some("payment.succeeded"), Some(id.as_str()))
    );
    stack.stop().await.expect("clean stop");
}

#[tokio::test]
async fn list_and_cancel_see_only_the_merchants_own_payments() {
    let stack = stack().await;
    let shop = demo_shop(&stack);
    let acme = Merchant::from_dir(
        stack.gateway_merchant,
        &stack.gateway_data.join("merchants").join("mer_acme"),
    )
    .expect("ACME's certificate files");
    let mut ids = Vec::new();
    for (order, amount) in [("o-list-1", "3.00"), ("o-list-2", "4.00")] {
        let a = shop
            .call(
                "POST",
                "/v1/payments",
                Some(&payment_body(order, amount)),
                &[],
            )
            .await;
        assert_eq!(a.status, 201, "{:?}", a.body);
        ids.push(a.body["id"].as_str().expect("id").to_owned());
    }
    let theirs = acme
        .call(
            "POST",
            "/v1/payments",
            Some(&json!({ "order_id": "o-acme", "amount": "10.00", "currency": "CNY" })),
            &[],
        )
        .await;
    assert_eq!(theirs.status, 201, "{:?}", theirs.body);
    let acme_id = theirs.body["id"].as_str().expect("id").to_owned();

    let listed = |v: &serde_json::Value| -> Vec<String> {
        v["payments"]
            .as_array()
            .expect("payments")
            .iter()
            .filter_map(|p| p["id"].as_str().map(str::to_owned))
            .collect()
    };
    let all = shop.call("GET", "/v1/payments", None, &[]).await;
    assert_eq!(all.status, 200);
    assert_eq!(
        listed(&all.body),
        [ids[1].clone(), ids[0].clone()],
        "newest first, own only"
    );
    let one = shop
        .call("GET", "/v1/payments?order_id=o-list-1", None, &[])
        .await;
    assert_eq!(listed(&one.body), [ids[0].clone()]);
    let bad = shop
        .call("GET", "/v1/payments?state=bogus", None, &[])
        .await;
    assert_eq!(bad.status, 400, "{:?}", bad.body);

    // Another merchant's payment is not there for this one.
    let path = |id: &str| format!("/v1/payments/{id}/cancel");
    assert_eq!(
        shop.call("POST", &path(&acme_id), None, &[]).await.status,
        404
    );
    assert_eq!(
        shop.call("GET", &format!("/v1/payments/{acme_id}"), None, &[])
            .await
            .status,
        404
    );
    let cancelled = shop.call("POST", &path(&ids[1]), None, &[]).await;
    assert_eq!(
        (cancelled.status, cancelled.body["state"].as_str()),
        (200, Some("cancelled")),
        "{:?}",
        cancelled.body
    );
    let again = shop.call("POST", &path(&ids[1]), None, &[]).await;
    assert_eq!(again.status, 409, "final: {:?}", again.body);
    let by_state = shop
        .call("GET", "/v1/payments?state=cancelled", None, &[])
        .await;
    assert_eq!(listed(&by_state.body), [ids[1].clone()]);
    let acme_list = acme.call("GET", "/v1/payments", None, &[]).await;
    assert_eq!(listed(&acme_list.body), [acme_id]);
    stack.stop().await.expect("clean stop");
}
