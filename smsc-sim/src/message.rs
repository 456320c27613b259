//! The SMSC's view of a short message: what was accepted, where it goes, and
//! the state it is in. These types are shared by the session (which creates
//! them from submit_sm / data_sm / submit_multi), the store (which makes them
//! durable) and the delivery engine (which moves them to a final state).

use serde::{Deserialize, Serialize};

/// SMPP message_state values (SMPP 3.4 §5.2.28, 5.0 §4.7.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageState {
    Scheduled = 0,
    Enroute = 1,
    Delivered = 2,
    Expired = 3,
    Deleted = 4,
    Undeliverable = 5,
    Accepted = 6,
    Unknown = 7,
    Rejected = 8,
    Skipped = 9,
}

impl MessageState {
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    pub fn from_u8(v: u8) -> Option<Self> {
        use MessageState::*;
        Some(match v {
            0 => Scheduled,
            1 => Enroute,
            2 => Delivered,
            3 => Expired,
            4 => Deleted,
            5 => Undeliverable,
            6 => Accepted,
            7 => Unknown,
            8 => Rejected,
            9 => Skipped,
            _ => return None,
        })
    }

    /// A final state ends delivery attempts and may trigger a receipt.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            MessageState::Scheduled | MessageState::Enroute | MessageState::Accepted
        )
    }

    /// The 7-character `stat:` word of the receipt text.
    pub fn receipt_word(self) -> &'static str {
        use MessageState::*;
        match self {
            Scheduled => "SCHEDUL",
            Enroute => "ENROUTE",
            Delivered => "DELIVRD",
            Expired => "EXPIRED",
            Deleted => "DELETED",
            Undeliverable => "UNDELIV",
            Accepted => "ACCEPTD",
            Unknown => "UNKNOWN",
            Rejected => "REJECTD",
            Skipped => "SKIPPED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        use MessageState::*;
        Some(match s.to_ascii_uppercase().as_str() {
            "SCHEDULED" | "SCHEDUL" => Scheduled,
            "ENROUTE" => Enroute,
            "DELIVERED" | "DELIVRD" => Delivered,
            "EXPIRED" => Expired,
            "DELETED" => Deleted,
            "UNDELIVERABLE" | "UNDELIV" => Undeliverable,
            "ACCEPTED" | "ACCEPTD" => Accepted,
            "UNKNOWN" => Unknown,
            "REJECTED" | "REJECTD" => Rejected,
            "SKIPPED" => Skipped,
            _ => return None,
        })
    }
}

/// An SMPP address as submitted (TON, NPI, digits or alphanumeric).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub ton: u8,
    pub npi: u8,
    pub addr: String,
}

/// A message accepted by the SMSC. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Message id as given to the ESME (formatted per the account's id format).
    pub id: String,
    /// system_id of the submitting account.
    pub account: String,
    pub service_type: String,
    pub source: Address,
    pub dest: Address,
    pub esm_class: u8,
    pub protocol_id: u8,
    pub priority: u8,
    pub registered_delivery: u8,
    pub data_coding: u8,
    /// The user data: short_message, or message_payload when that was used.
    /// Includes the UDH when esm_class has UDHI set.
    pub payload: Vec<u8>,
    /// sar_msg_ref_num, sar_total_segments, sar_segment_seqnum when given as TLVs.
    pub sar: Option<(u16, u8, u8)>,
    pub submitted_at: i64,
    /// Earliest delivery time (schedule_delivery_time), if any.
    pub deliver_at: Option<i64>,
    /// End of validity; the message expires if not delivered by then.
    pub expires_at: i64,
    pub state: MessageState,
    /// When the message reached its final state.
    pub done_at: Option<i64>,
    /// Network error code for the receipt's `err:` field and the TLV.
    pub error_code: u16,
    /// Delivery attempts made so far.
    pub attempts: u32,
    /// Who sent it: an ESME (mobile-terminated) or a handset (mobile-originated).
    #[serde(default)]
    pub origin: Origin,
    /// The ESME asked for an alert_notification when the subscriber becomes
    /// reachable after a failed attempt (set_dpf TLV of data_sm).
    #[serde(default)]
    pub set_dpf: bool,
}

/// Where a message came from, which decides where it goes: an ESME's
/// submission goes to a handset through the switch; a mobile-originated one
/// goes to an ESME through its account's outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Esme,
    /// Injected over the admin API as if a handset had sent it.
    AdminMo,
    /// An SMS-SUBMIT from a handset over the air link: its TP-MR, and whether
    /// it asked for a status report (TP-SRR).
    HandsetMo { tp_mr: u8, status_report: bool },
}

impl Origin {
    pub fn is_mo(self) -> bool {
        !matches!(self, Origin::Esme)
    }

    /// (origin code, tp_mr column) as stored.
    pub fn to_columns(self) -> (u8, Option<u16>) {
        match self {
            Origin::Esme => (0, None),
            Origin::AdminMo => (1, None),
            Origin::HandsetMo {
                tp_mr,
                status_report,
            } => (2, Some(u16::from(tp_mr) | (u16::from(status_report) << 8))),
        }
    }

    pub fn from_columns(code: u8, tp_mr: Option<u16>) -> Self {
        match (code, tp_mr) {
            (1, _) => Origin::AdminMo,
            (2, Some(v)) => Origin::HandsetMo {
                tp_mr: (v & 0xFF) as u8,
                status_report: v & 0x100 != 0,
            },
            _ => Origin::Esme,
        }
    }
}
