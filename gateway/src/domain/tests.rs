use proptest::prelude::*;

use super::*;

fn ccy(code: &str) -> Currency {
    Currency::parse(code).expect("known currency")
}

#[test]
fn currencies_know_their_exponents() {
    assert_eq!((ccy("GBP").code(), ccy("GBP").exponent()), ("GBP", 2));
    assert_eq!(ccy("jpy").exponent(), 0, "lower case accepted");
    assert_eq!(ccy("KWD").exponent(), 3);
    assert_eq!(ccy("cny").to_string(), "CNY");
    for bad in ["", "XXX", "GBPX", "GB", "€"] {
        assert!(
            matches!(Currency::parse(bad), Err(DomainError::Currency(_))),
            "{bad}"
        );
    }
    assert!(Currency::all().all(|c| Currency::parse(c.code()) == Ok(c)));
}

#[test]
fn decimals_parse_strictly() {
    let gbp = ccy("GBP");
    let ok = |s: &str| Money::parse_decimal(s, gbp).map(|m| m.minor);
    assert_eq!(ok("128.00"), Ok(12_800));
    assert_eq!(ok("128"), Ok(12_800));
    assert_eq!(ok("128.5"), Ok(12_850));
    assert_eq!(ok("0.01"), Ok(1));
    assert_eq!(ok("007.10"), Ok(710));
    assert_eq!(ok("0"), Ok(0));
    for bad in [
        "",
        "1.234",
        "-1",
        "+1",
        "1e3",
        "1.",
        ".5",
        " 1",
        "1,00",
        "1.2.3",
        "１",
        "92233720368547758.08",
    ] {
        assert!(ok(bad).is_err(), "{bad:?} should be refused");
    }
    let jpy = ccy("JPY");
    assert_eq!(Money::parse_decimal("1280", jpy).map(|m| m.minor), Ok(1280));
    assert!(Money::parse_decimal("1280.0", jpy).is_err());
    assert_eq!(
        Money::parse_decimal("1.5", ccy("KWD")).map(|m| m.minor),
        Ok(1500)
    );
}

#[test]
fn money_formats_with_the_currency_exponent() {
    assert_eq!(Money::new(12_800, ccy("CNY")).to_string(), "CNY 128.00");
    assert_eq!(Money::new(5, ccy("GBP")).to_decimal_string(), "0.05");
    assert_eq!(Money::new(-5, ccy("GBP")).to_decimal_string(), "-0.05");
    assert_eq!(Money::new(1280, ccy("JPY")).to_string(), "JPY 1280");
    assert_eq!(Money::new(1, ccy("BHD")).to_decimal_string(), "0.001");
    assert_eq!(
        "GBP 12.50".parse::<Money>(),
        Ok(Money::new(1250, ccy("GBP")))
    );
    assert!("12.50".parse::<Money>().is_err());
}

proptest! {
    #[test]
    fn money_round_trips(minor in 0i64..=i64::MAX, idx in 0usize..38) {
        let currency = Currency::all().nth(idx % Currency::all().count()).expect("some currency");
        let m = Money::new(minor, currency);
        prop_assert_eq!(Money::parse_decimal(&m.to_decimal_string(), currency), Ok(m));
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
    }

    #[test]
    fn identities_round_trip_through_display(s in "[+a-zA-Z0-9._: -]{1,40}") {
        if let Ok(id) = OnlineIdentity::parse(&s) {
            prop_assert_eq!(OnlineIdentity::parse(&id.to_string()), Ok(id.clone()));
            prop_assert_eq!(OnlineIdentity::from_parts(id.kind(), id.value()), Ok(id));
        }
    }

    #[test]
    fn payment_ids_parse_back(_n in 0u8..8) {
        let id = PaymentId::generate();
        prop_assert_eq!(id.as_str().len(), 26);
        prop_assert_eq!(id.as_str().parse::<PaymentId>(), Ok(id));
    }
}

#[test]
fn identities_are_classified_and_normalised() {
    let id = |s: &str| OnlineIdentity::parse(s).expect(s);
    let phone = id("+44 7700-900101");
    assert_eq!(
        (phone.kind(), phone.value()),
        (IdentityKind::Phone, "447700900101")
    );
    assert_eq!(phone, id("447700900101"));
    assert_eq!(phone.to_string(), "+447700900101");
    let iban = id("gb33 swbk 0000 0000 0001 01");
    assert_eq!(
        (iban.kind(), iban.value()),
        (IdentityKind::Account, "GB33SWBK00000000000101")
    );
    assert_eq!(
        id("6222021234567890123").kind(),
        IdentityKind::Account,
        "card-like digits"
    );
    let acct = id("acct:12345");
    assert_eq!(
        (acct.kind(), acct.to_string().as_str()),
        (IdentityKind::Account, "acct:12345")
    );
    let alias = id("Alice.W");
    assert_eq!(
        (alias.kind(), alias.value()),
        (IdentityKind::Alias, "alice.w")
    );
    assert_eq!(
        id("aliceinwonderland").kind(),
        IdentityKind::Alias,
        "letters only stay an alias"
    );
    for bad in [
        "",
        "ab",
        "+12",
        "+1234567890123456",
        "has space",
        "é-accent",
        "acct:x",
    ] {
        assert!(OnlineIdentity::parse(bad).is_err(), "{bad:?}");
    }
    assert!(
        OnlineIdentity::from_parts(IdentityKind::Alias, "Alice").is_err(),
        "not normalised"
    );
    assert!(OnlineIdentity::from_parts(IdentityKind::Phone, "alice").is_err());
}

#[test]
fn ids_validate_their_form() {
    assert!("pay_abc".parse::<PaymentId>().is_err());
    assert!(
        "mer_0123456789abcdefghijkl".parse::<PaymentId>().is_err(),
        "wrong prefix"
    );
    assert!("pay_0123456789abcdefghijk!".parse::<PaymentId>().is_err());
    assert_ne!(PaymentId::generate(), PaymentId::generate());
    assert!("mer_acme".parse::<MerchantId>().is_ok());
    assert!("mer_demo_shop".parse::<MerchantId>().is_ok());
    for bad in ["mer_", "acme", "mer_a-b", "mer_ü"] {
        assert!(bad.parse::<MerchantId>().is_err(), "{bad}");
    }
    let generated = MerchantId::generate();
    assert_eq!(generated.as_str().parse::<MerchantId>(), Ok(generated));
    let json = serde_json::to_string(&"mer_acme".parse::<MerchantId>().expect("id")).expect("json");
    assert_eq!(json, "\"mer_acme\"");
    assert!(serde_json::from_str::<MerchantId>("\"acme\"").is_err());
}

#[test]
fn secrets_are_checked_and_never_printed() {
    let pw = Password::new("correct horse".into()).expect("valid");
    assert_eq!(format!("{pw:?}"), "<redacted>");
    assert_eq!(pw.expose(), "correct horse");
    assert_eq!(
        Password::new("short".into()).err(),
        Some(DomainError::Password)
    );
    assert!(
        Password::new("密码密码密码密码".into()).is_ok(),
        "counted in characters"
    );
    assert!(Password::new("x".repeat(129)).is_err());
    let code = AuthCode::parse(" 012345 ").expect("valid");
    assert_eq!(
        (code.expose(), format!("{code:?}").as_str()),
        ("012345", "<redacted>")
    );
    for bad in ["123", "12345678901", "12a456", ""] {
        assert!(AuthCode::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn payment_states_name_themselves() {
    for s in PaymentState::ALL {
        assert_eq!(s.as_str().parse::<PaymentState>(), Ok(s));
        let json = serde_json::to_string(&s).expect("json");
        assert_eq!(json, format!("\"{}\"", s.as_str()));
    }
    let finals: Vec<_> = PaymentState::ALL
        .into_iter()
        .filter(|s| s.is_final())
        .collect();
    assert_eq!(
        finals,
        [
            PaymentState::Succeeded,
            PaymentState::Declined,
            PaymentState::Failed,
            PaymentState::Expired,
            PaymentState::Cancelled
        ]
    );
    assert!("done".parse::<PaymentState>().is_err());
}
