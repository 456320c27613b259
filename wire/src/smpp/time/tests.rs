use proptest::prelude::*;

use super::*;

/// 2023-01-01T12:00:00Z.
const NOON_2023: i64 = 1_672_574_400_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
const Y2000: i64 = 946_684_800_000;
const Y2100: i64 = 4_102_444_800_000;

fn parse(s: &str) -> Result<Option<i64>, SmppTimeError> {
    parse_smpp_time(s, NOON_2023)
}

fn out_of_range(field: TimeField, value: i32) -> Result<Option<i64>, SmppTimeError> {
    Err(SmppTimeError::OutOfRange { field, value })
}

#[test]
fn empty_means_not_given() {
    assert_eq!(parse(""), Ok(None));
}

#[test]
fn absolute_golden_values() {
    assert_eq!(parse("230101120000000+"), Ok(Some(NOON_2023)));
    assert_eq!(parse("230101120000000-"), Ok(Some(NOON_2023)));
    // Local time one hour ahead of UTC: UTC is an hour earlier.
    assert_eq!(parse("230101120000004+"), Ok(Some(NOON_2023 - HOUR)));
    assert_eq!(parse("230101120000004-"), Ok(Some(NOON_2023 + HOUR)));
    assert_eq!(parse("230101120000048+"), Ok(Some(NOON_2023 - 12 * HOUR)));
    assert_eq!(parse("230101120000001+"), Ok(Some(NOON_2023 - HOUR / 4)));
    assert_eq!(parse("230101120005500+"), Ok(Some(NOON_2023 + 5_500)));
    assert_eq!(parse("000101000000000+"), Ok(Some(Y2000)));
    assert_eq!(parse("991231235959900+"), Ok(Some(Y2100 - 100)));
    // 2024 is a leap year.
    assert_eq!(parse("240229100000000+"), Ok(Some(1_709_200_800_000)));
}

#[test]
fn relative_golden_values() {
    assert_eq!(parse("000000010000000R"), Ok(Some(NOON_2023 + HOUR)));
    assert_eq!(parse("000000000000000R"), Ok(Some(NOON_2023)));
    assert_eq!(parse("000000000130000R"), Ok(Some(NOON_2023 + 90_000)));
    assert_eq!(parse("000002000000000R"), Ok(Some(NOON_2023 + 2 * DAY)));
    // Fields are an interval: 48 hours and 99 minutes are fine.
    assert_eq!(parse("000000480000000R"), Ok(Some(NOON_2023 + 2 * DAY)));
    assert_eq!(parse("000000009900000R"), Ok(Some(NOON_2023 + 99 * 60_000)));
    // Tenths and offset digits are ignored in relative times.
    assert_eq!(parse("000000010000999R"), Ok(Some(NOON_2023 + HOUR)));
    // Calendar months and years: 2023 has 365 days, January 31.
    assert_eq!(parse("010000000000000R"), Ok(Some(NOON_2023 + 365 * DAY)));
    assert_eq!(parse("000100000000000R"), Ok(Some(NOON_2023 + 31 * DAY)));
    assert_eq!(parse("001200000000000R"), Ok(Some(NOON_2023 + 365 * DAY)));
}

#[test]
fn relative_months_clamp_to_month_end() {
    // 2023-01-31T08:30Z + 1 month = 2023-02-28T08:30Z.
    let jan31 = 1_675_153_800_000;
    assert_eq!(
        parse_smpp_time("000100000000000R", jan31),
        Ok(Some(jan31 + 28 * DAY))
    );
    // 2024-02-29 + 1 year = 2025-02-28.
    let leap_day = 1_709_200_800_000;
    assert_eq!(
        parse_smpp_time("010000000000000R", leap_day),
        Ok(Some(leap_day + 365 * DAY))
    );
}

#[test]
fn relative_keeps_sub_second_part_of_now() {
    assert_eq!(
        parse_smpp_time("000000000100000R", NOON_2023 + 123),
        Ok(Some(NOON_2023 + 60_123))
    );
}

#[test]
fn shape_errors() {
    let length = |got| {
        Err(SmppTimeError::Length {
            got,
            expected: "16",
        })
    };
    assert_eq!(parse("2301011200000+"), length(14));
    assert_eq!(parse("2301011200000000+"), length(17));
    assert_eq!(parse("23010112000000é+"), length(17));
    assert_eq!(parse("2301011200000é+"), Err(SmppTimeError::NotDigit(13)));
    assert_eq!(parse("2301011200a0000+"), Err(SmppTimeError::NotDigit(10)));
    assert_eq!(parse(" 30101120000000+"), Err(SmppTimeError::NotDigit(0)));
    assert_eq!(
        parse("230101120000000X"),
        Err(SmppTimeError::Indicator('X'))
    );
    assert_eq!(
        parse("000000010000000r"),
        Err(SmppTimeError::Indicator('r'))
    );
    assert_eq!(
        parse("2301011200000000"),
        Err(SmppTimeError::Indicator('0'))
    );
}

#[test]
fn range_errors() {
    assert_eq!(parse("230001120000000+"), out_of_range(TimeField::Month, 0));
    assert_eq!(
        parse("231301120000000+"),
        out_of_range(TimeField::Month, 13)
    );
    assert_eq!(parse("230100120000000+"), out_of_range(TimeField::Day, 0));
    assert_eq!(parse("230132120000000+"), out_of_range(TimeField::Day, 32));
    assert_eq!(parse("230229120000000+"), out_of_range(TimeField::Day, 29));
    assert_eq!(parse("230431120000000+"), out_of_range(TimeField::Day, 31));
    assert_eq!(parse("230101240000000+"), out_of_range(TimeField::Hour, 24));
    assert_eq!(
        parse("230101126000000+"),
        out_of_range(TimeField::Minute, 60)
    );
    assert_eq!(
        parse("230101120060000+"),
        out_of_range(TimeField::Second, 60)
    );
    assert_eq!(
        parse("230101120000049+"),
        out_of_range(TimeField::UtcOffset, 49)
    );
    assert_eq!(
        parse("230101120000099-"),
        out_of_range(TimeField::UtcOffset, 99)
    );
}

#[test]
fn relative_overflow_is_an_error() {
    assert_eq!(
        parse_smpp_time("990000000000000R", i64::MAX),
        Err(SmppTimeError::Overflow)
    );
}

#[test]
fn format_golden_values() {
    assert_eq!(
        format_smpp_absolute(NOON_2023).as_deref(),
        Ok("230101120000000+")
    );
    assert_eq!(
        format_smpp_absolute(NOON_2023 + 5_599).as_deref(),
        Ok("230101120005500+")
    );
    assert_eq!(
        format_smpp_absolute_with_offset(NOON_2023, 4).as_deref(),
        Ok("230101130000004+")
    );
    assert_eq!(
        format_smpp_absolute_with_offset(NOON_2023, -22).as_deref(),
        Ok("230101063000022-")
    );
    assert_eq!(
        format_receipt_date(NOON_2023 + 59_999).as_deref(),
        Ok("2301011200")
    );
    assert_eq!(format_receipt_date(Y2000).as_deref(), Ok("0001010000"));
}

#[test]
fn format_rejects_what_it_cannot_write() {
    assert_eq!(
        format_smpp_absolute(Y2000 - 1),
        Err(SmppTimeError::Unrepresentable(Y2000 - 1))
    );
    assert_eq!(
        format_smpp_absolute(Y2100),
        Err(SmppTimeError::Unrepresentable(Y2100))
    );
    // Valid in UTC, but local time an hour ahead is already 2100.
    assert_eq!(
        format_smpp_absolute_with_offset(Y2100 - 1, 4),
        Err(SmppTimeError::Unrepresentable(Y2100 - 1))
    );
    assert_eq!(
        format_smpp_absolute_with_offset(NOON_2023, 49),
        Err(SmppTimeError::OutOfRange {
            field: TimeField::UtcOffset,
            value: 49
        })
    );
    assert_eq!(
        format_receipt_date(i64::MIN),
        Err(SmppTimeError::Unrepresentable(i64::MIN))
    );
}

proptest! {
    #[test]
    fn absolute_round_trip(
        ms in (Y2000 + DAY)..(Y2100 - DAY),
        quarters in -48i8..=48,
    ) {
        let s = format_smpp_absolute_with_offset(ms, quarters).unwrap();
        prop_assert_eq!(s.len(), SMPP_TIME_LEN);
        prop_assert_eq!(parse_smpp_time(&s, 0), Ok(Some(ms - ms % 100)));
    }

    #[test]
    fn receipt_date_reads_back(ms in Y2000..Y2100) {
        let s = format_receipt_date(ms).unwrap();
        let c = read_digits(s.as_bytes()).unwrap();
        prop_assert_eq!(civil_to_unix_ms(&c), Ok(ms - ms % 60_000));
    }

    #[test]
    fn relative_without_calendar_fields_is_exact(
        now in Y2000..Y2100,
        (d, h, m, s) in (0i64..100, 0i64..100, 0i64..100, 0i64..100),
    ) {
        let text = format!("0000{d:02}{h:02}{m:02}{s:02}000R");
        let step = d * DAY + h * HOUR + m * 60_000 + s * 1000;
        prop_assert_eq!(parse_smpp_time(&text, now), Ok(Some(now + step)));
    }

    #[test]
    fn any_input_is_answered_without_panic(s in "[0-9]{15}[+R-]|\\PC{0,20}", now in any::<i64>()) {
        match parse_smpp_time(&s, now) {
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => prop_assert!(s.is_empty()),
        }
    }
}

#[test]
fn relative_periods_format_and_parse_back() {
    use std::time::Duration as StdDuration;
    for (secs, text) in [
        (0, "000000000000000R"),
        (300, "000000000500000R"),
        (3_723, "000000010203000R"),
        (99 * 86_400 + 59, "000099000059000R"),
    ] {
        let s = format_smpp_relative(StdDuration::from_secs(secs)).expect("fits");
        assert_eq!(s, text);
        let back = parse_smpp_time(&s, NOON_2023)
            .expect("parses")
            .expect("not empty");
        assert_eq!(back - NOON_2023, i64::try_from(secs).unwrap() * 1000);
    }
    assert!(format_smpp_relative(StdDuration::from_secs(100 * 86_400)).is_err());
}
