//! SMPP time strings (SMPP 3.4 §7.1.1) as carried in schedule_delivery_time
//! and validity_period, and the receipt dates derived from them.
//!
//! An absolute time `YYMMDDhhmmsstnnp` is a local wall-clock time, `t` tenths
//! of a second, `nn` quarter hours between local time and UTC and `p` `+`
//! (local ahead of UTC) or `-`. A relative time `YYMMDDhhmmss000R` is an
//! interval added to "now". [`parse_smpp_time`] turns either into absolute
//! Unix milliseconds; [`format_smpp_absolute`] and [`format_receipt_date`]
//! go the other way, always in UTC. Two-digit years are read as 20YY, so only
//! 2000–2099 can be written.
//!
//! Relative years and months are calendar steps in UTC (2023-01-31 plus one
//! month is 2023-02-28: the day is clamped to the target month's length);
//! days, hours, minutes and seconds are exact durations. The relative form's
//! fields are an interval, not a date, so each may be 00–99 (`000000480000000R`
//! is 48 hours); its tenths and offset digits are ignored as the spec says.

use std::fmt;

use thiserror::Error;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Length of every non-empty SMPP time string.
pub const SMPP_TIME_LEN: usize = 16;
/// Largest UTC offset an absolute time may carry, in quarter hours.
pub const MAX_OFFSET_QUARTERS: u8 = 48;

const MS_PER_QUARTER_HOUR: i64 = 15 * 60 * 1000;

/// The part of a time string that was out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeField {
    Month,
    Day,
    Hour,
    Minute,
    Second,
    UtcOffset,
}

impl fmt::Display for TimeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeField::Month => "month",
            TimeField::Day => "day",
            TimeField::Hour => "hour",
            TimeField::Minute => "minute",
            TimeField::Second => "second",
            TimeField::UtcOffset => "UTC offset (quarter hours)",
        })
    }
}

/// Why a time string could not be read or a time could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SmppTimeError {
    #[error("time string has {got} octets, expected {expected}")]
    Length { got: usize, expected: &'static str },
    #[error("time string has a non-digit at position {0}")]
    NotDigit(usize),
    #[error("time string must end in '+', '-' or 'R', not {0:?}")]
    Indicator(char),
    #[error("{field} {value} is out of range")]
    OutOfRange { field: TimeField, value: i32 },
    #[error("relative time added to now leaves the representable range")]
    Overflow,
    #[error("{0} ms since the epoch is outside 2000-2099, which a two-digit year cannot name")]
    Unrepresentable(i64),
}

/// Broken-down wall-clock time with a two-digit year (20YY).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub yy: u8,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub tenths: u8,
}

/// Parses an SMPP time into absolute Unix milliseconds; `Ok(None)` for the
/// empty string ("not given"). Relative times are added to `now_unix_ms`.
pub fn parse_smpp_time(s: &str, now_unix_ms: i64) -> Result<Option<i64>, SmppTimeError> {
    if s.is_empty() {
        return Ok(None);
    }
    let b = s.as_bytes();
    if b.len() != SMPP_TIME_LEN {
        return Err(SmppTimeError::Length {
            got: b.len(),
            expected: "16",
        });
    }
    let c = read_digits(&b[..15])?;
    let nn = two(&b[13..15]);
    // The first 15 bytes are ASCII digits, so byte 15 is a whole character.
    match b[15] {
        b'+' => absolute(&c, i64::from(nn)).map(Some),
        b'-' => absolute(&c, -i64::from(nn)).map(Some),
        b'R' => relative(&c, now_unix_ms).map(Some),
        other => Err(SmppTimeError::Indicator(char::from(other))),
    }
}

/// Formats `unix_ms` as an absolute SMPP time in UTC (`...t00+`). Tenths
/// are truncated, so the result parses back to `unix_ms` rounded down to
/// 100 ms.
pub fn format_smpp_absolute(unix_ms: i64) -> Result<String, SmppTimeError> {
    format_smpp_absolute_with_offset(unix_ms, 0)
}

/// Formats `unix_ms` as an absolute SMPP time in the local time that is
/// `offset_quarters` quarter hours ahead of UTC (negative: behind).
pub fn format_smpp_absolute_with_offset(
    unix_ms: i64,
    offset_quarters: i8,
) -> Result<String, SmppTimeError> {
    if offset_quarters.unsigned_abs() > MAX_OFFSET_QUARTERS {
        return Err(SmppTimeError::OutOfRange {
            field: TimeField::UtcOffset,
            value: i32::from(offset_quarters),
        });
    }
    let local_ms = unix_ms
        .checked_add(i64::from(offset_quarters) * MS_PER_QUARTER_HOUR)
        .ok_or(SmppTimeError::Unrepresentable(unix_ms))?;
    let c = civil_from_unix_ms(local_ms).map_err(|_| SmppTimeError::Unrepresentable(unix_ms))?;
    let sign = if offset_quarters < 0 { '-' } else { '+' };
    Ok(format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}{}{:02}{sign}",
        c.yy,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.tenths,
        offset_quarters.unsigned_abs()
    ))
}

/// Formats a period as a relative SMPP time (`000DDhhmmss000R`), as a
/// validity_period "this long after submission". Sub-second parts are
/// dropped; periods of 100 days or more cannot be written in the DD field.
pub fn format_smpp_relative(period: std::time::Duration) -> Result<String, SmppTimeError> {
    let secs = period.as_secs();
    let days = secs / 86_400;
    if days > 99 {
        return Err(SmppTimeError::OutOfRange {
            field: TimeField::Day,
            value: i32::try_from(days).unwrap_or(i32::MAX),
        });
    }
    Ok(format!(
        "0000{:02}{:02}{:02}{:02}000R",
        days,
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    ))
}

/// Formats `unix_ms` as a delivery-receipt date `YYMMDDhhmm` in UTC.
pub fn format_receipt_date(unix_ms: i64) -> Result<String, SmppTimeError> {
    let c = civil_from_unix_ms(unix_ms)?;
    Ok(format!(
        "{:02}{:02}{:02}{:02}{:02}",
        c.yy, c.month, c.day, c.hour, c.minute
    ))
}

/// Reads ASCII digits `YYMMDDhhmmsstnn` (any prefix of at least 10 bytes;
/// missing seconds and tenths are zero) without range checks.
pub(crate) fn read_digits(b: &[u8]) -> Result<Civil, SmppTimeError> {
    if let Some(pos) = b.iter().position(|c| !c.is_ascii_digit()) {
        return Err(SmppTimeError::NotDigit(pos));
    }
    let at = |i: usize| {
        if b.len() >= i + 2 {
            two(&b[i..i + 2])
        } else {
            0
        }
    };
    Ok(Civil {
        yy: at(0),
        month: at(2),
        day: at(4),
        hour: at(6),
        minute: at(8),
        second: at(10),
        tenths: b.get(12).map_or(0, |d| d - b'0'),
    })
}

fn two(b: &[u8]) -> u8 {
    (b[0] - b'0') * 10 + (b[1] - b'0')
}

/// Unix milliseconds of a wall-clock time read as UTC, with every field
/// checked against the calendar.
pub(crate) fn civil_to_unix_ms(c: &Civil) -> Result<i64, SmppTimeError> {
    let range = |field, value: u8| SmppTimeError::OutOfRange {
        field,
        value: i32::from(value),
    };
    let month = Month::try_from(c.month).map_err(|_| range(TimeField::Month, c.month))?;
    let date = Date::from_calendar_date(2000 + i32::from(c.yy), month, c.day)
        .map_err(|_| range(TimeField::Day, c.day))?;
    if c.hour > 23 {
        return Err(range(TimeField::Hour, c.hour));
    }
    if c.minute > 59 {
        return Err(range(TimeField::Minute, c.minute));
    }
    if c.second > 59 {
        return Err(range(TimeField::Second, c.second));
    }
    let time = Time::from_hms_milli(c.hour, c.minute, c.second, u16::from(c.tenths) * 100)
        .map_err(|_| range(TimeField::Second, c.second))?;
    let utc = PrimitiveDateTime::new(date, time).assume_utc();
    Ok(to_unix_ms(utc))
}

/// The UTC wall clock at `unix_ms`, if its year is 2000–2099.
pub(crate) fn civil_from_unix_ms(unix_ms: i64) -> Result<Civil, SmppTimeError> {
    let t = from_unix_ms(unix_ms).ok_or(SmppTimeError::Unrepresentable(unix_ms))?;
    let yy = u8::try_from(t.year() - 2000)
        .ok()
        .filter(|yy| *yy < 100)
        .ok_or(SmppTimeError::Unrepresentable(unix_ms))?;
    Ok(Civil {
        yy,
        month: u8::from(t.month()),
        day: t.day(),
        hour: t.hour(),
        minute: t.minute(),
        second: t.second(),
        // millisecond() < 1000, so this fits in one digit.
        tenths: (t.millisecond() / 100) as u8,
    })
}

fn absolute(c: &Civil, offset_quarters: i64) -> Result<i64, SmppTimeError> {
    if offset_quarters.unsigned_abs() > u64::from(MAX_OFFSET_QUARTERS) {
        return Err(SmppTimeError::OutOfRange {
            field: TimeField::UtcOffset,
            value: offset_quarters.unsigned_abs() as i32,
        });
    }
    // A '+' offset means local time is ahead of UTC, so UTC is earlier.
    Ok(civil_to_unix_ms(c)? - offset_quarters * MS_PER_QUARTER_HOUR)
}

fn relative(c: &Civil, now_unix_ms: i64) -> Result<i64, SmppTimeError> {
    let now = from_unix_ms(now_unix_ms).ok_or(SmppTimeError::Overflow)?;
    let months = i32::from(u8::from(now.month())) - 1 + i32::from(c.month) + 12 * i32::from(c.yy);
    let year = now.year() + months.div_euclid(12);
    let month = Month::try_from((months.rem_euclid(12) + 1) as u8)
        .expect("rem_euclid(12) + 1 is a month number");
    let day = now.day().min(time::util::days_in_month(month, year));
    let date = Date::from_calendar_date(year, month, day).map_err(|_| SmppTimeError::Overflow)?;
    let step = Duration::days(i64::from(c.day))
        + Duration::hours(i64::from(c.hour))
        + Duration::minutes(i64::from(c.minute))
        + Duration::seconds(i64::from(c.second));
    let then = now
        .replace_date(date)
        .checked_add(step)
        .ok_or(SmppTimeError::Overflow)?;
    Ok(to_unix_ms(then))
}

fn from_unix_ms(unix_ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000).ok()
}

fn to_unix_ms(t: OffsetDateTime) -> i64 {
    // OffsetDateTime spans ±9999 years, far inside i64 milliseconds.
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests;
