//! A fault rule: which traffic it selects (destination pattern and/or
//! account), how often it fires, and what it does. The serde shape is the
//! same in the config file and in the admin API's JSON:
//!
//! ```toml
//! [[faults.rules]]
//! destination = "4477009*"
//! account = "gateway"
//! probability = 0.5
//! action = { reject = "ESME_RSUBMITFAIL" }   # or a number: 69, "0x45"
//! ```
//! Other actions: `{ delay_response_ms = 500 }`, `{ throttle = true }`,
//! `{ disconnect = true }`, `{ receipt = { state = "UNDELIV", error = 11 } }`,
//! `{ receipt_delay_ms = 5000 }`, `{ receipt_drop = true }`.

use std::time::Duration;

use serde::de::{Deserializer, Error};
use serde::{Deserialize, Serialize, Serializer};
use wire::smpp::rusmpp::CommandStatus;

use crate::config::{Pattern, Probability, SystemId, command_status_name, parse_command_status};
use crate::message::MessageState;

/// One rule. A rule with neither `destination` nor `account` selects all
/// traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Assigned by the [`super::FaultEngine`]; ignored on input.
    #[serde(default)]
    pub id: u64,
    /// Glob over the destination address, e.g. `"4477009*"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Pattern>,
    /// system_id of the submitting account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<SystemId>,
    /// Chance that a matching message is hit, in [0, 1]; default 1.
    #[serde(default)]
    pub probability: Probability,
    pub action: FaultAction,
}

impl FaultRule {
    /// A rule that always fires on all traffic; narrow it with the fields.
    pub fn new(action: FaultAction) -> Self {
        Self {
            id: 0,
            destination: None,
            account: None,
            probability: Probability::ALWAYS,
            action,
        }
    }

    pub fn selects(&self, account: &str, dest: &str) -> bool {
        self.account.as_ref().is_none_or(|a| a == account)
            && self.destination.as_ref().is_none_or(|p| p.matches(dest))
    }
}

/// What a rule does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAction", into = "RawAction")]
pub enum FaultAction {
    /// Hold the submit_sm_resp this long.
    DelayResponse(Duration),
    /// Answer submit_sm with this error status (never ESME_ROK).
    Reject(CommandStatus),
    /// Answer submit_sm with ESME_RTHROTTLED.
    Throttle,
    /// Close the session instead of answering.
    Disconnect,
    /// Finish the message in this final state with this network error code,
    /// and say so in the receipt.
    Receipt { state: MessageState, error: u16 },
    /// Hold the receipt this long.
    ReceiptDelay(Duration),
    /// Never send the receipt.
    ReceiptDrop,
}

/// The wire shape: a one-key table/object.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum RawAction {
    DelayResponseMs(u64),
    Reject(StatusSpec),
    Throttle(Flag),
    Disconnect(Flag),
    Receipt(ReceiptSpec),
    ReceiptDelayMs(u64),
    ReceiptDrop(Flag),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptSpec {
    state: StateSpec,
    #[serde(default)]
    error: u16,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl TryFrom<RawAction> for FaultAction {
    type Error = String;
    fn try_from(raw: RawAction) -> Result<Self, String> {
        Ok(match raw {
            RawAction::DelayResponseMs(ms) => FaultAction::DelayResponse(Duration::from_millis(ms)),
            RawAction::Reject(StatusSpec(CommandStatus::EsmeRok)) => {
                return Err("reject: ESME_ROK (0) is success, not an error status".into());
            }
            RawAction::Reject(StatusSpec(s)) => FaultAction::Reject(s),
            RawAction::Throttle(Flag) => FaultAction::Throttle,
            RawAction::Disconnect(Flag) => FaultAction::Disconnect,
            RawAction::Receipt(ReceiptSpec {
                state: StateSpec(state),
                error,
            }) => {
                if !state.is_final() {
                    return Err(format!(
                        "receipt.state: {} is not a final state",
                        state.receipt_word()
                    ));
                }
                FaultAction::Receipt { state, error }
            }
            RawAction::ReceiptDelayMs(ms) => FaultAction::ReceiptDelay(Duration::from_millis(ms)),
            RawAction::ReceiptDrop(Flag) => FaultAction::ReceiptDrop,
        })
    }
}

impl From<FaultAction> for RawAction {
    fn from(a: FaultAction) -> Self {
        match a {
            FaultAction::DelayResponse(d) => RawAction::DelayResponseMs(millis(d)),
            FaultAction::Reject(s) => RawAction::Reject(StatusSpec(s)),
            FaultAction::Throttle => RawAction::Throttle(Flag),
            FaultAction::Disconnect => RawAction::Disconnect(Flag),
            FaultAction::Receipt { state, error } => RawAction::Receipt(ReceiptSpec {
                state: StateSpec(state),
                error,
            }),
            FaultAction::ReceiptDelay(d) => RawAction::ReceiptDelayMs(millis(d)),
            FaultAction::ReceiptDrop => RawAction::ReceiptDrop(Flag),
        }
    }
}

/// `true`, the only value of an on/off action: a rule that should not fire
/// is removed, not set to false.
struct Flag;

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(true)
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if bool::deserialize(d)? {
            Ok(Flag)
        } else {
            Err(D::Error::custom(
                "must be true (remove the rule to turn it off)",
            ))
        }
    }
}

/// A command_status written as a name or a number.
struct StatusSpec(CommandStatus);

impl Serialize for StatusSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match command_status_name(self.0) {
            Some(name) => s.serialize_str(name),
            None => s.serialize_u32(u32::from(self.0)),
        }
    }
}

impl<'de> Deserialize<'de> for StatusSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum NameOrCode {
            Code(u32),
            Name(String),
        }
        match NameOrCode::deserialize(d).map_err(|_| {
            D::Error::custom(
                "reject: expected an SMPP status name (\"ESME_RSUBMITFAIL\") or a number",
            )
        })? {
            NameOrCode::Code(c) => Ok(StatusSpec(CommandStatus::from(c))),
            NameOrCode::Name(n) => parse_command_status(&n)
                .map(StatusSpec)
                .map_err(D::Error::custom),
        }
    }
}

/// A message_state written as its receipt word (`"UNDELIV"`) or full name.
struct StateSpec(MessageState);

impl Serialize for StateSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.receipt_word())
    }
}

impl<'de> Deserialize<'de> for StateSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        MessageState::parse(&s).map(StateSpec).ok_or_else(|| {
            D::Error::custom(format!(
                "receipt.state: unknown message state {s:?} (DELIVRD, EXPIRED, DELETED, UNDELIV, REJECTD, UNKNOWN, ...)"
            ))
        })
    }
}
