use super::*;

fn code(text: &str) -> Option<String> {
    CodeExtractor::default().extract(text)
}

#[test]
fn finds_codes_in_english_texts() {
    let cases = [
        ("code 123456", "123456"),
        ("Your code is 482913", "482913"),
        ("Your ShopPay code: 0042", "0042"),
        ("OTP 98765432 expires in 5 minutes", "98765432"),
        ("Use PIN 7391 to confirm", "7391"),
        ("Your one-time password is 5550123456.", "5550123456"),
        ("557201 is your verification code", "557201"),
        ("VERIFICATION CODE\n661204\nDo not share it", "661204"),
    ];
    for (text, want) in cases {
        assert_eq!(code(text).as_deref(), Some(want), "{text:?}");
    }
}

#[test]
fn finds_codes_in_chinese_texts() {
    let cases = [
        ("验证码：123456", "123456"),
        ("您的验证码是837261，5分钟内有效。", "837261"),
        (
            "【银行】您正在支付12.50元，验证码 449120，请勿泄露。",
            "449120",
        ),
        ("271828是您的动态码，请勿告诉他人", "271828"),
        ("校验码:0815", "0815"),
    ];
    for (text, want) in cases {
        assert_eq!(code(text).as_deref(), Some(want), "{text:?}");
    }
}

#[test]
fn amounts_are_not_codes() {
    let cases = [
        (
            "Your code for GBP 12.50 at Coffee Ltd is 381726",
            Some("381726"),
        ),
        (
            "Your code for the payment of 1250.00 EUR is 7766",
            Some("7766"),
        ),
        ("Code for GBP 1250 to ShopCo: 90210", Some("90210")),
        ("Your code to pay £1250 is 31337", Some("31337")),
        ("Your code to pay 1,250 is 4711", Some("4711")),
        (
            "Your code: paying 1250 USD, confirm with 8080",
            Some("8080"),
        ),
        ("验证码用于支付2500元，请输入 663311", Some("663311")),
        ("Your code for GBP 12.50 is ready", None),
        ("Pay 1250.00 with your code", None),
    ];
    for (text, want) in cases {
        assert_eq!(code(text).as_deref(), want, "{text:?}");
    }
}

#[test]
fn phone_numbers_and_dates_are_not_codes() {
    let cases = [
        (
            "Your code is 123456. Questions? Call +44 7700 900123",
            Some("123456"),
        ),
        ("Code sent to +447700900101: 246810", Some("246810")),
        ("Code sent to 447700900101: 246810", Some("246810")),
        ("Call 0800 1234 for your code", None),
        ("Call +447700900123 about your code", None),
        ("Your code was set on 2024-06-01", None),
        ("验证码已发送至13800138000", None),
    ];
    for (text, want) in cases {
        assert_eq!(code(text).as_deref(), want, "{text:?}");
    }
}

#[test]
fn texts_without_a_code_keyword_give_none() {
    for text in [
        "Hello Bob, lunch at 1230?",
        "Order 123456 shipped",
        "",
        "code",
    ] {
        assert_eq!(code(text), None, "{text:?}");
    }
}

#[test]
fn configured_patterns_replace_the_defaults() {
    let x = CodeExtractor::new(&[r"ref ([A-Z]{3}[0-9]{3})"]).expect("valid");
    assert_eq!(x.extract("Your ref ABC123 ok").as_deref(), Some("ABC123"));
    assert_eq!(x.extract("Your code is 123456"), None);
}

#[test]
fn a_pattern_matching_its_own_mask_stops() {
    let x = CodeExtractor::new(&[r"(x+|1234)"]).expect("valid");
    assert_eq!(x.extract("a 12345"), None);
}

#[test]
fn bad_patterns_are_refused_with_their_index() {
    let err = CodeExtractor::new(&["(ok)", "code ("]).expect_err("unclosed group");
    assert!(err.to_string().starts_with("patterns[1]:"), "{err}");
    let err = CodeExtractor::new(&[r"code \d+"]).expect_err("no group");
    assert!(
        matches!(err, PatternError::NoGroup { index: 0, .. }),
        "{err}"
    );
}
