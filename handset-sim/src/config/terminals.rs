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
    /// The key a dedicated terminal shares with the gateway, 64 hex digits:
    /// 8-bit messages to the sealed-code port ([`wire::sealed::CODE_PORT`])
    /// are opened with it. Without one such messages cannot be read.
    #[serde(default, deserialize_with = "terminal_key")]
    pub key: Option<wire::sealed::TerminalKey>,
}

fn terminal_key<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<wire::sealed::TerminalKey>, D::Error> {
    de::parsed(d).map(Some)
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
            key: None,
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

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn with_key(key: &str) -> String {
        format!(
            "[[terminals]]\nmsisdn = \"447700900104\"\nimsi = \"234150000000104\"\n\
             kind = \"stb-card\"\nkey = \"{key}\"\n"
        )
    }

    #[test]
    fn a_key_is_64_hex_digits_and_a_bad_one_names_the_field() {
        let hex = "b616953b0e3be9c320122ab5321e7c62d6a097dbac940783ae700ed3c3c1dcba";
        let config = Config::from_toml_str(&with_key(hex)).expect("valid key");
        let key = config.terminals[0].key.as_ref().expect("a key");
        assert_eq!(key.to_hex(), hex);
        for (bad, why) in [
            (&hex[..62], "64 hexadecimal digits"),
            (
                "zz16953b0e3be9c320122ab5321e7c62d6a097dbac940783ae700ed3c3c1dcba",
                "character 1",
            ),
        ] {
            let err = Config::from_toml_str(&with_key(bad))
                .expect_err("refused")
                .to_string();
            assert!(err.contains("key") && err.contains(why), "{err}");
        }
        let none = Config::from_toml_str(&with_key(hex).replace(&format!("key = \"{hex}\"\n"), ""))
            .expect("no key");
        assert!(none.terminals[0].key.is_none());
    }
}
