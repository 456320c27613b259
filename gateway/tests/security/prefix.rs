//! SMS pumping across a number prefix: a burst of codes to many numbers of
//! one block hits `per_prefix_10min` (429 `prefix_limit` with
//! Retry-After) while other prefixes go on, concurrent checkouts cannot
//! overshoot the limit, and the admin API and page show the sends by
//! prefix and address and the refusals.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::pumping::{customer, identify, pumping, start};
use crate::support::ADMIN_TOKEN;

#[tokio::test]
async fn a_burst_to_one_prefix_is_stopped_and_the_admin_view_shows_it() {
    let h = start(|s| {
        s.prefix_digits = 8;
        s.per_prefix_10min = 3;
    })
    .await;
    for n in 1..=4 {
        customer(&h, &format!("pump{n}"), &format!("4477009055{n:02}")).await;
    }
    customer(&h, "elsewhere", "447700910001").await;
    for n in 1..=3 {
        let (s, _, v) = identify(&h, &format!("pump{n}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // A fourth number of the block: refused, nothing sent.
    let (s, retry, v) = identify(&h, "pump4").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("prefix_limit")),
        "{v}"
    );
    assert!(retry.is_some_and(|r| (595..=600).contains(&r)), "{retry:?}");
    // Alice's number is in the same block.
    let (s, _, v) = identify(&h, "alice").await;
    assert_eq!(v["code"], "prefix_limit", "{s} {v}");
    assert_eq!(h.sms.count(), 3);
    // Another prefix is not held up.
    let (s, _, _) = identify(&h, "elsewhere").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h.sms.count(), 4);

    let v = pumping(&h).await;
    assert_eq!(
        (v["prefix_digits"].as_u64(), v["per_prefix_10min"].as_u64()),
        (Some(8), Some(3))
    );
    assert_eq!(v["sent"]["total"], 4);
    assert_eq!(
        v["sent"]["by_prefix"],
        json!([{ "prefix": "44770090", "count": 3 }, { "prefix": "44770091", "count": 1 }]),
        "{v}"
    );
    assert_eq!(
        v["sent"]["by_ip"],
        json!([{ "ip": "127.0.0.1", "count": 4 }])
    );
    assert_eq!(v["refused"]["total"], 2);
    assert_eq!(
        v["refused"]["by_reason"],
        json!([{ "reason": "prefix", "count": 2 }])
    );
    assert_eq!(
        v["refused"]["by_prefix"],
        json!([{ "prefix": "44770090", "count": 2 }])
    );

    // The page shows the same, behind the token.
    let page = h.url("/admin/pumping");
    let r = h.client.get(&page).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = h
        .client
        .get(&page)
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    for needle in [
        "Code SMS sent: 4",
        "Requests refused: 2",
        "<td class=\"mono\">44770090</td><td>3</td>",
        "<td class=\"mono\">prefix</td><td>2</td>",
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    // Ten minutes on, the window is empty again.
    h.app.payments.clock().advance(Duration::from_secs(601));
    let v = pumping(&h).await;
    assert_eq!(
        (v["sent"]["total"].as_u64(), v["refused"]["total"].as_u64()),
        (Some(0), Some(0))
    );
    let (s, _, _) = identify(&h, "pump4").await;
    assert_eq!(s, StatusCode::OK);
    // A window outside 1..=86400 is refused.
    let r = h
        .client
        .get(h.url("/admin/api/pumping?window_s=0"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checkouts_cannot_overshoot_the_prefix_limit() {
    let h = start(|s| s.per_prefix_10min = 3).await;
    for n in 1..=16 {
        customer(&h, &format!("burst{n}"), &format!("4477009077{n:02}")).await;
    }
    let tries = (1..=16).map(|n| {
        let h = &h;
        async move { identify(h, &format!("burst{n}")).await }
    });
    let answers = futures::future::join_all(tries).await;
    let codes: Vec<&str> = answers
        .iter()
        .map(|(s, _, v)| match *s {
            StatusCode::OK => "ok",
            _ => v["code"].as_str().unwrap_or("?"),
        })
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == "ok").count(), 3, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == "prefix_limit").count(),
        13,
        "{codes:?}"
    );
    assert_eq!(h.sms.count(), 3);
}
