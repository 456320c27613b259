//! Tests of the TPDU codecs: published golden vectors ([`golden`],
//! [`golden_submit`], [`golden_reports`]), field codecs ([`fields`],
//! [`validity_split`]), malformed input ([`malformed`]) and property tests
//! ([`props`], [`fuzz`]) over the strategies in [`strategies`] and
//! [`strategies_tpdu`].

mod fields;
mod fuzz;
mod golden;
mod golden_reports;
mod golden_submit;
mod malformed;
mod props;
mod strategies;
mod strategies_tpdu;
mod validity_split;

/// Octets from a hex string; spaces are ignored so vectors can be split
/// at field boundaries.
pub(super) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex string {s:?}");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

pub(super) fn ts(
    date: (u16, u8, u8),
    time: (u8, u8, u8),
    tz_quarter_hours: i8,
) -> super::Timestamp {
    super::Timestamp {
        year: date.0,
        month: date.1,
        day: date.2,
        hour: time.0,
        minute: time.1,
        second: time.2,
        tz_quarter_hours,
    }
}
