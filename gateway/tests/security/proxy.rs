//! Per-IP limits behind a reverse proxy: with `[http] trusted_proxies`
//! naming the proxy (here the loopback address the test connects from),
//! shoppers are told apart by the address the proxy appends to
//! X-Forwarded-For, and an address the shopper forged to its left changes
//! nothing; without it, the header is ignored and everyone is the peer.

use reqwest::StatusCode;
use serde_json::json;

use super::pumping::policy;
use super::support::{ADMIN_TOKEN, Harness, Options, PASSWORD};

async fn start(trusted: &[&str]) -> Harness {
    Harness::start_with(Options {
        admin_token: Some(ADMIN_TOKEN.into()),
        policy: policy(|s| s.per_ip_starts_per_min = 2),
        trusted_proxies: trusted.iter().map(|c| c.parse().expect("cidr")).collect(),
        ..Options::default()
    })
    .await
}

/// A sign-in with an unknown identity (nothing is sent), as forwarded for `xff`.
async fn start_as(h: &Harness, xff: &str, n: usize) -> StatusCode {
    let id = h.payment().await;
    h.client
        .post(h.url(&format!("/api/v1/checkout/{id}/identify")))
        .header("x-forwarded-for", xff)
        .json(&json!({ "identity": format!("nobody{n}"), "password": PASSWORD }))
        .send()
        .await
        .expect("identify")
        .status()
}

#[tokio::test]
async fn a_trusted_proxy_tells_shoppers_apart_and_forgeries_do_not_help() {
    let h = start(&["127.0.0.0/8"]).await;
    // Two starts from 198.51.100.1 use up its minute ...
    assert_eq!(
        start_as(&h, "198.51.100.1", 0).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        start_as(&h, "198.51.100.1", 1).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        start_as(&h, "198.51.100.1", 2).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ... even when it forges another address to the proxy's left ...
    let forged = "203.0.113.50, 198.51.100.1";
    assert_eq!(start_as(&h, forged, 3).await, StatusCode::TOO_MANY_REQUESTS);
    // ... while another shopper behind the same proxy is served.
    assert_eq!(
        start_as(&h, "198.51.100.2", 4).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn without_trusted_proxies_the_header_is_ignored() {
    let h = start(&[]).await;
    assert_eq!(
        start_as(&h, "198.51.100.1", 0).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        start_as(&h, "198.51.100.2", 1).await,
        StatusCode::UNAUTHORIZED
    );
    // A third address in the header does not make a third shopper.
    assert_eq!(
        start_as(&h, "198.51.100.3", 2).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
