//! TP-SCTS, TP-DT and absolute TP-VP: a local time and its zone (TS 23.040
//! §9.2.3.11).
//!
//! Seven octets of swapped semi-octets: year, month, day, hour, minute,
//! second, time zone. The zone counts quarter hours from GMT in two BCD
//! digits whose first (the low nibble of the octet) carries the sign in
//! its bit 3, so +2h is 0x80 and −7h (−28) is 0x8A. Two-digit years
//! 90–99 read as 1990–1999 and 00–89 as 2000–2089. [`Timestamp`] keeps the
//! fields as written (local time); [`Timestamp::to_offset_datetime`] and
//! [`Timestamp::from_offset_datetime`] convert to and from `time`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::TpduError;
use super::reader::Reader;

/// Largest |quarter hours| the two BCD digits can carry (sign bit aside).
const MAX_TZ_QUARTERS: u8 = 79;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset of the local time from GMT, in quarters of an hour.
    pub tz_quarter_hours: i8,
}

impl Timestamp {
    /// The same instant, in `dt`'s local time. Offsets that are not whole
    /// quarter hours are truncated toward zero and the local time moved to
    /// match, so the instant survives (to the second).
    pub fn from_offset_datetime(dt: OffsetDateTime) -> Result<Self, TpduError> {
        let quarters = dt.offset().whole_seconds() / 900;
        let quarters = i8::try_from(quarters)
            .ok()
            .filter(|q| q.unsigned_abs() <= MAX_TZ_QUARTERS)
            .ok_or(bad("time zone", "more than 79 quarter hours from GMT"))?;
        let offset = UtcOffset::from_whole_seconds(i32::from(quarters) * 900)
            .expect("79 quarter hours is within UtcOffset's range");
        let local = dt.to_offset(offset);
        let year = u16::try_from(local.year())
            .ok()
            .filter(|y| (1990..=2089).contains(y))
            .ok_or(bad("year", "outside 1990..=2089"))?;
        Ok(Timestamp {
            year,
            month: u8::from(local.month()),
            day: local.day(),
            hour: local.hour(),
            minute: local.minute(),
            second: local.second(),
            tz_quarter_hours: quarters,
        })
    }

    /// The instant this timestamp names, with its zone as the offset.
    pub fn to_offset_datetime(&self) -> Result<OffsetDateTime, TpduError> {
        let month = Month::try_from(self.month).map_err(|_| bad("month", "not 1..=12"))?;
        let date = Date::from_calendar_date(i32::from(self.year), month, self.day)
            .map_err(|_| bad("day", "not a day of that month"))?;
        let time = Time::from_hms(self.hour, self.minute, self.second)
            .map_err(|_| bad("time of day", "hour, minute or second out of range"))?;
        let offset = UtcOffset::from_whole_seconds(i32::from(self.tz_quarter_hours) * 900)
            .map_err(|_| bad("time zone", "offset out of range"))?;
        Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
    }

    /// The seven octets.
    pub fn encode(&self) -> Result<[u8; 7], TpduError> {
        self.to_offset_datetime()?;
        if !(1990..=2089).contains(&self.year) {
            return Err(bad("year", "outside 1990..=2089"));
        }
        let tz = self.tz_quarter_hours.unsigned_abs();
        if tz > MAX_TZ_QUARTERS {
            return Err(bad("time zone", "more than 79 quarter hours from GMT"));
        }
        let sign = if self.tz_quarter_hours < 0 { 0x08 } else { 0 };
        let year = (self.year % 100) as u8;
        let fields = [
            year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
        ];
        let mut out = [0u8; 7];
        for (o, v) in out.iter_mut().zip(fields) {
            *o = swapped_bcd(v);
        }
        out[6] = swapped_bcd(tz) | sign;
        Ok(out)
    }

    pub(crate) fn decode(r: &mut Reader<'_>, field: &'static str) -> Result<Self, TpduError> {
        let start = r.offset();
        let octets = r.take(7, field)?;
        let digit = |i: usize, nibble: u8| {
            if nibble > 9 {
                Err(TpduError::BadSemiOctet {
                    field,
                    offset: start + i,
                    nibble,
                })
            } else {
                Ok(nibble)
            }
        };
        let mut values = [0u8; 6];
        for (i, v) in values.iter_mut().enumerate() {
            let o = octets[i];
            *v = digit(i, o & 0x0F)? * 10 + digit(i, o >> 4)?;
        }
        let tz_octet = octets[6];
        let quarters = digit(6, tz_octet & 0x07)? * 10 + digit(6, tz_octet >> 4)?;
        let quarters = quarters as i8;
        let [yy, month, day, hour, minute, second] = values;
        let year = u16::from(yy) + if yy >= 90 { 1900 } else { 2000 };
        let ts = Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
            tz_quarter_hours: if tz_octet & 0x08 != 0 {
                -quarters
            } else {
                quarters
            },
        };
        ts.to_offset_datetime()?;
        Ok(ts)
    }
}

fn swapped_bcd(v: u8) -> u8 {
    ((v % 10) << 4) | (v / 10)
}

fn bad(field: &'static str, reason: &'static str) -> TpduError {
    TpduError::InvalidTimestamp { field, reason }
}
