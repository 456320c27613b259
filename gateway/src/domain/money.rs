//! Money: an amount in minor units (pence, fen, yen) of an ISO 4217
//! currency whose exponent says where the decimal point goes. Amounts enter
//! as decimal strings ("128.00") and are integers from then on, so no float
//! ever touches money.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// ISO 4217 codes the gateway accepts, with their minor-unit exponents.
#[rustfmt::skip]
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2), ("AUD", 2), ("BHD", 3), ("BRL", 2), ("CAD", 2), ("CHF", 2), ("CLP", 0),
    ("CNY", 2), ("CZK", 2), ("DKK", 2), ("EUR", 2), ("GBP", 2), ("HKD", 2), ("HUF", 2),
    ("IDR", 2), ("ILS", 2), ("INR", 2), ("ISK", 0), ("JOD", 3), ("JPY", 0), ("KRW", 0),
    ("KWD", 3), ("MXN", 2), ("MYR", 2), ("NOK", 2), ("NZD", 2), ("OMR", 3), ("PHP", 2),
    ("PLN", 2), ("SAR", 2), ("SEK", 2), ("SGD", 2), ("THB", 2), ("TRY", 2), ("TWD", 2),
    ("USD", 2), ("VND", 0), ("ZAR", 2),
];

/// An ISO 4217 currency the gateway knows, with its exponent (GBP 2, JPY 0).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Parses an upper-case ISO 4217 code; lower case is accepted and
    /// normalised.
    pub fn parse(s: &str) -> Result<Currency, DomainError> {
        let upper = s.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|(code, exponent)| {
                let b = code.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    exponent: *exponent,
                }
            })
            .ok_or_else(|| DomainError::Currency(s.to_owned()))
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).expect("codes come from the ASCII table")
    }

    /// Digits after the decimal point (2 for GBP, 0 for JPY, 3 for KWD).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    /// Every currency the gateway accepts.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|(code, _)| Currency::parse(code).expect("table entries parse"))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Currency::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

/// An amount in minor units. Payments require `minor > 0` (checked where a
/// payment is created); balances may be zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Parses a plain non-negative decimal: digits, optionally a point and
    /// at most `exponent` digits ("128", "128.5", "128.00"). Refuses signs,
    /// exponents, spaces, more fraction digits than the currency has, and
    /// amounts that do not fit in i64 minor units.
    pub fn parse_decimal(s: &str, currency: Currency) -> Result<Money, DomainError> {
        let fail = |reason| DomainError::Amount {
            input: s.to_owned(),
            reason,
        };
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("expected digits with an optional decimal point"));
        }
        let exp = usize::from(currency.exponent);
        let frac = frac.unwrap_or("");
        if s.contains('.') && (frac.is_empty() || exp == 0) {
            return Err(fail(if exp == 0 {
                "this currency has no minor unit"
            } else {
                "expected digits after the decimal point"
            }));
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("expected digits after the decimal point"));
        }
        if frac.len() > exp {
            return Err(fail("more decimal places than the currency has"));
        }
        let digits = format!("{int}{frac:0<exp$}");
        let minor = digits
            .trim_start_matches('0')
            .parse::<i64>()
            .or_else(|e| match e.kind() {
                std::num::IntErrorKind::Empty => Ok(0),
                _ => Err(fail("amount too large")),
            })?;
        Ok(Money { minor, currency })
    }

    /// The amount as a decimal with exactly `exponent` fraction digits:
    /// "128.00", "1280" for JPY, "-0.05" for a negative balance.
    pub fn to_decimal_string(&self) -> String {
        let exp = u32::from(self.currency.exponent);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exp);
        let width = exp as usize;
        format!("{sign}{}.{:0width$}", abs / scale, abs % scale)
    }
}

/// "CNY 128.00": the form used in SMS texts, pages and logs.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.to_decimal_string())
    }
}

/// Parses the `Display` form, "CNY 128.00" (used for limits in config).
impl FromStr for Money {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Money, DomainError> {
        let (code, amount) = s.trim().split_once(' ').ok_or(DomainError::Amount {
            input: s.to_owned(),
            reason: "expected a currency code and an amount, as in \"GBP 12.50\"",
        })?;
        Money::parse_decimal(amount.trim(), Currency::parse(code)?)
    }
}
