//! Secrets typed by the shopper: the online-payment [`Password`] and the
//! [`AuthCode`] from the SMS. Both wipe their memory on drop (zeroize) and
//! print as `<redacted>` in `Debug`, so a stray `{:?}` in a log line cannot
//! leak them. Neither implements `Display` or `Serialize`.

use std::fmt;

use zeroize::Zeroizing;

use super::DomainError;

/// Shortest and longest accepted password, in characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=128;

/// An online-payment password of 8 to 128 characters.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Takes ownership so the only copy is the zeroizing one.
    pub fn new(s: String) -> Result<Password, DomainError> {
        let s = Zeroizing::new(s);
        if PASSWORD_CHARS.contains(&s.chars().count()) {
            Ok(Password(s))
        } else {
            Err(DomainError::Password)
        }
    }

    /// The clear text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shortest and longest authorization code, in digits.
pub const AUTH_CODE_DIGITS: std::ops::RangeInclusive<usize> = 4..=10;

/// A dynamic authorization code: 4 to 10 ASCII digits, leading zeros kept.
#[derive(Clone)]
pub struct AuthCode(Zeroizing<String>);

impl AuthCode {
    pub fn new(s: String) -> Result<AuthCode, DomainError> {
        let s = Zeroizing::new(s);
        if AUTH_CODE_DIGITS.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AuthCode(s))
        } else {
            Err(DomainError::AuthCode)
        }
    }

    /// Parses what the shopper typed: surrounding spaces are ignored.
    pub fn parse(s: &str) -> Result<AuthCode, DomainError> {
        AuthCode::new(s.trim().to_owned())
    }

    /// The digits, for the SMS text and the HMAC only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
