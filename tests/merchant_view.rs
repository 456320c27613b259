//! What a merchant learns about a shopper from `GET /v1/payments/{id}`:
//! that sign-ins failed and a code went out, but not which identities
//! exist, why a sign-in failed, who the customer is or which phone the
//! code went to. The operator's admin API keeps all of it.

mod common;

use common::*;

fn details(timeline: &serde_json::Value, event: &str) -> Vec<String> {
    timeline
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["event"] == event)
        .map(|e| e["detail"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn the_merchant_timeline_withholds_what_is_the_shoppers() {
    let stack = stack().await;
    let id = create_payment(&stack, "4.44").await;
    let (s, _) = identify(&stack, &id, "nobody-here", "whatever-1").await;
    assert_eq!(s, 401);
    let (s, _) = identify(&stack, &id, "alice", "not-her-password").await;
    assert_eq!(s, 401);
    let (s, v) = identify(&stack, &id, "alice", "alice-pass-1").await;
    assert_eq!((s, v["state"].as_str()), (200, Some("code_sent")), "{v}");

    let admin = admin_payment(&stack, &id).await["timeline"].clone();
    let kinds = details(&admin, "sign_in_failed");
    assert_eq!(kinds.len(), 2, "{admin}");
    assert_ne!(
        kinds[0], kinds[1],
        "the operator sees unknown vs wrong: {kinds:?}"
    );
    assert!(
        admin.to_string().contains(ALICE),
        "the operator sees the phone"
    );

    let view = demo_shop(&stack)
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    assert_eq!(view.status, 200);
    let timeline = &view.body["timeline"];
    assert_eq!(details(timeline, "sign_in_failed"), ["", ""], "{timeline}");
    assert_eq!(details(timeline, "identified"), [""], "{timeline}");
    assert_eq!(details(timeline, "code_sent"), [""], "{timeline}");
    let text = timeline.to_string();
    assert!(
        !text.contains(ALICE) && !text.contains("customer"),
        "{text}"
    );
    assert!(
        details(timeline, "created")[0].contains("4.44"),
        "payment details stay: {timeline}"
    );
    stack.stop().await.expect("clean stop");
}
