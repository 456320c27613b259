use proptest::option;
use proptest::prelude::*;
use rusmpp::values::MessageState;

use super::*;

/// 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
const Y2000: i64 = 946_684_800_000;
const Y2100: i64 = 4_102_444_800_000;

fn date(s: &str) -> Option<ReceiptDate> {
    Some(ReceiptDate::parse(s).expect("test dates are valid"))
}

fn ymdhm(year: u8, month: u8, day: u8, hour: u8, minute: u8, second: Option<u8>) -> ReceiptDate {
    ReceiptDate {
        year,
        month,
        day,
        hour,
        minute,
        second,
    }
}

fn delivered() -> Receipt {
    Receipt {
        id: "0000012345".into(),
        sub: Some(1),
        dlvrd: Some(1),
        submit_date: Some(ymdhm(23, 1, 1, 12, 0, None)),
        done_date: Some(ymdhm(23, 1, 1, 12, 5, None)),
        stat: stat::DELIVRD.into(),
        err: Some("0".into()),
        text: Some("Code:123456 Amount:10.00 EUR".into()),
    }
}

#[test]
fn format_canonical() {
    assert_eq!(
        delivered().format(),
        "id:0000012345 sub:001 dlvrd:001 submit date:2301011200 done date:2301011205 \
         stat:DELIVRD err:000 text:Code:123456 Amount:1"
    );
}

#[test]
fn format_leaves_out_absent_fields_and_keeps_odd_values() {
    let r = Receipt {
        id: "16fd2706-8baf-433b-82eb-8c7fada847da".into(),
        sub: None,
        dlvrd: Some(1000),
        submit_date: None,
        done_date: Some(ymdhm(14, 10, 23, 21, 52, Some(59))),
        stat: "FAILED".into(),
        err: Some("E12".into()),
        text: None,
    };
    assert_eq!(
        r.format(),
        "id:16fd2706-8baf-433b-82eb-8c7fada847da dlvrd:1000 done date:141023215259 \
         stat:FAILED err:E12"
    );
    let four_digits = Receipt {
        err: Some("0000".into()),
        ..delivered()
    };
    assert!(four_digits.format().contains(" err:0000 "));
}

#[test]
fn format_truncates_text_by_characters() {
    let r = Receipt {
        text: Some("€".repeat(25)),
        ..delivered()
    };
    assert!(r.format().ends_with(&format!(" text:{}", "€".repeat(20))));
}

#[test]
fn display_and_from_str_agree_with_format_and_parse() {
    let r = delivered();
    assert_eq!(r.to_string(), r.format());
    assert_eq!(r.format().parse::<Receipt>(), Receipt::parse(&r.format()));
}

/// Receipts quoted in public bug reports and provider docs.
#[test]
fn parses_real_smsc_receipts() {
    // Vonage (Nexmo) help centre, "How to read a Nexmo SMPP delivery receipt".
    let r = Receipt::parse(
        "id:0000000012345678 sub:001 dlvrd:001 submit date:1601010100 \
         done date:1601010101 stat:DELIVRD err:000 text:none",
    )
    .unwrap();
    assert_eq!(
        r,
        Receipt {
            id: "0000000012345678".into(),
            sub: Some(1),
            dlvrd: Some(1),
            submit_date: Some(ymdhm(16, 1, 1, 1, 0, None)),
            done_date: Some(ymdhm(16, 1, 1, 1, 1, None)),
            stat: "DELIVRD".into(),
            err: Some("000".into()),
            text: Some("none".into()),
        }
    );

    // jsmpp issue 62: an SMSC that leaves out sub and dlvrd.
    let r = Receipt::parse(
        "id:1526758174 submit date:1701240904 done date:1701240904 stat:DELIVRD err:000 \
         text:hellow",
    )
    .unwrap();
    assert_eq!((r.sub, r.dlvrd), (None, None));
    assert_eq!(r.submit_date, Some(ymdhm(17, 1, 24, 9, 4, None)));
    assert_eq!(r.text.as_deref(), Some("hellow"));

    // jsmpp (uudashr) issue 67: no sub, dlvrd or text.
    let r = Receipt::parse(
        "id:0654354026 submit date:2302101454 done date:2302101454 stat:DELIVRD err:000",
    )
    .unwrap();
    assert_eq!(r.id, "0654354026");
    assert_eq!(r.text, None);
    assert_eq!(r.err.as_deref(), Some("000"));

    // Jasmin issue 70 (Clickatell): hex id, dates with seconds, empty text.
    let r = Receipt::parse(
        "id:a29f6845555647139e5c8f3b817f2c9a sub:001 dlvrd:001 submit date:141023215253 \
         done date:141023215259 stat:DELIVRD err:000 text:",
    )
    .unwrap();
    assert_eq!(r.id, "a29f6845555647139e5c8f3b817f2c9a");
    assert_eq!(r.submit_date, Some(ymdhm(14, 10, 23, 21, 52, Some(53))));
    assert_eq!(r.done_date, Some(ymdhm(14, 10, 23, 21, 52, Some(59))));
    assert_eq!(r.text.as_deref(), Some(""));

    // php-smpp issue 70: four-digit err, GSM escape byte in the text.
    let r = Receipt::parse(
        "id:117062714244798261 sub:001 dlvrd:001 submit date:1706271624 \
         done date:1706271624 stat:DELIVRD err:0000 text:H\u{1b}ello world",
    )
    .unwrap();
    assert_eq!(r.err.as_deref(), Some("0000"));
    assert_eq!(r.text.as_deref(), Some("H\u{1b}ello world"));

    // smppex issue 46: dates as SMPP absolute times (+3 h), alphanumeric id.
    let r = Receipt::parse(
        "id:rdwjwxns18krxr9936ey96ymcw sub:000 dlvrd:000 submit date:180711070003912+ \
         done date:180711070000012+ stat:UNDELIV err:000",
    )
    .unwrap();
    assert_eq!(r.submit_date, Some(ymdhm(18, 7, 11, 4, 0, Some(3))));
    assert_eq!(r.done_date, Some(ymdhm(18, 7, 11, 4, 0, Some(0))));
    assert_eq!(r.message_state(), Some(MessageState::Undeliverable));

    // A receipt for ESME_RINVDSTNPI (0x4B = 75) from an operator's SMSC.
    let r = Receipt::parse(
        "id:0911897980 sub:001 dlvrd:000 submit date:1201121551 done date:1201121551 \
         stat:UNDELIV err:075 text:-PROFILE",
    )
    .unwrap();
    assert_eq!(r.dlvrd, Some(0));
    assert_eq!(r.err.as_deref(), Some("075"));
    assert_eq!(r.text.as_deref(), Some("-PROFILE"));

    // smppcenter.com knowledge base: 20-digit id, seconds, text with a space.
    let r = Receipt::parse(
        "id:64567564356765435676 sub:001 dlvrd:001 submit date:190608165232 \
         done date:190608165237 stat:DELIVRD err:000 text:Hello World",
    )
    .unwrap();
    assert_eq!(r.id, "64567564356765435676");
    assert_eq!(r.text.as_deref(), Some("Hello World"));

    // vumi pull request 897: a status word that is not seven letters.
    let r = Receipt::parse(
        "id:abc123 sub:001 dlvrd:000 submit date:1501261200 done date:1501261201 \
         stat:FAILED err:001",
    )
    .unwrap();
    assert_eq!(r.stat, "FAILED");
    assert_eq!(r.message_state(), None);
}

#[test]
fn parses_key_spellings() {
    // Upper-case keys and underscores (field names as python-smpplib PR 90 reports them).
    let r = Receipt::parse(
        "ID:6C7C7DE28BB3E961947700000000FE37 SUB:001 DLVRD:000 SUBMIT_DATE:1907311208 \
         DONE_DATE:1907311208 STAT:UNDELIV ERR:001 TEXT:Ceci est un tet.",
    )
    .unwrap();
    assert_eq!(r.id, "6C7C7DE28BB3E961947700000000FE37");
    assert_eq!(r.submit_date, date("1907311208"));
    assert_eq!(r.done_date, date("1907311208"));
    assert_eq!(r.err.as_deref(), Some("001"));
    assert_eq!(r.text.as_deref(), Some("Ceci est un tet."));

    // "Text:" as provider docs print it; mixed-case two-word date keys.
    let r = Receipt::parse(
        "Id:7220071537 Sub:001 Dlvrd:001 Submit Date:2301011200 Done date:2301011201 \
         Stat:DELIVRD Err:000 Text:Your code: 123 456",
    )
    .unwrap();
    assert_eq!(r.id, "7220071537");
    assert_eq!(r.submit_date, date("2301011200"));
    assert_eq!(r.done_date, date("2301011201"));
    assert_eq!(r.text.as_deref(), Some("Your code: 123 456"));
}

/// Found by the `receipt` fuzz target: a NUL inside the head stayed in the
/// value, `format` wrote it last, and the terminator trim then dropped it.
#[test]
fn nul_separates_fields_like_whitespace() {
    let r = Receipt::parse("id:7\0stat:DELIVRD\0\0 err:000\0text:hi\0").unwrap();
    assert_eq!((r.id.as_str(), r.stat.as_str()), ("7", "DELIVRD"));
    assert_eq!(
        (r.err.as_deref(), r.text.as_deref()),
        (Some("000"), Some("hi"))
    );

    let r = Receipt::parse("id: 7 stat: UNDELIV\0\0\0++ \0\x1f 0").unwrap();
    assert_eq!(r.stat, "UNDELIV");
    assert_eq!(Receipt::parse(&r.format()), Ok(r));
}

#[test]
fn parses_loose_layouts() {
    // UUID id and unknown fields before the text.
    let r = Receipt::parse(
        "id:16fd2706-8baf-433b-82eb-8c7fada847da sub:001 dlvrd:001 submit date:2301011200 \
         done date:2301011201 stat:DELIVRD err:000 mcc:234 mnc:10 imsi:23410123 text:x",
    )
    .unwrap();
    assert_eq!(r.id, "16fd2706-8baf-433b-82eb-8c7fada847da");
    assert_eq!(r.text.as_deref(), Some("x"));

    // A value after a space, one-digit err, extra spaces, trailing NULs.
    let r = Receipt::parse("id: 42  stat:DELIVRD   err: 0\0\0").unwrap();
    assert_eq!(r.id, "42");
    assert_eq!(r.err.as_deref(), Some("0"));
    assert_eq!((r.sub, r.submit_date, r.text), (None, None, None));

    // Key-like words inside the text belong to the text.
    let r = Receipt::parse("id:1 stat:DELIVRD err:000 text:stat:EXPIRED id:2 text:3").unwrap();
    assert_eq!((r.id.as_str(), r.stat.as_str()), ("1", "DELIVRD"));
    assert_eq!(r.text.as_deref(), Some("stat:EXPIRED id:2 text:3"));

    // Field order does not matter; a repeated key keeps its first value.
    let r = Receipt::parse("stat:EXPIRED err:027 id:99 id:100 dlvrd:000 sub:001").unwrap();
    assert_eq!((r.id.as_str(), r.sub, r.dlvrd), ("99", Some(1), Some(0)));

    // "context:" is not "text:".
    let r = Receipt::parse("id:5 context:abc stat:DELIVRD").unwrap();
    assert_eq!(r.text, None);
}

#[test]
fn rejects_what_is_not_a_receipt() {
    assert_eq!(
        Receipt::parse("PAY 1234 to merchant"),
        Err(ReceiptError::Missing("id"))
    );
    assert_eq!(Receipt::parse(""), Err(ReceiptError::Missing("id")));
    assert_eq!(
        Receipt::parse("id: stat:DELIVRD"),
        Err(ReceiptError::Missing("id"))
    );
    assert_eq!(
        Receipt::parse("id:1 submit date:2301011200 text:stat:DELIVRD"),
        Err(ReceiptError::Missing("stat"))
    );
    assert_eq!(
        Receipt::parse("id:1 sub:00x stat:DELIVRD"),
        Err(ReceiptError::InvalidCount {
            field: "sub",
            value: "00x".into()
        })
    );
    assert_eq!(
        Receipt::parse("id:1 dlvrd:+1 stat:DELIVRD"),
        Err(ReceiptError::InvalidCount {
            field: "dlvrd",
            value: "+1".into()
        })
    );
}

#[test]
fn rejects_bad_dates() {
    let bad = |value: &str, reason| {
        Err(ReceiptError::InvalidDate {
            field: "submit date",
            value: value.into(),
            reason,
        })
    };
    let month = SmppTimeError::OutOfRange {
        field: crate::smpp::time::TimeField::Month,
        value: 13,
    };
    assert_eq!(
        Receipt::parse("id:1 submit date:2313011200 stat:DELIVRD"),
        bad("2313011200", month)
    );
    assert_eq!(
        Receipt::parse("id:1 submit_date:23010112 stat:DELIVRD"),
        bad(
            "23010112",
            SmppTimeError::Length {
                got: 8,
                expected: "10, 12 or 16"
            }
        )
    );
    assert_eq!(
        Receipt::parse("id:1 submit date:000000010000000R stat:DELIVRD"),
        bad("000000010000000R", SmppTimeError::Indicator('R'))
    );
    assert_eq!(
        Receipt::parse("id:1 submit date:23010112OO stat:DELIVRD"),
        bad("23010112OO", SmppTimeError::NotDigit(8))
    );
}

#[test]
fn stat_words_map_to_message_states() {
    let states = [
        MessageState::Enroute,
        MessageState::Delivered,
        MessageState::Expired,
        MessageState::Deleted,
        MessageState::Undeliverable,
        MessageState::Accepted,
        MessageState::Unknown,
        MessageState::Rejected,
    ];
    for state in states {
        let word = stat_word(state).expect("receipt states have words");
        assert_eq!(word.len(), 7, "{word}");
        for spelling in [word.to_owned(), word.to_ascii_lowercase()] {
            let r = Receipt {
                stat: spelling,
                ..delivered()
            };
            assert_eq!(r.message_state(), Some(state));
        }
    }
    assert_eq!(stat_word(MessageState::Scheduled), None);
    assert_eq!(stat_word(MessageState::Skipped), None);
    let long = Receipt {
        stat: "Delivered".into(),
        ..delivered()
    };
    assert_eq!(long.message_state(), Some(MessageState::Delivered));
}

#[test]
fn receipt_dates_from_clock() {
    // 2023-01-01T12:05:42.999Z.
    let ms = 1_672_574_742_999;
    assert_eq!(
        ReceiptDate::from_unix_ms(ms),
        Ok(ymdhm(23, 1, 1, 12, 5, None))
    );
    assert_eq!(
        ReceiptDate::from_unix_ms_with_seconds(ms),
        Ok(ymdhm(23, 1, 1, 12, 5, Some(42)))
    );
    assert_eq!(
        ReceiptDate::from_unix_ms(ms).map(|d| d.to_string()),
        crate::smpp::time::format_receipt_date(ms)
    );
    assert_eq!(
        ReceiptDate::from_unix_ms(Y2100),
        Err(SmppTimeError::Unrepresentable(Y2100))
    );
    assert!(ymdhm(23, 2, 29, 0, 0, None).to_unix_ms().is_err());
}

fn receipt_date() -> impl Strategy<Value = ReceiptDate> {
    (Y2000..Y2100, any::<bool>()).prop_map(|(ms, seconds)| {
        if seconds {
            ReceiptDate::from_unix_ms_with_seconds(ms)
        } else {
            ReceiptDate::from_unix_ms(ms)
        }
        .expect("2000-2099 has two-digit years")
    })
}

fn receipt() -> impl Strategy<Value = Receipt> {
    (
        "[0-9A-Za-z-]{1,36}",
        option::of(0u32..1000),
        option::of(0u32..1000),
        option::of(receipt_date()),
        option::of(receipt_date()),
        "[A-Z]{1,12}",
        option::of("[0-9]{3,4}"),
        option::of("\\PC{0,20}"),
    )
        .prop_map(
            |(id, sub, dlvrd, submit_date, done_date, stat, err, text)| Receipt {
                id,
                sub,
                dlvrd,
                submit_date,
                done_date,
                stat,
                err,
                text,
            },
        )
}

/// `key` as some SMSC might spell it: case per character, `_` for a space.
fn spell(key: &str, upper: &[bool], underscore: bool) -> String {
    key.chars()
        .zip(upper.iter().cycle())
        .map(|(c, up)| match c {
            ' ' if underscore => '_',
            c if *up => c.to_ascii_uppercase(),
            c => c,
        })
        .collect()
}

/// `r` written as a loose SMSC might: respelled keys, `extra` before stat,
/// unpadded counts, doubled spaces.
fn render_variant(r: &Receipt, upper: &[bool], underscore: bool, extra: &str) -> String {
    let key = |k: &str| spell(k, upper, underscore);
    let mut out = format!("{}{}", key("id:"), r.id);
    if let Some(n) = r.sub {
        out += &format!("  {}{n}", key("sub:"));
    }
    if let Some(n) = r.dlvrd {
        out += &format!(" {}{n:03}", key("dlvrd:"));
    }
    if let Some(d) = r.submit_date {
        out += &format!(" {}{d}", key("submit date:"));
    }
    if let Some(d) = r.done_date {
        out += &format!(" {}{d}", key("done date:"));
    }
    out += &format!(" {extra} {}{}", key("stat:"), r.stat);
    if let Some(err) = &r.err {
        out += &format!(" {}{err}", key("err:"));
    }
    if let Some(text) = &r.text {
        out += &format!(" {}{text}", key("text:"));
    }
    out
}

fn is_known_key(field: &str) -> bool {
    let key = field.split(':').next().unwrap_or_default();
    [
        "id",
        "sub",
        "dlvrd",
        "submitdate",
        "donedate",
        "stat",
        "err",
        "text",
    ]
    .contains(&key)
}

proptest! {
    #[test]
    fn format_parse_round_trip(r in receipt()) {
        prop_assert_eq!(Receipt::parse(&r.format()), Ok(r));
    }

    #[test]
    fn parse_tolerates_spellings_and_extra_fields(
        r in receipt(),
        upper in prop::collection::vec(any::<bool>(), 1..12),
        underscore in any::<bool>(),
        extra in "[a-z]{2,10}:[0-9A-Z]{0,6}".prop_filter("not a receipt key", |f| !is_known_key(f)),
    ) {
        prop_assert_eq!(Receipt::parse(&render_variant(&r, &upper, underscore, &extra)), Ok(r));
    }

    #[test]
    fn parse_answers_any_input(s in "\\PC{0,80}|(id|stat|sub|err|text|submit date):\\PC{0,12}( \\PC{0,12}){0,6}") {
        if let Ok(r) = Receipt::parse(&s) {
            prop_assert!(!r.id.is_empty() && !r.stat.is_empty());
        }
    }

    #[test]
    fn receipt_date_round_trips(d in receipt_date()) {
        prop_assert_eq!(ReceiptDate::parse(&d.to_string()), Ok(d));
        let ms = d.to_unix_ms().unwrap();
        let back = match d.second {
            Some(_) => ReceiptDate::from_unix_ms_with_seconds(ms),
            None => ReceiptDate::from_unix_ms(ms),
        };
        prop_assert_eq!(back, Ok(d));
    }
}
