//! What the session tells the application: lifecycle and inbound messages.
//!
//! [`EventStream`] is a bounded channel of [`Event`]s. Inbound deliver_sm,
//! data_sm and alert_notification are pushed before they are acknowledged, so
//! a consumer that falls behind stops the session reading from the SMSC: the
//! SMSC's own window fills and it slows down (back-pressure instead of an
//! unbounded queue). Because the same reader also receives the responses to
//! our requests, a stalled consumer delays those too; consume promptly.
//! Lifecycle events (bound, disconnected, reconnect failed) are never allowed
//! to block reconnecting: they are dropped if the stream is full.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use futures::Stream;
use rusmpp::pdus::{AlertNotification, DataSm, DeliverSm};
use tokio::sync::mpsc;

use super::{connection::BindInfo, dlr::ReceiptFields};

/// Why a bound connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The SMSC closed the TCP connection.
    PeerClosed,
    /// Reading or writing failed.
    Io(String),
    /// No enquire_link_resp within the configured timeout.
    KeepaliveTimeout,
    /// The SMSC sent unbind (answered with unbind_resp).
    PeerUnbind,
    /// We unbound, or every `Esme` handle was dropped.
    Local,
}

/// One thing that happened on the session.
#[derive(Debug, Clone)]
pub enum Event {
    /// A (re)bind succeeded; requests flow again.
    Bound(BindInfo),
    /// The connection ended; outstanding requests failed with `Disconnected`.
    Disconnected(DisconnectReason),
    /// A reconnect attempt failed; the next one follows after the backoff.
    ReconnectFailed(String),
    /// deliver_sm from the SMSC (receipt or MO), already answered with ESME_ROK.
    DeliverSm(Box<DeliverSm>),
    /// data_sm from the SMSC, already answered with ESME_ROK.
    DataSm(Box<DataSm>),
    /// alert_notification (it has no response PDU).
    AlertNotification(Box<AlertNotification>),
}

impl Event {
    /// The receipt fields when this event is a delivery receipt.
    pub fn receipt(&self) -> Option<ReceiptFields> {
        match self {
            Event::DeliverSm(sm) => ReceiptFields::from_deliver_sm(sm),
            Event::DataSm(sm) => ReceiptFields::from_data_sm(sm),
            _ => None,
        }
    }
}

/// The receiving end of a session's events. Ends after the session closes.
#[derive(Debug)]
pub struct EventStream {
    rx: mpsc::Receiver<Event>,
}

impl EventStream {
    pub(crate) fn new(rx: mpsc::Receiver<Event>) -> Self {
        Self { rx }
    }

    /// The next event; `None` once the session is closed for good.
    pub async fn recv(&mut self) -> Option<Event> {
        self.rx.recv().await
    }

    /// An event if one is ready now.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.rx.try_recv().ok()
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.rx.poll_recv(cx)
    }
}

/// The session's sending end.
#[derive(Clone)]
pub(crate) struct Events(mpsc::Sender<Event>);

impl Events {
    pub(crate) fn channel(capacity: usize) -> (Self, EventStream) {
        let (tx, rx) = mpsc::channel(capacity);
        (Self(tx), EventStream::new(rx))
    }

    /// Inbound messages wait for room: this is the back-pressure on the SMSC.
    /// Without a consumer they are acknowledged and dropped.
    pub(crate) async fn message(&self, event: Event) {
        let _ = self.0.send(event).await;
    }

    /// Lifecycle events never block reconnecting.
    pub(crate) fn lifecycle(&self, event: Event) {
        if let Err(mpsc::error::TrySendError::Full(event)) = self.0.try_send(event) {
            tracing::warn!(?event, "event stream full; lifecycle event dropped");
        }
    }
}
