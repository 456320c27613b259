//! `[[terminals]]`: the terminals this cell starts with. The same shape is
//! the body of `POST /api/terminals`, so a terminal made over the API is
//! checked by the same rules ([`TerminalConfig::check`]).

use serde::Deserialize;
use wire::air::TerminalKind;
use wire::msisdn::{Imsi, Msisdn};

use super::de;

/// Largest inbox, in messages.
pub const MAX_CAPACITY: u32 = 10_000;
/// Longest label, in characters.
pub const MAX_LABEL_LEN: usize = 64;

fn default_capacity() -> u32 {
    30
}

fn yes() -> bool {
    true
}

/// One terminal: a SIM (MSISDN + IMSI) in a device of some kind.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminalConfig {
    /// E.164 number, digits with an optional leading `+`.
    #[serde(deserialize_with = "de::parsed")]
    pub msisdn: Msisdn,
    /// The SIM's IMSI, 6..=15 digits.
    #[serde(deserialize_with = "de::parsed")]
    pub imsi: Imsi,
    /// `phone`, `pager`, `pda` or `stb-card`.
    #[serde(deserialize_with = "de::parsed")]
    pub kind: TerminalKind,
    /// Shown on the phones page; default: the kind and the number.
    #[serde(default)]
    pub label: Option<String>,
    /// Inbox size in messages (flash messages excepted); a message that
    /// finds the inbox full is refused with "memory capacity exceeded".
    /// 0 makes the inbox permanently full.
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Switched on at start.
    #[serde(default = "yes")]
    pub power: bool,
    /// In radio coverage at start.
    #[serde(default = "yes")]
    pub coverage: bool,
}

impl TerminalConfig {
    /// A powered-on phone in coverage with the default inbox.
    pub fn new(msisdn: Msisdn, imsi: Imsi, kind: TerminalKind) -> Self {
        Self {
            msisdn,
            imsi,
            kind,
            label: None,
            capacity: default_capacity(),
            power: true,
            coverage: true,
        }
    }

    /// The label, or `kind +msisdn` (e.g. `pda +447700900150`) when none was given.
    pub fn label_or_default(&self) -> String {
        match &self.label {
            Some(l) => l.clone(),
            None => format!("{} +{}", self.kind, self.msisdn),
        }
    }

    /// Checks what the types cannot: the label and capacity limits.
    /// The error names the field.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if let Some(label) = &self.label {
            let len = label.chars().count();
            if len > MAX_LABEL_LEN {
                return Err((
                    "label",
                    format!("{len} characters, at most {MAX_LABEL_LEN} allowed"),
                ));
            }
            if label.chars().any(char::is_control) {
                return Err(("label", "must not contain control characters".into()));
            }
        }
        if self.capacity > MAX_CAPACITY {
            return Err((
                "capacity",
                format!("{} is more than the maximum {MAX_CAPACITY}", self.capacity),
            ));
        }
        Ok(())
    }
}
