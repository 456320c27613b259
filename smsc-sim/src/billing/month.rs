//! Calendar months of Unix-millisecond times (UTC), the unit of the bill.

use std::fmt;
use std::str::FromStr;

use time::OffsetDateTime;

/// A calendar month in UTC, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Month {
    /// The month `unix_ms` falls in.
    pub fn of(unix_ms: i64) -> Month {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Month {
            year: t.year(),
            month: u8::from(t.month()),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("month {s:?} is not YYYY-MM");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_times_and_text_round_trip() {
        // 2026-01-31T23:59:59.999Z and one millisecond later.
        let end_of_january = 1_769_903_999_999;
        assert_eq!(Month::of(end_of_january).to_string(), "2026-01");
        assert_eq!(Month::of(end_of_january + 1).to_string(), "2026-02");
        assert_eq!(
            "2026-02".parse::<Month>(),
            Ok(Month::of(end_of_january + 1))
        );
        assert!("2026-13".parse::<Month>().is_err());
        assert!("26-01".parse::<Month>().is_err());
    }
}
