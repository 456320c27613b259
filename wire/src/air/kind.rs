//! The kinds of terminal a cell can attach: [`TerminalKind`].
//!
//! The kind travels in the `Attach` frame as one byte ([`TerminalKind::code`])
//! and appears in configs and JSON as its lowercase name ([`TerminalKind::as_str`]).
//! The handset simulator uses it to pick display rules; the switch records it in the HLR.

use std::{fmt, str::FromStr};

/// What sort of device a subscriber's terminal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TerminalKind {
    Phone,
    Pager,
    Pda,
    /// A dedicated SIM card in a set-top box.
    StbCard,
}

/// A terminal kind name or code that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown terminal kind {0:?}; expected phone, pager, pda or stb-card")]
pub struct UnknownTerminalKind(pub String);

impl TerminalKind {
    pub const ALL: [TerminalKind; 4] = [Self::Phone, Self::Pager, Self::Pda, Self::StbCard];

    /// The config / JSON name: `phone`, `pager`, `pda`, `stb-card`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Pager => "pager",
            Self::Pda => "pda",
            Self::StbCard => "stb-card",
        }
    }

    /// The byte on the air link.
    pub fn code(self) -> u8 {
        match self {
            Self::Phone => 1,
            Self::Pager => 2,
            Self::Pda => 3,
            Self::StbCard => 4,
        }
    }

    /// The kind for an air-link byte, `None` for codes we do not know.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl fmt::Display for TerminalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TerminalKind {
    type Err = UnknownTerminalKind;
    fn from_str(s: &str) -> Result<Self, UnknownTerminalKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownTerminalKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for k in TerminalKind::ALL {
            assert_eq!(k.as_str().parse::<TerminalKind>(), Ok(k));
            assert_eq!(k.to_string(), k.as_str());
            assert_eq!(TerminalKind::from_code(k.code()), Some(k));
        }
        assert_eq!(
            "stb-card".parse::<TerminalKind>(),
            Ok(TerminalKind::StbCard)
        );
    }

    #[test]
    fn unknown_names_and_codes_are_rejected() {
        let err = "Phone"
            .parse::<TerminalKind>()
            .expect_err("names are lowercase");
        assert!(err.to_string().contains("\"Phone\""));
        assert!("stb_card".parse::<TerminalKind>().is_err());
        assert_eq!(TerminalKind::from_code(0), None);
        assert_eq!(TerminalKind::from_code(5), None);
    }
}
