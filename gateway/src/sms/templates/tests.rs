use proptest::prelude::*;

use super::*;
use crate::domain::Currency;

fn cny(s: &str) -> Money {
    Money::parse_decimal(s, Currency::parse("CNY").unwrap()).unwrap()
}

fn code() -> AuthCode {
    AuthCode::parse("483920").unwrap()
}

#[test]
fn code_sms_matches_the_examples() {
    assert_eq!(
        code_sms(Locale::En, "ACME", &code(), &cny("128.00"), 5),
        "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it."
    );
    assert_eq!(
        code_sms(Locale::ZhCn, "ACME", &code(), &cny("128.00"), 5),
        "【ACME】验证码483920，支付CNY 128.00，5分钟内有效，请勿泄露。"
    );
}

#[test]
fn typical_merchants_fit_one_segment_in_both_locales() {
    let merchants = [
        "ACME",
        "Bookshop Ltd",
        "Müller & Söhne GmbH",
        "京东商城",
        "Café de Flore",
        "The Very Big Online Department Store",
    ];
    for m in merchants {
        for locale in [Locale::En, Locale::ZhCn] {
            let text = code_sms(locale, m, &code(), &cny("99999.99"), 10);
            assert!(is_one_segment(&text), "{locale} {m}: {text}");
            assert!(
                text.contains("483920") && text.contains("CNY 99999.99"),
                "{text}"
            );
            let receipt = receipt_sms(locale, m, &cny("1.00"), "pay_3kTMd9Qx2ZbWvYp81LmNoq");
            assert!(is_one_segment(&receipt), "{receipt}");
        }
    }
}

#[test]
fn short_names_are_kept_whole() {
    let text = code_sms(Locale::ZhCn, "京东商城", &code(), &cny("5.00"), 5);
    assert!(text.starts_with("【京东商城】"), "{text}");
    let text = code_sms(Locale::En, "Müller & Söhne GmbH", &code(), &cny("5.00"), 5);
    assert!(text.starts_with("Müller & Söhne GmbH: "), "{text}");
}

#[test]
fn long_names_are_shortened_to_one_segment() {
    let long = "Worldwide Consolidated Electronics And Household Appliances Trading Company";
    let zh = code_sms(Locale::ZhCn, long, &code(), &cny("128.00"), 5);
    assert!(is_one_segment(&zh), "{zh}");
    assert!(
        zh.starts_with("【Worldwide") && zh.contains("…】验证码483920"),
        "{zh}"
    );
    assert_eq!(
        zh.encode_utf16().count(),
        70,
        "uses the room there is: {zh}"
    );
    // A name with a character outside GSM 7-bit makes the English text UCS-2 (70 units).
    let en = code_sms(
        Locale::En,
        "Łódź Electronics Warehouse",
        &code(),
        &cny("128.00"),
        5,
    );
    assert!(is_one_segment(&en), "{en}");
    assert!(
        en.starts_with("Łódź") && en.contains(".: code 483920"),
        "{en}"
    );
    // Each € is a GSM 7-bit escape (two septets): the name is cut to the septet.
    let gsm = code_sms(Locale::En, &"€".repeat(60), &code(), &cny("128.00"), 5);
    let septets = text::unit_count(&gsm, Encoding::Gsm7).unwrap();
    assert!(is_one_segment(&gsm) && septets >= 159, "{septets}: {gsm}");
    assert!(gsm.contains("€.: code 483920"), "{gsm}");
    let capped = code_sms(Locale::En, &"A".repeat(200), &code(), &cny("128.00"), 5);
    assert!(
        capped.starts_with(&format!("{}: code", "A".repeat(MAX_NAME))),
        "{capped}"
    );
}

#[test]
fn names_are_cleaned_and_never_empty() {
    let text = code_sms(
        Locale::En,
        "  Evil\nShop\t\u{7}Inc  ",
        &code(),
        &cny("1.00"),
        5,
    );
    assert!(text.starts_with("Evil Shop Inc: "), "{text}");
    let text = code_sms(Locale::En, " \n ", &code(), &cny("1.00"), 5);
    assert!(text.starts_with("Merchant: "), "{text}");
    let text = receipt_sms(Locale::ZhCn, "", &cny("1.00"), "pay_x");
    assert!(text.starts_with("【商户】"), "{text}");
}

#[test]
fn receipt_and_registration_texts() {
    assert_eq!(
        receipt_sms(Locale::En, "ACME", &cny("128.00"), "pay_abc"),
        "ACME: payment of CNY 128.00 succeeded. Ref pay_abc"
    );
    assert_eq!(
        receipt_sms(Locale::ZhCn, "ACME", &cny("128.00"), "pay_abc"),
        "【ACME】支付CNY 128.00成功。参考号pay_abc"
    );
    for locale in [Locale::En, Locale::ZhCn] {
        let text = registration_sms(locale, "Switchboard Pay", "alice.w");
        assert!(text.contains("alice.w") && is_one_segment(&text), "{text}");
    }
}

#[test]
fn locale_parses_common_spellings() {
    assert_eq!(Locale::parse("en"), Some(Locale::En));
    assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhCn));
    assert_eq!(Locale::parse("zh_cn"), Some(Locale::ZhCn));
    assert_eq!(Locale::parse("fr"), None);
    assert!("de".parse::<Locale>().is_err());
    assert_eq!(Locale::ZhCn.to_string(), "zh-CN");
    #[derive(Deserialize)]
    struct C {
        locale: Locale,
    }
    let c: C = toml::from_str("locale = \"zh-CN\"").unwrap();
    assert_eq!(c.locale, Locale::ZhCn);
    assert!(toml::from_str::<C>("locale = \"xx\"").is_err());
}

proptest! {
    #[test]
    fn odd_names_never_panic_and_keep_the_code(name in "\\PC{0,120}", emoji in any::<bool>()) {
        let name = if emoji { format!("{name}😀{{}}€") } else { name };
        for locale in [Locale::En, Locale::ZhCn] {
            let text = code_sms(locale, &name, &code(), &cny("128.00"), 5);
            prop_assert!(text.contains("483920"));
            prop_assert!(text.contains("CNY 128.00"));
            prop_assert!(is_one_segment(&text));
        }
    }
}
