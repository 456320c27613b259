//! The admin API over real HTTP: the bearer token (401 without or with a
//! wrong one, 404 everywhere when none is configured), customer
//! registration then login, lockout and admin unlock (audited), payment
//! details (timeline, codes without HMACs, webhooks) and filters, merchant
//! revocation, and the HTML timeline page.

#[path = "checkout_pages/support.rs"]
mod support;

#[path = "admin_api/customers.rs"]
mod customers;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use support::{ADMIN_TOKEN, Harness, PASSWORD, PHONE};

impl Harness {
    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self
            .client
            .request(method, self.url(path))
            .bearer_auth(ADMIN_TOKEN);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Identify through the JSON checkout API; the status says whether the
    /// login worked.
    async fn identify(&self, identity: &str, password: &str) -> StatusCode {
        let id = self.payment().await;
        let body = json!({ "identity": identity, "password": password });
        let url = self.url(&format!("/api/v1/checkout/{id}/identify"));
        self.client
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }
}

const ROUTES: [(&str, &str); 10] = [
    ("GET", "/admin/api/payments"),
    ("GET", "/admin/api/payments/pay_x"),
    ("GET", "/admin/api/customers"),
    ("POST", "/admin/api/customers"),
    ("GET", "/admin/api/customers/1"),
    ("POST", "/admin/api/customers/1/unlock"),
    ("GET", "/admin/api/merchants"),
    ("POST", "/admin/api/merchants/mer_x/revoke"),
    ("GET", "/admin/api/audit"),
    ("GET", "/admin/payments/pay_x"),
];

#[tokio::test]
async fn every_route_needs_the_token_and_none_exists_without_one() {
    let h = Harness::start("ACME", Some(ADMIN_TOKEN)).await;
    let off = Harness::start("ACME", None).await;
    for (method, path) in ROUTES {
        let m: Method = method.parse().unwrap();
        let r = h
            .client
            .request(m.clone(), h.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{path} without a token"
        );
        assert!(r.headers().contains_key(header::WWW_AUTHENTICATE));
        let wrong = format!("{ADMIN_TOKEN}x");
        let r = h
            .client
            .request(m.clone(), h.url(path))
            .bearer_auth(wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{path} with a wrong token"
        );
        let r = off
            .client
            .request(m, off.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{path} with the admin side off"
        );
    }
}

#[tokio::test]
async fn payment_details_filters_and_the_timeline_page() {
    let h = Harness::start("<i>Shop</i>", Some(ADMIN_TOKEN)).await;
    let _other = h.payment().await;
    assert_eq!(h.identify("alice", PASSWORD).await, StatusCode::OK);
    let (_, listed) = h
        .admin(Method::GET, "/admin/api/payments?state=code_sent", None)
        .await;
    let listed = listed["payments"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    let merchant = h.merchant.as_str();
    let (_, all) = h
        .admin(
            Method::GET,
            &format!("/admin/api/payments?merchant={merchant}&state="),
            None,
        )
        .await;
    assert_eq!(all["payments"].as_array().unwrap().len(), 2);
    let (status, _) = h
        .admin(Method::GET, "/admin/api/payments?state=bogus", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, one) = h
        .admin(Method::GET, &format!("/admin/api/payments/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["payment"]["msisdn"], PHONE);
    let events: Vec<&str> = one["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert!(
        events.contains(&"identified") && events.contains(&"code_sent"),
        "{events:?}"
    );
    let code = &one["codes"][0];
    assert_eq!(
        (code["delivery"].as_str(), code["attempts"].as_u64()),
        (Some("sent"), Some(0))
    );
    assert_eq!(code["message_ids"][0]["smsc"], "fake");
    assert!(
        !one.to_string().contains("hmac"),
        "codes never show their HMAC"
    );
    assert!(one["webhooks"].as_array().unwrap().is_empty());

    let page = h.url(&format!("/admin/payments/{id}"));
    let r = h
        .client
        .get(&page)
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "DENY");
    assert!(r.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    let html = r.text().await.unwrap();
    assert!(html.contains("&lt;i&gt;Shop&lt;/i&gt;") && !html.contains("<i>Shop"));
    assert!(html.contains("<td>code_sent</td>") && html.contains(" UTC</td>"));
    let r = h
        .client
        .get(format!("{page}?token={ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the query token works for browsers"
    );
    let r = h
        .client
        .get(format!("{page}?token=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = h
        .client
        .get(h.url("/admin/payments/pay_nope"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn revoked_merchants_are_listed_as_such_and_audited() {
    let h = Harness::start("ACME", Some(ADMIN_TOKEN)).await;
    let (_, before) = h.admin(Method::GET, "/admin/api/merchants", None).await;
    assert_eq!(before["merchants"][0]["status"], "active");
    assert!(
        !before.to_string().contains("whsec-test"),
        "no webhook secrets"
    );
    let path = format!("/admin/api/merchants/{}/revoke", h.merchant);
    let (status, revoked) = h.admin(Method::POST, &path, None).await;
    assert_eq!(
        (status, revoked["status"].as_str()),
        (StatusCode::OK, Some("revoked"))
    );
    let stored = h
        .app
        .payments
        .store()
        .merchant(&h.merchant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status.as_str(), "revoked");
    let (_, audit) = h.admin(Method::GET, "/admin/api/audit", None).await;
    assert_eq!(audit["audit"][0]["action"], "merchants revoke");
    assert_eq!(audit["audit"][0]["actor"], "admin-api");
    let (status, _) = h
        .admin(
            Method::POST,
            "/admin/api/merchants/mer_unknown1/revoke",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
