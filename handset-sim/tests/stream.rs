//! What people watch: the server-sent event stream and the phones page.

mod common;

use common::*;
use wire::air::AirFrame;

#[tokio::test]
async fn the_event_stream_starts_with_the_link_and_carries_messages() {
    let (sim, _switch, mut conn) = connected().await;
    let mut response = within(
        "the event stream",
        sim.http.get(format!("{}/api/events", sim.base)).send(),
    )
    .await
    .expect("SSE");
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut seen = String::new();
    let mut read_until = async |needle: &str, seen: &mut String| {
        within(needle, async {
            while !seen.contains(needle) {
                let chunk = response.chunk().await.expect("read").expect("stream open");
                seen.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
    };
    read_until("event: link\ndata: {\"state\":\"up\"", &mut seen).await;
    assert_eq!(
        conn.deliver(1, ALICE, sms("Your code is 7788")).await,
        AirFrame::DeliverAck { reference: 1 }
    );
    read_until("event: message\n", &mut seen).await;
    read_until("\"code\":\"7788\"", &mut seen).await;
    sim.stop().await;
}

#[tokio::test]
async fn the_phones_page_lists_the_terminals() {
    let (sim, _switch, _conn) = connected().await;
    let response = within(
        "the page",
        sim.http.get(format!("{}/phones", sim.base)).send(),
    )
    .await
    .expect("page");
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(
        html.contains("Alice&#39;s phone") || html.contains("Alice's phone"),
        "{html}"
    );
    sim.stop().await;
}
