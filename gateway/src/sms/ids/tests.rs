use super::*;
use proptest::prelude::*;

#[test]
fn canonical_forms() {
    assert_eq!(canonical(" 000123 "), "123");
    assert_eq!(canonical("00AbC"), "abc");
    assert_eq!(canonical("0000"), "0");
    assert_eq!(
        canonical("5F0C1D2E-AAAA-4BBB-8CCC-0123456789AB"),
        "5f0c1d2e-aaaa-4bbb-8ccc-0123456789ab"
    );
    assert_eq!(canonical("msg-0001"), "msg-0001");
    assert_eq!(
        submitted("5F0C1D2EAAAA4BBB8CCC0123456789AB", IdFormat::Uuid),
        "5f0c1d2e-aaaa-4bbb-8ccc-0123456789ab"
    );
}

#[test]
fn decimal_smsc_with_hex_receipt_text() {
    let ids = RecentIds::new(10);
    ids.remember(&submitted("4660", IdFormat::Decimal));
    // 0x1234 = 4660: hex text that is all digits is ambiguous; the remembered id decides.
    assert_eq!(ids.resolve("1234", IdFormat::Decimal), "4660");
    assert_eq!(ids.resolve("0000004660", IdFormat::Decimal), "4660");
    ids.remember("2748");
    assert_eq!(ids.resolve("ABC", IdFormat::Decimal), "2748");
}

#[test]
fn hex_smsc_with_decimal_receipt_text() {
    let ids = RecentIds::new(10);
    let sent = submitted("00A1B2", IdFormat::Hex);
    assert_eq!(sent, "a1b2");
    ids.remember(&sent);
    assert_eq!(ids.resolve("41394", IdFormat::Hex), "a1b2");
    assert_eq!(ids.resolve("A1B2", IdFormat::Hex), "a1b2");
    // Unknown ids: the hint's first choice (the spec: the same form as the response).
    assert_eq!(ids.resolve("1000", IdFormat::Hex), "1000");
}

#[test]
fn uuid_smsc_in_any_case_or_as_a_number() {
    let ids = RecentIds::new(10);
    let sent = submitted("5f0c1d2e-aaaa-4bbb-8ccc-0123456789ab", IdFormat::Uuid);
    ids.remember(&sent);
    assert_eq!(
        ids.resolve("5F0C1D2EAAAA4BBB8CCC0123456789AB", IdFormat::Uuid),
        sent
    );
    let number = u128::from_str_radix("5f0c1d2eaaaa4bbb8ccc0123456789ab", 16).unwrap();
    assert_eq!(ids.resolve(&number.to_string(), IdFormat::Uuid), sent);
}

#[test]
fn auto_tries_every_form_against_what_was_sent() {
    let ids = RecentIds::new(10);
    ids.remember(&submitted("1f", IdFormat::Auto));
    ids.remember(&submitted("77", IdFormat::Auto));
    assert_eq!(ids.resolve("31", IdFormat::Auto), "1f");
    assert_eq!(ids.resolve("4D", IdFormat::Auto), "77");
    assert_eq!(ids.resolve("77", IdFormat::Auto), "77");
    assert_eq!(ids.resolve("x-9", IdFormat::Auto), "x-9");
}

#[test]
fn recent_ids_forget_the_oldest() {
    let ids = RecentIds::new(2);
    for id in ["a", "b", "c"] {
        ids.remember(id);
    }
    assert!(!ids.contains("a"));
    assert!(ids.contains("b") && ids.contains("c"));
}

#[test]
fn huge_and_empty_ids_do_not_panic() {
    let long = "9".repeat(60);
    for f in [
        IdFormat::Decimal,
        IdFormat::Hex,
        IdFormat::Uuid,
        IdFormat::Auto,
    ] {
        assert_eq!(RecentIds::new(1).resolve(&long, f), long);
        assert_eq!(RecentIds::new(1).resolve("", f), "");
    }
}

proptest! {
    #[test]
    fn any_numeric_form_of_a_sent_id_matches(n in any::<u64>(), zeros in 0usize..4, upper: bool) {
        for (format, sent) in [(IdFormat::Decimal, n.to_string()), (IdFormat::Hex, format!("{n:x}"))] {
            let ids = RecentIds::new(4);
            let canon = submitted(&sent, format);
            ids.remember(&canon);
            let hex = format!("{}{n:x}", "0".repeat(zeros));
            let hex = if upper { hex.to_ascii_uppercase() } else { hex };
            let dec = format!("{}{n}", "0".repeat(zeros));
            prop_assert_eq!(&ids.resolve(&dec, format), &canon);
            prop_assert_eq!(&ids.resolve(&hex, format), &canon);
            prop_assert_eq!(&ids.resolve(&hex, IdFormat::Auto), &canon);
        }
    }
}
