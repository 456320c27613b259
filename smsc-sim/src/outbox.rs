//! Per-account queue of deliver_sm waiting for a receiver bind.
//!
//! Receipts and mobile-originated messages for an account are durable in the
//! store; this queue mirrors them in memory. Every session of the account that
//! can receive (RX or TRX) pulls from it while its outbound window has room,
//! so several binds share the load. Items sent but not acknowledged when a
//! session ends go back to the front and are sent again on another bind.
//! Each item is a complete deliver_sm command built once when queued; a
//! session only stamps its sequence number on it, and keeps it for a resend.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::Notify;
use wire::smpp::rusmpp::pdus::{AlertNotification, DeliverSm};
use wire::smpp::rusmpp::{Command, CommandStatus};

/// What a queued deliver_sm is, so its deliver_sm_resp can be recorded.
#[derive(Debug, Clone)]
pub enum OutgoingKind {
    /// A delivery receipt or intermediate notification (store receipt id).
    Receipt(i64),
    /// A mobile-originated message routed to this account, stored as
    /// ENROUTE; DELIVERED once the ESME has acknowledged it.
    Mo(Box<crate::message::Message>),
}

#[derive(Debug, Clone)]
pub struct Outgoing {
    pub kind: OutgoingKind,
    /// The deliver_sm; its sequence number is set by the session that sends it.
    pub command: Box<Command>,
}

impl Outgoing {
    pub fn new(kind: OutgoingKind, pdu: DeliverSm) -> Self {
        Outgoing {
            kind,
            command: Box::new(Command::new(CommandStatus::EsmeRok, 0, pdu)),
        }
    }
}

#[derive(Debug, Default)]
pub struct Outbox {
    queue: Mutex<VecDeque<Outgoing>>,
    /// alert_notification PDUs: no response, no window, not durable (the
    /// delivery pending flag they answer lives in the switch's memory).
    alerts: Mutex<VecDeque<AlertNotification>>,
    notify: Notify,
}

impl Outbox {
    pub fn push(&self, item: Outgoing) {
        self.queue
            .lock()
            .expect("outbox lock poisoned")
            .push_back(item);
        self.notify.notify_waiters();
    }

    /// Return unacknowledged items to the front, oldest first.
    pub fn requeue(&self, items: Vec<Outgoing>) {
        if items.is_empty() {
            return;
        }
        let mut q = self.queue.lock().expect("outbox lock poisoned");
        for item in items.into_iter().rev() {
            q.push_front(item);
        }
        drop(q);
        self.notify.notify_waiters();
    }

    pub fn push_alert(&self, alert: AlertNotification) {
        self.alerts
            .lock()
            .expect("outbox lock poisoned")
            .push_back(alert);
        self.notify.notify_waiters();
    }

    pub fn pop_alert(&self) -> Option<AlertNotification> {
        self.alerts
            .lock()
            .expect("outbox lock poisoned")
            .pop_front()
    }

    pub fn pop(&self) -> Option<Outgoing> {
        self.queue.lock().expect("outbox lock poisoned").pop_front()
    }

    pub fn len(&self) -> usize {
        self.queue.lock().expect("outbox lock poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Resolves when something may have been pushed; register before checking `pop`.
    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.notify.notified()
    }
}
