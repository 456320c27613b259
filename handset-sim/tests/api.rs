//! The HTTP API: terminal management, inbox housekeeping, long polls, and
//! errors that explain.

mod common;

use common::*;
use serde_json::json;
use wire::air::AirFrame;

#[tokio::test]
async fn terminals_are_created_listed_and_removed() {
    let (mut sim, _switch, mut conn) = connected().await;
    let new =
        json!({"msisdn": "+447700900150", "imsi": "234150000000150", "kind": "pda", "capacity": 3});
    let (status, t) = sim.post("/api/terminals", new.clone()).await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(
        (
            t["msisdn"].as_str(),
            t["kind"].as_str(),
            t["label"].as_str()
        ),
        (Some("447700900150"), Some("pda"), Some("pda +447700900150"))
    );
    conn.attach(&["447700900150"]).await;
    sim.registration("447700900150", "attached").await;

    let (status, body) = sim.post("/api/terminals", new).await;
    assert_eq!(status, 409);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("already exists")),
        "{body}"
    );
    let same_sim = json!({"msisdn": "447700900151", "imsi": "234150000000150", "kind": "phone"});
    let (status, body) = sim.post("/api/terminals", same_sim).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = sim
        .post(
            "/api/terminals",
            json!({"msisdn": "447700900152", "imsi": "2341", "kind": "phone"}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("IMSI")),
        "{body}"
    );
    let (status, _) = sim
        .post(
            "/api/terminals",
            json!({"msisdn": "447700900152", "imsi": "234150000000152", "kind": "watch"}),
        )
        .await;
    assert_eq!(status, 400);

    let (_, all) = sim.get("/api/terminals").await;
    assert_eq!(all.as_array().map(Vec::len), Some(4));
    assert_eq!(all[3]["msisdn"], "447700900150", "listed in creation order");
    let (status, _) = sim.delete("/api/terminals/447700900150").await;
    assert_eq!(status, 204);
    assert_eq!(
        conn.recv().await,
        AirFrame::Detach {
            msisdn: "447700900150".parse().expect("msisdn")
        }
    );
    let (status, body) = sim.get("/api/terminals/447700900150").await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("447700900150")),
        "{body}"
    );
    sim.stop().await;
}

#[tokio::test]
async fn bad_requests_say_what_is_wrong() {
    let (sim, _switch, _conn) = connected().await;
    let cases = [
        (
            sim.get("/api/terminals/44-77/inbox").await,
            400,
            "not an MSISDN",
        ),
        (
            sim.get("/api/terminals/447700900999").await,
            404,
            "no terminal",
        ),
        (sim.get("/api/nothing").await, 404, "no such endpoint"),
        (
            sim.post(
                &format!("/api/terminals/{ALICE}/power"),
                json!({"on": "yes"}),
            )
            .await,
            400,
            "invalid JSON",
        ),
        (
            sim.post(
                &format!("/api/terminals/{ALICE}/capacity"),
                json!({"capacity": 20000}),
            )
            .await,
            400,
            "maximum",
        ),
        (
            sim.post(
                &format!("/api/terminals/{ALICE}/send"),
                json!({"to": "ShopPay", "text": "hi"}),
            )
            .await,
            400,
            "not a number",
        ),
        (
            sim.post(
                &format!("/api/terminals/{ALICE}/send"),
                json!({"to": "+4477", "text": ""}),
            )
            .await,
            400,
            "empty",
        ),
        (
            sim.post(
                &format!("/api/terminals/{ALICE}/sim-swap"),
                json!({"imsi": "234150000000101"}),
            )
            .await,
            400,
            "already has",
        ),
        (
            sim.post(
                &format!("/api/terminals/{ALICE}/sim-swap"),
                json!({"imsi": "234150000000102"}),
            )
            .await,
            409,
            BOB,
        ),
        (
            sim.get(&format!("/api/terminals/{ALICE}/next-message?timeout=9999"))
                .await,
            400,
            "timeout",
        ),
        (
            sim.delete(&format!("/api/terminals/{ALICE}/inbox/42"))
                .await,
            404,
            "no message 42",
        ),
        (sim.delete("/api/terminals").await, 405, "not allowed"),
    ];
    for ((status, body), want, words) in cases {
        assert_eq!(status, want, "{body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(words), "{error:?} lacks {words:?}");
    }
    sim.stop().await;
}

#[tokio::test]
async fn next_message_reads_in_order_and_after_an_id() {
    let (sim, _switch, mut conn) = connected().await;
    let path = format!("/api/terminals/{ALICE}/next-message");
    for (r, text) in [(1, "one"), (2, "two")] {
        assert_eq!(
            conn.deliver(r, ALICE, sms(text)).await,
            AirFrame::DeliverAck { reference: r }
        );
    }
    let (_, t) = sim.get(&format!("/api/terminals/{ALICE}")).await;
    assert_eq!(t["unread"], 2);
    let (status, m) = sim.get(&format!("{path}?timeout=1")).await;
    assert_eq!(
        (status, m["text"].as_str(), m["read"].as_bool()),
        (200, Some("one"), Some(true))
    );
    let (_, m) = sim.get(&format!("{path}?timeout=1")).await;
    assert_eq!(m["text"], "two");
    let (status, body) = sim.get(&format!("{path}?timeout=0.1")).await;
    assert_eq!(status, 408, "{body}");
    let (_, m) = sim.get(&format!("{path}?after=1&timeout=0")).await;
    assert_eq!(m["text"], "two", "after= ignores read state");

    let waiting = {
        let (http, url) = (
            sim.http.clone(),
            format!("{}{path}?after=2&timeout=10", sim.base),
        );
        tokio::spawn(async move {
            http.get(url)
                .send()
                .await?
                .json::<serde_json::Value>()
                .await
        })
    };
    assert_eq!(
        conn.deliver(3, ALICE, sms("three")).await,
        AirFrame::DeliverAck { reference: 3 }
    );
    let m = within("the long poll", waiting)
        .await
        .expect("task")
        .expect("answer");
    assert_eq!(
        (m["id"].as_u64(), m["text"].as_str()),
        (Some(3), Some("three"))
    );

    let (status, _) = sim.delete(&format!("/api/terminals/{ALICE}/inbox/1")).await;
    assert_eq!(status, 204);
    let (_, inbox) = sim.get(&format!("/api/terminals/{ALICE}/inbox")).await;
    let ids: Vec<_> = inbox
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["id"].as_u64())
        .collect();
    assert_eq!(ids, [Some(2), Some(3)]);
    sim.stop().await;
}

#[tokio::test]
async fn raising_the_capacity_frees_memory() {
    let (sim, _switch, mut conn) = connected().await;
    assert_eq!(
        conn.deliver(1, BOB, sms("one")).await,
        AirFrame::DeliverAck { reference: 1 }
    );
    assert!(matches!(
        conn.deliver(2, BOB, sms("two")).await,
        AirFrame::DeliverError { .. }
    ));
    let (_, t) = sim.get(&format!("/api/terminals/{BOB}")).await;
    assert_eq!(t["memory_full"], true);
    let (status, t) = sim
        .post(
            &format!("/api/terminals/{BOB}/capacity"),
            json!({"capacity": 5}),
        )
        .await;
    assert_eq!(
        (status, t["capacity"].as_u64(), t["memory_full"].as_bool()),
        (200, Some(5), Some(false))
    );
    assert_eq!(
        conn.recv().await,
        AirFrame::MemoryAvailable {
            msisdn: BOB.parse().expect("msisdn")
        }
    );
    sim.stop().await;
}
