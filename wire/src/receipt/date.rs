//! Receipt dates as SMSCs write them: `YYMMDDhhmm` (the de-facto format),
//! `YYMMDDhhmmss` (common), or now and then a full SMPP absolute time
//! `YYMMDDhhmmsstnnp`, which is converted to UTC with seconds.
//!
//! A 10- or 12-digit date carries no zone: SMSCs write their own local time,
//! Switchboard writes UTC. [`ReceiptDate::to_unix_ms`] reads it as UTC.

use std::fmt;

use crate::smpp::time::{
    Civil, SMPP_TIME_LEN, SmppTimeError, civil_from_unix_ms, civil_to_unix_ms, parse_smpp_time,
    read_digits,
};

/// A wall-clock date in a delivery receipt, year as two digits (20YY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReceiptDate {
    pub year: u8,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// Present when the SMSC wrote seconds (`YYMMDDhhmmss`).
    pub second: Option<u8>,
}

impl ReceiptDate {
    /// The canonical minute-precision date of `unix_ms`, in UTC.
    pub fn from_unix_ms(unix_ms: i64) -> Result<Self, SmppTimeError> {
        let mut date = Self::from_unix_ms_with_seconds(unix_ms)?;
        date.second = None;
        Ok(date)
    }

    /// The date of `unix_ms` in UTC, with seconds.
    pub fn from_unix_ms_with_seconds(unix_ms: i64) -> Result<Self, SmppTimeError> {
        let c = civil_from_unix_ms(unix_ms)?;
        Ok(ReceiptDate {
            year: c.yy,
            month: c.month,
            day: c.day,
            hour: c.hour,
            minute: c.minute,
            second: Some(c.second),
        })
    }

    /// Unix milliseconds of this date read as UTC; fails on impossible
    /// dates (month 13, February 30, hour 24, ...).
    pub fn to_unix_ms(&self) -> Result<i64, SmppTimeError> {
        civil_to_unix_ms(&Civil {
            yy: self.year,
            month: self.month,
            day: self.day,
            hour: self.hour,
            minute: self.minute,
            second: self.second.unwrap_or(0),
            tenths: 0,
        })
    }

    /// Reads `YYMMDDhhmm`, `YYMMDDhhmmss` or an SMPP absolute time.
    pub fn parse(s: &str) -> Result<Self, SmppTimeError> {
        match s.len() {
            10 | 12 => {
                let c = read_digits(s.as_bytes())?;
                let date = ReceiptDate {
                    year: c.yy,
                    month: c.month,
                    day: c.day,
                    hour: c.hour,
                    minute: c.minute,
                    second: (s.len() == 12).then_some(c.second),
                };
                date.to_unix_ms()?;
                Ok(date)
            }
            SMPP_TIME_LEN => {
                if s.ends_with('R') {
                    // A relative time names no moment at which something happened.
                    return Err(SmppTimeError::Indicator('R'));
                }
                let ms = parse_smpp_time(s, 0)?.expect("a 16-octet string is not the empty time");
                Self::from_unix_ms_with_seconds(ms)
            }
            got => Err(SmppTimeError::Length {
                got,
                expected: "10, 12 or 16",
            }),
        }
    }
}

impl fmt::Display for ReceiptDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute
        )?;
        match self.second {
            Some(s) => write!(f, "{s:02}"),
            None => Ok(()),
        }
    }
}
