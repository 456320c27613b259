//! TP-VP durations, the text splitter, and the TP-ST / TP-FCS tables.

use std::time::Duration;

use super::ts;
use crate::tpdu::*;

/// The §9.2.3.12.1 table at each range boundary.
#[test]
fn relative_validity_table() {
    let min = |m: u64| Duration::from_secs(m * 60);
    for (code, d) in [
        (0, min(5)),
        (143, min(12 * 60)),
        (144, min(12 * 60 + 30)),
        (167, min(24 * 60)),
        (168, min(2 * 24 * 60)),
        (196, min(30 * 24 * 60)),
        (197, min(5 * 7 * 24 * 60)),
        (255, min(63 * 7 * 24 * 60)),
    ] {
        assert_eq!(relative_duration(code), d, "code {code}");
        assert_eq!(ValidityPeriod::relative(d), ValidityPeriod::Relative(code));
    }
    assert_eq!(
        ValidityPeriod::relative(min(6)),
        ValidityPeriod::Relative(1)
    );
    assert_eq!(
        ValidityPeriod::relative(min(1)),
        ValidityPeriod::Relative(0)
    );
    assert_eq!(
        ValidityPeriod::relative(min(1 << 30)),
        ValidityPeriod::Relative(255)
    );
    let enhanced = |o: [u8; 7]| ValidityPeriod::Enhanced(o).duration();
    assert_eq!(
        enhanced([0x01, 0xAA, 0, 0, 0, 0, 0]),
        Some(min(4 * 24 * 60))
    );
    assert_eq!(
        enhanced([0x02, 90, 0, 0, 0, 0, 0]),
        Some(Duration::from_secs(90))
    );
    assert_eq!(
        enhanced([0x03, 0x10, 0x03, 0x54, 0, 0, 0]),
        Some(Duration::from_secs(3600 + 1800 + 45))
    );
    assert_eq!(enhanced([0x00, 0, 0, 0, 0, 0, 0]), None);
    assert_eq!(enhanced([0x81, 0xAA, 0, 0, 0, 0, 0]), None);
    assert_eq!(
        ValidityPeriod::Absolute(ts((2030, 1, 1), (0, 0, 0), 0)).duration(),
        None
    );
}

#[test]
fn text_user_data_parts() {
    let parts = |text: &str| text_user_data(text, 7, None);
    let (dcs, ud) = parts(&"a".repeat(160));
    assert_eq!((dcs, ud.len()), (DataCodingScheme::GSM7, 1));
    assert_eq!(ud[0].header, None);
    let (_, ud) = parts(&"a".repeat(161));
    assert_eq!(
        ud.iter()
            .map(|u| u.as_text().unwrap().len())
            .collect::<Vec<_>>(),
        [153, 8]
    );
    let concat = ud[1].header.as_ref().unwrap().concatenation().unwrap();
    assert_eq!((concat.reference, concat.total, concat.seq), (7, 2, 2));
    let (dcs, ud) = parts(&"验".repeat(70));
    assert_eq!((dcs, ud.len()), (DataCodingScheme::UCS2, 1));
    let (_, ud) = parts(&"验".repeat(71));
    let counts: Vec<usize> = ud
        .iter()
        .map(|u| u.as_text().unwrap().chars().count())
        .collect();
    assert_eq!(counts, [67, 4]);
    // An escape never splits: 152 'a' then '€' (2 septets) moves '€' on.
    let (_, ud) = parts(&format!("{}€{}", "a".repeat(152), "b".repeat(10)));
    assert!(ud[1].as_text().unwrap().starts_with('€'));
    let (dcs, _) = text_user_data("flash", 1, Some(MessageClass::Class0));
    assert_eq!(dcs, DataCodingScheme(0x10));
    let (dcs, _) = text_user_data("闪", 1, Some(MessageClass::Class0));
    assert_eq!(dcs, DataCodingScheme(0x18));
    assert_eq!(parts("").1, [UserData::text("")]);
}

#[test]
fn text_beyond_255_parts_is_cut_or_refused() {
    let long = "x".repeat(153 * 255 + 1);
    assert!(matches!(
        try_text_user_data(&long, 1, None),
        Err(TpduError::Text(crate::text::TextError::TooManySegments(
            256
        )))
    ));
    let (_, ud) = text_user_data(&long, 1, None);
    assert_eq!(ud.len(), 255);
    assert!(ud.iter().all(|u| u.as_text() == Some(&"x".repeat(153)[..])));
}

#[test]
fn status_and_failure_cause_names() {
    assert_eq!(
        TpStatus::VALIDITY_PERIOD_EXPIRED.to_string(),
        "0x46 (validity period expired)"
    );
    assert!(TpStatus(0x63).is_final() && TpStatus(0x63).is_temporary_error());
    assert!(TpStatus(0x41).is_final() && !TpStatus(0x41).is_temporary_error());
    assert!(TpStatus(0x90).is_final() && !TpStatus(0x90).is_success());
    assert_eq!(FailureCause(0xD0).name(), "SIM SMS storage full");
    assert!(FailureCause::SIM_SMS_STORAGE_FULL.is_memory_full());
    assert!(!FailureCause::UNSPECIFIED.is_memory_full());
    assert_eq!(FailureCause(0x10).name(), "reserved");
}
