//! The switch's mailbox: [`SwitchHandle`] is what sessions, the air link
//! and the admin API hold to hand it messages, cancel or replace them, and
//! report alerts and air outcomes; [`SwitchInbox`] is the receiving end the
//! switch task runs on.

use tokio::sync::{mpsc, oneshot};
use wire::smpp::rusmpp::CommandStatus;

use super::{CancelTarget, Replacement};
use crate::air::AirOutcome;
use crate::message::Message;

type Answer = oneshot::Sender<Result<(), CommandStatus>>;

pub(super) enum Cmd {
    Submit(Box<Message>),
    /// replace_if_present_flag = 1: replaces pending messages from the same
    /// account with the same source, destination and service_type.
    SubmitReplacing(Box<Message>),
    Cancel(CancelTarget, Answer),
    Replace(Replacement, Answer),
    /// The network learned that this number is reachable again.
    Alert(String),
    /// A delivery over the air ended.
    Outcome(String, AirOutcome),
}

#[derive(Debug, Clone)]
pub struct SwitchHandle {
    tx: mpsc::Sender<Cmd>,
}

/// Receiving end, handed to [`run`] once the core exists.
pub struct SwitchInbox(pub(super) mpsc::Receiver<Cmd>);

impl std::fmt::Debug for SwitchInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SwitchInbox")
    }
}

pub fn channel() -> (SwitchHandle, SwitchInbox) {
    let (tx, rx) = mpsc::channel(4096);
    (SwitchHandle { tx }, SwitchInbox(rx))
}

impl SwitchHandle {
    pub async fn submit(&self, m: Message) {
        let _ = self.tx.send(Cmd::Submit(Box::new(m))).await;
    }

    pub async fn cancel(&self, target: CancelTarget) -> Result<(), CommandStatus> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Cancel(target, tx))
            .await
            .map_err(|_| CommandStatus::EsmeRsyserr)?;
        rx.await.unwrap_or(Err(CommandStatus::EsmeRsyserr))
    }

    pub async fn submit_replacing(&self, m: Message) {
        let _ = self.tx.send(Cmd::SubmitReplacing(Box::new(m))).await;
    }

    /// The handset `msisdn` attached or has memory again: retry now.
    pub async fn alert(&self, msisdn: String) {
        let _ = self.tx.send(Cmd::Alert(msisdn)).await;
    }

    pub(super) async fn outcome(&self, id: String, outcome: AirOutcome) {
        let _ = self.tx.send(Cmd::Outcome(id, outcome)).await;
    }

    pub async fn replace(&self, change: Replacement) -> Result<(), CommandStatus> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Replace(change, tx))
            .await
            .map_err(|_| CommandStatus::EsmeRsyserr)?;
        rx.await.unwrap_or(Err(CommandStatus::EsmeRsyserr))
    }
}
