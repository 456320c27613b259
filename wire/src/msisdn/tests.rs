//! Unit and property tests for `Msisdn` and `Imsi`.

use super::*;
use proptest::prelude::*;
use std::collections::HashMap;

#[test]
fn msisdn_accepts_digits_and_one_plus() {
    let m: Msisdn = "+447700900101".parse().expect("valid");
    assert_eq!(m.as_str(), "447700900101");
    assert_eq!(m.to_string(), "447700900101");
    assert_eq!(m.to_e164(), "+447700900101");
    assert_eq!(m, "447700900101".parse().expect("valid"));
    assert!("861".parse::<Msisdn>().is_ok());
    assert!("123456789012345".parse::<Msisdn>().is_ok());
}

#[test]
fn msisdn_rejections_say_why() {
    let err = |s: &str| s.parse::<Msisdn>().expect_err(s);
    assert_eq!(err(""), NumberError::Empty { what: "MSISDN" });
    assert_eq!(err("+"), NumberError::Empty { what: "MSISDN" });
    assert!(matches!(
        err("++447700900101"),
        NumberError::NotADigit {
            ch: '+',
            position: 0,
            ..
        }
    ));
    assert!(matches!(
        err("4477 0090"),
        NumberError::NotADigit {
            ch: ' ',
            position: 4,
            ..
        }
    ));
    assert!(matches!(
        err("44770090010a"),
        NumberError::NotADigit {
            ch: 'a',
            position: 11,
            ..
        }
    ));
    assert!(matches!(
        err("44+7"),
        NumberError::NotADigit {
            ch: '+',
            position: 2,
            ..
        }
    ));
    assert!(matches!(
        err("４４7"),
        NumberError::NotADigit {
            ch: '４',
            position: 0,
            ..
        }
    ));
    assert_eq!(
        err("44"),
        NumberError::TooShort {
            what: "MSISDN",
            digits: 2,
            min: 3
        }
    );
    assert_eq!(
        err("1234567890123456"),
        NumberError::TooLong {
            what: "MSISDN",
            digits: 16,
            max: 15
        }
    );
    assert_eq!(err("07700900101"), NumberError::LeadingZero);
    assert!(err("07700900101").to_string().contains("country code"));
}

#[test]
fn imsi_bounds_and_no_plus() {
    assert_eq!(
        "234150000000101".parse::<Imsi>().expect("valid").as_str(),
        "234150000000101"
    );
    assert!(
        "001010".parse::<Imsi>().is_ok(),
        "test network IMSI may start with 0"
    );
    assert!(matches!(
        "12345".parse::<Imsi>(),
        Err(NumberError::TooShort { digits: 5, .. })
    ));
    assert!(matches!(
        "1234567890123456".parse::<Imsi>(),
        Err(NumberError::TooLong { .. })
    ));
    assert!(matches!(
        "+234150000000101".parse::<Imsi>(),
        Err(NumberError::NotADigit { ch: '+', .. })
    ));
}

#[test]
fn try_from_and_borrow() {
    let m = Msisdn::try_from(String::from("8613800138000")).expect("valid");
    let mut map = HashMap::new();
    map.insert(m.clone(), 1);
    assert_eq!(map.get("8613800138000"), Some(&1));
    assert_eq!(String::from(m), "8613800138000");
    assert!(Imsi::try_from(String::from("abc")).is_err());
    assert!(
        Msisdn::try_from("447700900102").expect("valid")
            < Msisdn::try_from("447700900103").expect("valid")
    );
}

proptest! {
    #[test]
    fn msisdn_display_parses_back(s in "\\+?[1-9][0-9]{2,14}") {
        let m: Msisdn = s.parse().expect("generated valid");
        prop_assert_eq!(m.to_string(), s.trim_start_matches('+'));
        prop_assert_eq!(m.to_string().parse::<Msisdn>().expect("display is valid"), m);
    }

    #[test]
    fn parse_never_panics_and_only_accepts_valid(s in "\\PC{0,20}") {
        if let Ok(m) = s.parse::<Msisdn>() {
            let d = m.as_str();
            prop_assert!((3..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(!d.starts_with('0'));
        }
        if let Ok(i) = s.parse::<Imsi>() {
            prop_assert!((6..=15).contains(&i.as_str().len()));
            prop_assert_eq!(i.as_str(), s.as_str());
        }
    }
}
