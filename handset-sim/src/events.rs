//! The event bus: everything that happens in the cell, as [`Event`]s on a
//! tokio broadcast channel ([`EventBus`]). The SSE stream (`/api/events`)
//! forwards them; the long polls (next-message, next-code) wake on them and
//! re-read the inbox, so a slow or lagging subscriber loses events, never
//! messages.

use serde::Serialize;
use tokio::sync::broadcast;

use crate::terminal::outbox::Report;
use crate::terminal::{InboxMessage, SentMessage, TerminalInfo};

/// Events buffered per subscriber before it starts lagging.
pub const CAPACITY: usize = 4096;

/// One event. The SSE event name is [`Event::name`]; the data is the
/// variant's fields as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Event {
    /// A terminal was created or changed (power, coverage, registration,
    /// inbox, capacity, SIM).
    Terminal(TerminalInfo),
    TerminalRemoved {
        msisdn: String,
    },
    /// A whole message reached an inbox.
    Message {
        msisdn: String,
        message: InboxMessage,
    },
    /// The cell refused a delivery from the switch.
    DeliveryError {
        msisdn: String,
        reference: u32,
        cause: u8,
        reason: String,
    },
    /// The switch accepted every part of an MO message.
    Sent {
        msisdn: String,
        reference: u32,
        to: String,
        text: String,
    },
    /// An MO message failed (SubmitError, timeout, link lost).
    SendFailed {
        msisdn: String,
        reference: u32,
        to: String,
        text: String,
        cause: Option<u8>,
        reason: String,
    },
    /// A status report about an MO message. `text` is the message's text.
    StatusReport {
        msisdn: String,
        reference: Option<u32>,
        to: Option<String>,
        text: Option<String>,
        #[serde(flatten)]
        report: Report,
    },
    /// The air link to the switch went up or down.
    Link {
        state: &'static str,
        reason: Option<String>,
    },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Terminal(_) => "terminal",
            Event::TerminalRemoved { .. } => "terminal-removed",
            Event::Message { .. } => "message",
            Event::DeliveryError { .. } => "delivery-error",
            Event::Sent { .. } => "sent",
            Event::SendFailed { .. } => "send-failed",
            Event::StatusReport { .. } => "status-report",
            Event::Link { .. } => "link",
        }
    }

    pub(crate) fn sent(msisdn: &str, m: &SentMessage) -> Self {
        Event::Sent {
            msisdn: msisdn.to_owned(),
            reference: m.reference,
            to: m.to.clone(),
            text: m.text.clone(),
        }
    }

    pub(crate) fn send_failed(msisdn: &str, m: &SentMessage) -> Self {
        Event::SendFailed {
            msisdn: msisdn.to_owned(),
            reference: m.reference,
            to: m.to.clone(),
            text: m.text.clone(),
            cause: m.cause,
            reason: m.failure.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
        }
    }
}

impl EventBus {
    /// Publishes to whoever listens; nobody listening is fine.
    pub fn publish(&self, event: Event) {
        tracing::debug!(event = event.name(), "event");
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_as_their_fields() {
        let e = Event::DeliveryError {
            msisdn: "447700900101".into(),
            reference: 9,
            cause: 22,
            reason: "memory capacity exceeded".into(),
        };
        assert_eq!(e.name(), "delivery-error");
        let json = serde_json::to_value(&e).expect("serializable");
        assert_eq!(json["cause"], 22);
        assert_eq!(json["msisdn"], "447700900101");
        let link = serde_json::to_value(Event::Link {
            state: "up",
            reason: None,
        })
        .expect("ok");
        assert_eq!(link, serde_json::json!({"state": "up", "reason": null}));
    }

    #[tokio::test]
    async fn subscribers_get_events_published_after_they_subscribed() {
        let bus = EventBus::default();
        bus.publish(Event::TerminalRemoved { msisdn: "1".into() });
        let mut rx = bus.subscribe();
        bus.publish(Event::TerminalRemoved { msisdn: "2".into() });
        assert_eq!(
            rx.recv().await.expect("event"),
            Event::TerminalRemoved { msisdn: "2".into() }
        );
    }
}
