//! The cell's shared state: [`Cell`] holds every terminal, the link status,
//! the event bus and the queue of frames for the switch.
//!
//! All state sits behind one mutex, never held across an await. Every change
//! to a terminal goes through `registration::reconcile`, which compares
//! what the terminal wants (link up, on, in coverage) with its registration
//! and queues the `Attach`, `Detach` or `MemoryAvailable` frames that close
//! the gap. Queued frames carry the link epoch they were made for; the link
//! task drops frames of an earlier connection, because a new connection
//! starts by attaching everything afresh ([`Cell::link_up`]).
//!
//! Submodules: [`ops`] (API operations on terminals), [`mt`] (deliveries
//! from the switch), [`mo`] (messages sent by terminals, status reports),
//! [`registration`] (link up/down, attach answers), [`wait`] (long polls).

pub mod mo;
pub mod mt;
pub mod ops;
pub mod registration;
pub mod wait;

pub(crate) use registration::reconcile;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::mpsc;
use wire::air::AirFrame;
use wire::msisdn::Msisdn;

use crate::codes::CodeExtractor;
use crate::config::Config;
use crate::events::{Event, EventBus};
use crate::terminal::{InboxMessage, SentMessage, Terminal, TerminalInfo};

/// Why an operation on the cell was refused. The HTTP layer maps each to a
/// status; the message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CellError {
    #[error("no terminal {0} in this cell")]
    NoTerminal(String),
    #[error("terminal {0} already exists")]
    Exists(String),
    #[error("IMSI {imsi} is already the SIM of terminal {msisdn}")]
    ImsiInUse { imsi: String, msisdn: String },
    #[error("no message {id} in the inbox of {msisdn}")]
    NoMessage { msisdn: String, id: u64 },
    /// The terminal cannot reach the network now (off, out of coverage, no link, rejected).
    #[error("{0}")]
    Unreachable(String),
    /// The request is invalid in itself.
    #[error("{0}")]
    Invalid(String),
}

/// A frame for the switch, made while the link had `epoch`.
#[derive(Debug)]
pub struct Outgoing {
    pub epoch: u64,
    pub frame: AirFrame,
}

/// The receiving end of the frame queue; owned by the link task.
pub type LinkQueue = mpsc::UnboundedReceiver<Outgoing>;

/// The link to the switch, as the API shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkStatus {
    pub up: bool,
    /// Counts connections that completed the handshake.
    pub epoch: u64,
    pub since: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

pub(crate) struct Inner {
    pub terminals: HashMap<Msisdn, Terminal>,
    pub link: LinkStatus,
    pub next_order: u64,
    pub next_reference: u32,
    /// Air reference of an MO part in flight -> its terminal.
    pub submits: HashMap<u32, Msisdn>,
}

impl Inner {
    pub fn terminal_mut(&mut self, msisdn: &str) -> Result<&mut Terminal, CellError> {
        self.terminals
            .get_mut(msisdn)
            .ok_or_else(|| CellError::NoTerminal(msisdn.to_owned()))
    }
}

pub struct Cell {
    id: String,
    air: String,
    pub(crate) submit_timeout: Duration,
    pub(crate) reassembly_timeout: Duration,
    pub(crate) codes: CodeExtractor,
    events: EventBus,
    inner: Mutex<Inner>,
    outgoing: mpsc::UnboundedSender<Outgoing>,
}

impl std::fmt::Debug for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cell").field("id", &self.id).finish()
    }
}

impl Cell {
    /// The cell and the queue its link task reads. Terminals come from the
    /// config, detached until the link is up.
    pub fn new(config: &Config) -> Result<(Arc<Cell>, LinkQueue), crate::codes::PatternError> {
        let (outgoing, queue) = mpsc::unbounded_channel();
        let reassembly_timeout = config.cell.reassembly_timeout;
        let terminals = config
            .terminals
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    t.msisdn.clone(),
                    Terminal::new(t, i as u64, reassembly_timeout),
                )
            })
            .collect();
        let cell = Cell {
            id: config.cell.id.clone(),
            air: config.cell.air.clone(),
            submit_timeout: config.cell.submit_timeout,
            reassembly_timeout,
            codes: config.codes.extractor()?,
            events: EventBus::default(),
            inner: Mutex::new(Inner {
                terminals,
                link: LinkStatus::default(),
                next_order: config.terminals.len() as u64,
                next_reference: 1,
                submits: HashMap::new(),
            }),
            outgoing,
        };
        Ok((Arc::new(cell), queue))
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The switch's air-link address this cell connects to.
    pub fn air(&self) -> &str {
        &self.air
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; go on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `frames` for the current connection; dropped when the link is down.
    pub(crate) fn queue(&self, link: &LinkStatus, frames: Vec<AirFrame>) {
        if !link.up {
            return;
        }
        for frame in frames {
            // The link task only goes away at shutdown, when nothing needs sending.
            let _ = self.outgoing.send(Outgoing {
                epoch: link.epoch,
                frame,
            });
        }
    }

    pub(crate) fn publish(&self, event: Event) {
        self.events.publish(event);
    }

    pub fn link_status(&self) -> LinkStatus {
        self.lock().link.clone()
    }

    /// Every terminal in listing order.
    pub fn terminals(&self) -> Vec<TerminalInfo> {
        let inner = self.lock();
        let mut all: Vec<_> = inner.terminals.values().collect();
        all.sort_by_key(|t| t.order);
        all.into_iter().map(Terminal::info).collect()
    }

    pub fn terminal(&self, msisdn: &str) -> Result<TerminalInfo, CellError> {
        Ok(self.lock().terminal_mut(msisdn)?.info())
    }

    pub fn inbox(&self, msisdn: &str) -> Result<Vec<InboxMessage>, CellError> {
        Ok(self
            .lock()
            .terminal_mut(msisdn)?
            .inbox
            .iter()
            .cloned()
            .collect())
    }

    /// The MO messages the terminal sent, oldest first.
    pub fn sent(&self, msisdn: &str) -> Result<Vec<SentMessage>, CellError> {
        Ok(self
            .lock()
            .terminal_mut(msisdn)?
            .outbox
            .iter()
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests;
