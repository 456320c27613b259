//! `GET /api/events`: the event bus as server-sent events. Each event is
//! named as [`crate::events::Event::name`] with its JSON as data. The stream
//! opens with the current `link` state, sends a `lagged` event
//! (`{"missed": n}`) when the client fell more than the bus's buffer behind,
//! keeps the connection alive with comments, and ends at shutdown.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::{Stream, StreamExt, stream};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;
use crate::events::Event;

fn sse(event: &Event) -> SseEvent {
    SseEvent::default()
        .event(event.name())
        .json_data(event)
        .unwrap_or_else(|e| SseEvent::default().event("error").data(e.to_string()))
}

pub async fn stream(
    State(s): State<AppState>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    // Subscribe before reading the link state, so no change falls in between.
    let rx = s.cell.events().subscribe();
    let link = s.cell.link_status();
    let first = sse(&Event::Link {
        state: if link.up { "up" } else { "down" },
        reason: link.last_error,
    });
    let rest = stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(e) => Some((sse(&e), rx)),
            Err(RecvError::Lagged(n)) => {
                let lagged = SseEvent::default()
                    .event("lagged")
                    .data(json!({ "missed": n }).to_string());
                Some((lagged, rx))
            }
            Err(RecvError::Closed) => None,
        }
    });
    let events = stream::once(async { first })
        .chain(rest)
        .take_until(s.shutdown.cancelled_owned())
        .map(Ok);
    Sse::new(events).keep_alive(KeepAlive::default())
}
