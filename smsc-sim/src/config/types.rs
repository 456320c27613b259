//! Validated values that appear in the configuration and the admin API:
//! [`SystemId`], [`Password`] and [`Probability`]. Each is checked once, when
//! it is parsed (serde goes through `TryFrom`), so code holding one never
//! re-checks it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest system_id: a C-Octet String of at most 16 octets including the
/// terminating NUL (SMPP 3.4 §5.2.1, 5.0 §4.7.1).
pub const MAX_SYSTEM_ID_LEN: usize = 15;

/// Longest password: a C-Octet String of at most 9 octets including the NUL
/// (SMPP 3.4 §4.1.1, 5.0 §4.1.1.1). Longer passwords cannot be sent in a bind.
pub const MAX_PASSWORD_LEN: usize = 8;

fn is_smpp_text(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

/// An ESME's system_id: 1 to 15 printable ASCII characters, compared exactly.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SystemId(String);

impl SystemId {
    pub fn new(s: impl Into<String>) -> Result<Self, String> {
        let s = s.into();
        if s.is_empty() || s.len() > MAX_SYSTEM_ID_LEN || !is_smpp_text(&s) {
            return Err(format!(
                "system_id must be 1 to {MAX_SYSTEM_ID_LEN} printable ASCII characters \
                 (SMPP C-Octet String), got {s:?}"
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SystemId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::new(s)
    }
}

impl From<SystemId> for String {
    fn from(id: SystemId) -> String {
        id.0
    }
}

impl fmt::Debug for SystemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for SystemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for SystemId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

/// A bind password: at most 8 printable ASCII characters (empty allowed, for
/// test setups that bind without one). Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Password(String);

impl Password {
    pub fn new(s: impl Into<String>) -> Result<Self, String> {
        let s = s.into();
        if s.len() > MAX_PASSWORD_LEN || !is_smpp_text(&s) {
            return Err(format!(
                "password must be at most {MAX_PASSWORD_LEN} printable ASCII characters \
                 (SMPP C-Octet String of 9 octets), got {} characters",
                s.chars().count()
            ));
        }
        Ok(Self(s))
    }

    /// The password itself, to send it (outbind). Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compare with the password a bind carried, in time independent of
    /// where the first difference is.
    pub fn verify(&self, given: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), given.as_bytes());
        let mut diff = u8::from(a.len() != b.len());
        for (i, x) in a.iter().enumerate() {
            diff |= x ^ b.get(i).copied().unwrap_or(0);
        }
        diff == 0
    }
}

impl TryFrom<String> for Password {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::new(s)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A probability in [0, 1]. The default is 1 (always).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Probability(f64);

impl Probability {
    pub const ALWAYS: Self = Self(1.0);
    pub const NEVER: Self = Self(0.0);

    pub fn new(p: f64) -> Result<Self, String> {
        if (0.0..=1.0).contains(&p) {
            Ok(Self(p))
        } else {
            Err(format!("probability must be between 0 and 1, got {p}"))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for Probability {
    fn default() -> Self {
        Self::ALWAYS
    }
}

impl TryFrom<f64> for Probability {
    type Error = String;
    fn try_from(p: f64) -> Result<Self, String> {
        Self::new(p)
    }
}

impl From<Probability> for f64 {
    fn from(p: Probability) -> f64 {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_id_limits() {
        assert!(SystemId::new("a".repeat(MAX_SYSTEM_ID_LEN)).is_ok());
        let err = SystemId::new("a".repeat(MAX_SYSTEM_ID_LEN + 1)).unwrap_err();
        assert!(err.contains("system_id"), "{err}");
        assert!(SystemId::new("").is_err());
        assert!(SystemId::new("gäteway").is_err());
        assert!(SystemId::new("tab\there").is_err());
    }

    #[test]
    fn password_limits_and_verify() {
        let pw = Password::new("gw-pw-12").expect("8 characters fit");
        assert!(pw.verify("gw-pw-12"));
        assert!(!pw.verify("gw-pw-1"));
        assert!(!pw.verify("gw-pw-123"));
        assert!(!pw.verify("gw-pw-13"));
        assert!(Password::new("").expect("empty is allowed").verify(""));
        let err = Password::new("123456789").unwrap_err();
        assert!(err.contains("password"), "{err}");
        assert_eq!(format!("{pw:?}"), "Password(***)");
    }

    #[test]
    fn probability_range() {
        assert_eq!(Probability::new(0.0).map(Probability::get), Ok(0.0));
        assert_eq!(Probability::new(1.0).map(Probability::get), Ok(1.0));
        assert!(Probability::new(1.0001).is_err());
        assert!(Probability::new(-0.1).is_err());
        assert!(Probability::new(f64::NAN).is_err());
    }
}
