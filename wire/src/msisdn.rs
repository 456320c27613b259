//! Subscriber numbers: [`Msisdn`] (an E.164 number) and [`Imsi`] (the SIM's identity).
//!
//! Both are validated newtypes over their digit strings, so a value that exists
//! is well formed: the HLR, the air link and the handsets key on them without
//! re-checking. An MSISDN is 3..=15 digits with a non-zero first digit (the
//! country code); parsing accepts one leading `+` and displays digits only.
//! An IMSI is 6..=15 digits (MCC + MNC + MSIN, 3GPP TS 23.003 §2.2). A bad
//! value is a [`NumberError`] that says what was wrong.

use std::{borrow::Borrow, fmt, str::FromStr};

/// Why a string is not a valid MSISDN or IMSI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("{what} is empty")]
    Empty { what: &'static str },
    #[error("{what} has {digits} digits, fewer than the minimum {min}")]
    TooShort {
        what: &'static str,
        digits: usize,
        min: usize,
    },
    #[error("{what} has {digits} digits, more than the maximum {max}")]
    TooLong {
        what: &'static str,
        digits: usize,
        max: usize,
    },
    #[error("{what} has {ch:?} at position {position}; only digits are allowed")]
    NotADigit {
        what: &'static str,
        ch: char,
        position: usize,
    },
    #[error("MSISDN starts with 0; E.164 numbers start with a country code (1-9)")]
    LeadingZero,
}

/// Error of `Msisdn::from_str`.
pub type MsisdnError = NumberError;
/// Error of `Imsi::from_str`.
pub type ImsiError = NumberError;

fn check_digits(what: &'static str, s: &str, min: usize, max: usize) -> Result<(), NumberError> {
    if s.is_empty() {
        return Err(NumberError::Empty { what });
    }
    if let Some((position, ch)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(NumberError::NotADigit { what, ch, position });
    }
    // All ASCII from here, so the byte length is the digit count.
    let digits = s.len();
    if digits < min {
        return Err(NumberError::TooShort { what, digits, min });
    }
    if digits > max {
        return Err(NumberError::TooLong { what, digits, max });
    }
    Ok(())
}

macro_rules! digit_newtype_impls {
    ($ty:ident) => {
        impl $ty {
            /// The digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Derived Eq/Hash/Ord are those of the inner String, so maps keyed by the
        // newtype can be searched with a plain &str.
        impl Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $ty {
            type Error = NumberError;
            fn try_from(s: String) -> Result<Self, NumberError> {
                s.parse()
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = NumberError;
            fn try_from(s: &str) -> Result<Self, NumberError> {
                s.parse()
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0
            }
        }
    };
}

/// An E.164 subscriber number: 3..=15 digits, no `+`, first digit 1-9.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Msisdn(String);

impl Msisdn {
    pub const MIN_DIGITS: usize = 3;
    pub const MAX_DIGITS: usize = 15;

    /// The number with a leading `+`, as written in international format.
    pub fn to_e164(&self) -> String {
        format!("+{}", self.0)
    }
}

impl FromStr for Msisdn {
    type Err = MsisdnError;
    fn from_str(s: &str) -> Result<Self, MsisdnError> {
        let digits = s.strip_prefix('+').unwrap_or(s);
        check_digits("MSISDN", digits, Self::MIN_DIGITS, Self::MAX_DIGITS)?;
        if digits.starts_with('0') {
            return Err(NumberError::LeadingZero);
        }
        Ok(Self(digits.to_owned()))
    }
}

digit_newtype_impls!(Msisdn);

/// An International Mobile Subscriber Identity: 6..=15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Imsi(String);

impl Imsi {
    pub const MIN_DIGITS: usize = 6;
    pub const MAX_DIGITS: usize = 15;
}

impl FromStr for Imsi {
    type Err = ImsiError;
    fn from_str(s: &str) -> Result<Self, ImsiError> {
        check_digits("IMSI", s, Self::MIN_DIGITS, Self::MAX_DIGITS)?;
        Ok(Self(s.to_owned()))
    }
}

digit_newtype_impls!(Imsi);

#[cfg(test)]
mod tests;
