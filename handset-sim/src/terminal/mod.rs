//! The terminal model: a SIM (MSISDN, IMSI) in a device of some kind, with
//! its power and coverage switches, its registration with the network, its
//! [`Inbox`] and the MO messages it sent ([`outbox`]).
//!
//! A terminal wants to be attached when the link to the switch is up, it is
//! switched on and in coverage; [`Registration`] tracks what the network
//! made of that (attaching → attached, or rejected until the next power
//! cycle). [`Terminal::info`] is the snapshot the API and events show.
//! Receiving an SMS-DELIVER is [`receive`]; what the screen shows is
//! [`display`].

pub mod display;
pub mod inbox;
pub mod outbox;
pub mod receive;
pub mod sealed;

use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;
use wire::air::{RpCause, TerminalKind};
use wire::msisdn::{Imsi, Msisdn};
use wire::text::Reassembler;

use crate::config::TerminalConfig;
pub use inbox::{Inbox, InboxMessage};
pub use outbox::{Outbox, SentMessage};

/// Incomplete concatenated messages a terminal holds at once.
const MAX_PENDING_PARTS: usize = 16;

/// Where the terminal stands with the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// Off, out of coverage, or no link to the switch.
    Detached,
    /// `Attach` sent, no answer yet.
    Attaching,
    /// The switch acknowledged the attach.
    Attached,
    /// The switch refused the attach; tried again after a power cycle,
    /// a SIM swap or a link reconnect.
    Rejected(RpCause),
}

impl Registration {
    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Detached => "detached",
            Registration::Attaching => "attaching",
            Registration::Attached => "attached",
            Registration::Rejected(_) => "rejected",
        }
    }
}

#[derive(Debug)]
pub struct Terminal {
    pub msisdn: Msisdn,
    pub imsi: Imsi,
    pub kind: TerminalKind,
    pub label: String,
    pub power: bool,
    pub coverage: bool,
    pub registration: Registration,
    pub inbox: Inbox,
    pub outbox: Outbox,
    /// Listing order: config order, then creation order.
    pub order: u64,
    pub sim_swapped_at: Option<OffsetDateTime>,
    /// The key sealed codes to this terminal are opened with ([`sealed`]).
    pub key: Option<wire::sealed::TerminalKey>,
    reassembly: Reassembler,
}

/// A terminal as the API and the event stream show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerminalInfo {
    pub msisdn: String,
    pub imsi: String,
    pub kind: &'static str,
    pub label: String,
    pub power: bool,
    pub coverage: bool,
    /// Link up, on, in coverage and not rejected.
    pub attached: bool,
    /// detached | attaching | attached | rejected
    pub registration: &'static str,
    /// The RP-cause of the last attach reject while rejected.
    pub reject_cause: Option<u8>,
    pub reject_reason: Option<&'static str>,
    pub capacity: u32,
    pub inbox_count: usize,
    pub unread: usize,
    /// The inbox holds `capacity` messages.
    pub memory_full: bool,
    #[serde(serialize_with = "inbox::rfc3339_opt")]
    pub sim_swapped_at: Option<OffsetDateTime>,
    /// Key id (hex key check value) of the terminal's key for sealed codes.
    pub key_id: Option<String>,
}

impl Terminal {
    pub fn new(config: &TerminalConfig, order: u64, reassembly_timeout: Duration) -> Self {
        Self {
            msisdn: config.msisdn.clone(),
            imsi: config.imsi.clone(),
            kind: config.kind,
            label: config.label_or_default(),
            power: config.power,
            coverage: config.coverage,
            registration: Registration::Detached,
            inbox: Inbox::new(config.capacity),
            outbox: Outbox::default(),
            order,
            sim_swapped_at: None,
            key: config.key.clone(),
            reassembly: Reassembler::new(reassembly_timeout, MAX_PENDING_PARTS),
        }
    }

    /// Switched on and in coverage: it would attach if the link were up.
    pub fn reachable(&self) -> bool {
        self.power && self.coverage
    }

    pub fn attached(&self) -> bool {
        matches!(
            self.registration,
            Registration::Attaching | Registration::Attached
        )
    }

    /// Why the terminal cannot send or receive now, in words; None when it can.
    pub fn unreachable_reason(&self, link_up: bool) -> Option<String> {
        let why = if !self.power {
            "is switched off".to_owned()
        } else if !self.coverage {
            "is out of coverage".to_owned()
        } else if !link_up {
            "has no network: the cell's link to the switch is down".to_owned()
        } else if let Registration::Rejected(cause) = self.registration {
            format!("was refused by the network: {cause}")
        } else {
            return None;
        };
        Some(format!("terminal {} {why}", self.msisdn))
    }

    pub fn info(&self) -> TerminalInfo {
        let reject = match self.registration {
            Registration::Rejected(cause) => Some(cause),
            _ => None,
        };
        TerminalInfo {
            msisdn: self.msisdn.to_string(),
            imsi: self.imsi.to_string(),
            kind: self.kind.as_str(),
            label: self.label.clone(),
            power: self.power,
            coverage: self.coverage,
            attached: self.attached(),
            registration: self.registration.as_str(),
            reject_cause: reject.map(|c| c.0),
            reject_reason: reject.map(RpCause::name),
            capacity: self.inbox.capacity(),
            inbox_count: self.inbox.len(),
            unread: self.inbox.unread(),
            memory_full: self.inbox.is_full(),
            sim_swapped_at: self.sim_swapped_at,
            key_id: self
                .key
                .as_ref()
                .map(|k| k.key_id().iter().map(|b| format!("{b:02x}")).collect()),
        }
    }
}
