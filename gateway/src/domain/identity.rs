//! Online identities: what a shopper types to say who they are. One input
//! box takes all three kinds, told apart by form:
//! - a phone number: "+" and 8-15 digits, or 8-15 bare digits (spaces and
//!   hyphens ignored), kept as E.164 digits without the "+";
//! - a bank account number: "acct:" and 4-34 letters/digits, 16-34 digits,
//!   or an IBAN-like 8-34 characters (two letters, two digits, then letters
//!   or digits), kept upper-case without spaces;
//! - otherwise an alias the customer chose: 3-32 of `[a-z0-9._-]`,
//!   compared lower-case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::DomainError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Phone,
    Account,
    Alias,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Phone => "phone",
            IdentityKind::Account => "account",
            IdentityKind::Alias => "alias",
        }
    }
}

impl FromStr for IdentityKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        match s {
            "phone" => Ok(IdentityKind::Phone),
            "account" => Ok(IdentityKind::Account),
            "alias" => Ok(IdentityKind::Alias),
            _ => Err(DomainError::Identity("unknown identity kind")),
        }
    }
}

/// A normalised online identity; two inputs naming the same identity
/// ("+44 7700 900101" and "447700900101") compare equal.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct OnlineIdentity {
    kind: IdentityKind,
    value: String,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn iban_like(s: &str) -> bool {
    let b = s.as_bytes();
    (8..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

/// True when the bare account number parses back as an account.
fn account_reads_plain(v: &str) -> bool {
    (all_digits(v) && (16..=34).contains(&v.len())) || iban_like(v)
}

fn valid_alias(s: &str) -> bool {
    (3..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

impl OnlineIdentity {
    /// Classifies and normalises what the shopper typed.
    pub fn parse(input: &str) -> Result<OnlineIdentity, DomainError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(DomainError::Identity("empty"));
        }
        if let Some(rest) = input.strip_prefix("acct:") {
            let value: String = rest.chars().filter(|c| *c != ' ').collect();
            let value = value.to_ascii_uppercase();
            if (4..=34).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Ok(Self::make(IdentityKind::Account, value));
            }
            return Err(DomainError::Identity(
                "account numbers are 4-34 letters or digits",
            ));
        }
        let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if let Some(digits) = compact.strip_prefix('+') {
            if all_digits(digits) && (8..=15).contains(&digits.len()) {
                return Ok(Self::make(IdentityKind::Phone, digits.to_owned()));
            }
            return Err(DomainError::Identity("phone numbers are + and 8-15 digits"));
        }
        if all_digits(&compact) {
            return match compact.len() {
                8..=15 => Ok(Self::make(IdentityKind::Phone, compact)),
                16..=34 => Ok(Self::make(IdentityKind::Account, compact)),
                _ => Self::alias(input),
            };
        }
        if iban_like(&compact) {
            return Ok(Self::make(
                IdentityKind::Account,
                compact.to_ascii_uppercase(),
            ));
        }
        Self::alias(input)
    }

    fn alias(input: &str) -> Result<OnlineIdentity, DomainError> {
        let value = input.to_lowercase();
        if valid_alias(&value) {
            Ok(Self::make(IdentityKind::Alias, value))
        } else {
            Err(DomainError::Identity(
                "expected a phone number, an account number or an alias of 3-32 letters, digits, '.', '_' or '-'",
            ))
        }
    }

    fn make(kind: IdentityKind, value: String) -> OnlineIdentity {
        OnlineIdentity { kind, value }
    }

    /// Rebuilds an identity from its stored parts, checking that `value` is
    /// in the normalised form of `kind`.
    pub fn from_parts(kind: IdentityKind, value: &str) -> Result<OnlineIdentity, DomainError> {
        let typed = match kind {
            IdentityKind::Phone => format!("+{value}"),
            IdentityKind::Account => format!("acct:{value}"),
            IdentityKind::Alias => value.to_owned(),
        };
        let id = OnlineIdentity::parse(&typed)?;
        if id.kind == kind && id.value == value {
            Ok(id)
        } else {
            Err(DomainError::Identity(
                "stored identity is not in normal form",
            ))
        }
    }

    pub fn kind(&self) -> IdentityKind {
        self.kind
    }

    /// The normalised value: E.164 digits, upper-case account, lower-case alias.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// "+447700900101", "GB33SWBK00000000000101", "alice"; an account number
/// that would read as something else gets its "acct:" prefix back.
impl fmt::Display for OnlineIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IdentityKind::Phone => write!(f, "+{}", self.value),
            IdentityKind::Account if !account_reads_plain(&self.value) => {
                write!(f, "acct:{}", self.value)
            }
            _ => f.write_str(&self.value),
        }
    }
}

impl FromStr for OnlineIdentity {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        OnlineIdentity::parse(s)
    }
}

impl Serialize for OnlineIdentity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OnlineIdentity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OnlineIdentity::parse(&s).map_err(serde::de::Error::custom)
    }
}
