//! Field codecs on their own: addresses, TP-DCS and timestamps.

use time::macros::datetime;

use super::{hex, ts};
use crate::tpdu::reader::Reader;
use crate::tpdu::*;

fn address(h: &str) -> TpAddress {
    let bytes = hex(h);
    let mut r = Reader::new(&bytes);
    let a = TpAddress::decode(&mut r, "TP-OA").expect("address decodes");
    r.finish().expect("address uses every octet");
    assert_eq!(a.encode().unwrap(), bytes, "address re-encodes");
    a
}

/// smspdudecoder's `Address.decode` doctests (alphanumeric, with an `@`
/// that is septet 0) and ModemManager's address encoder tests.
#[test]
fn published_addresses() {
    assert_eq!(
        address("0BD0CDE6DB5DCE03"),
        TpAddress::alphanumeric("MMoney")
    );
    assert_eq!(
        address("14D0C4F23C7D760390EF7619"),
        TpAddress::alphanumeric("Design@Home")
    );
    assert_eq!(
        address("0B915155214365F7"),
        TpAddress::international("15551234567")
    );
    assert_eq!(
        address("0B919130079229F0"),
        TpAddress::international("+19037029920")
    );
    let unknown = address("0A810973209902");
    assert_eq!(
        (unknown.ton, unknown.npi),
        (TypeOfNumber::Unknown, NumberingPlan::Isdn)
    );
    assert_eq!(unknown.value, "9037029920");
}

#[test]
fn address_semi_octets_and_smpp_mapping() {
    // *#abc are semi-octets A-E; 5 digits leave an F filler.
    let a = address("0581A7CBFD");
    assert_eq!(a.value, "7*#ab");
    assert_eq!(
        TpAddress::new(a.ton, a.npi, "7*#AB").encode().unwrap(),
        hex("0581A7CBFD")
    );
    assert_eq!(address("0181F0").value, "0");
    assert_eq!(address("0080").value, "");
    assert_eq!(address("02D043"), TpAddress::alphanumeric("C"));

    let intl = TpAddress::parse_smpp(1, 1, "+447700900123").unwrap();
    assert_eq!(intl, TpAddress::international("447700900123"));
    assert_eq!(
        TpAddress::parse_smpp(0, 1, "+4477").unwrap().ton,
        TypeOfNumber::International
    );
    assert_eq!(
        TpAddress::parse_smpp(5, 0, "ShopPay").unwrap(),
        TpAddress::alphanumeric("ShopPay")
    );
    assert_eq!(
        TpAddress::parse_smpp(2, 8, "07700").unwrap().npi,
        NumberingPlan::National
    );
    assert_eq!(
        TpAddress::parse_smpp(1, 18, "4477").unwrap().npi,
        NumberingPlan::Unknown
    );
    assert!(TpAddress::parse_smpp(7, 1, "4477").is_err());
    assert!(TpAddress::parse_smpp(1, 1, "44-77").is_err());
    assert!(TpAddress::parse_smpp(5, 0, "TwelveChars!").is_err());
    assert!(TpAddress::parse_smpp(5, 0, "Caf\u{e7}").is_err());
    assert_eq!(TpAddress::international("4477").to_string(), "+4477");
}

#[test]
fn dcs_coding_groups() {
    let read = |b: u8| {
        let d = DataCodingScheme(b);
        (d.alphabet(), d.class(), d.compressed(), d.is_reserved())
    };
    use Alphabet::*;
    use MessageClass::*;
    assert_eq!(read(0x00), (Gsm7, None, false, false));
    assert_eq!(read(0x04), (EightBit, None, false, false));
    assert_eq!(read(0x08), (Ucs2, None, false, false));
    assert_eq!(read(0x10), (Gsm7, Some(Class0), false, false));
    assert_eq!(read(0x19), (Ucs2, Some(Class1), false, false));
    assert_eq!(read(0x26), (EightBit, None, true, false));
    assert_eq!(
        read(0x0C),
        (EightBit, None, false, true),
        "reserved alphabet reads 8-bit"
    );
    assert_eq!(read(0x4A), (Ucs2, None, false, false));
    assert!(DataCodingScheme(0x4A).auto_delete());
    assert_eq!(
        read(0x85),
        (EightBit, None, false, true),
        "reserved group reads 8-bit"
    );
    assert_eq!(read(0xC8), (Gsm7, None, false, false));
    assert_eq!(read(0xD0), (Gsm7, None, false, false));
    assert_eq!(read(0xE0), (Ucs2, None, false, false));
    assert_eq!(read(0xF0), (Gsm7, Some(Class0), false, false));
    assert_eq!(read(0xF6), (EightBit, Some(Class2), false, false));
    assert_eq!(read(0xF8), (EightBit, None, false, true));
    assert_eq!(
        DataCodingScheme::new(Gsm7, Some(Class0)),
        DataCodingScheme(0x10)
    );
    assert_eq!(DataCodingScheme::new(Ucs2, None), DataCodingScheme::UCS2);
    assert_eq!(
        DataCodingScheme::new(EightBit, Some(Class3)),
        DataCodingScheme(0x17)
    );
}

/// smspdudecoder's `Date` doctests: `3130523210658A` is 2013-03-25
/// 23:01:56 at −7h (−28 quarters, US Pacific), `02109231521440` is
/// 2020-01-29 13:25:41 at +1h.
#[test]
fn published_timestamps() {
    let decode = |h: &str| Timestamp::decode(&mut Reader::new(&hex(h)), "TP-SCTS").unwrap();
    let pacific = decode("3130523210658A");
    assert_eq!(pacific, ts((2013, 3, 25), (23, 1, 56), -28));
    assert_eq!(pacific.encode().unwrap().to_vec(), hex("3130523210658A"));
    let utc = pacific
        .to_offset_datetime()
        .unwrap()
        .to_offset(time::UtcOffset::UTC);
    assert_eq!(utc, datetime!(2013-03-26 06:01:56 UTC));
    let paris = decode("02109231521440");
    assert_eq!(paris, ts((2020, 1, 29), (13, 25, 41), 4));
}

#[test]
fn timestamp_conversions() {
    let t = Timestamp::from_offset_datetime(datetime!(2024-02-29 23:59:59 +05:45)).unwrap();
    assert_eq!(t, ts((2024, 2, 29), (23, 59, 59), 23));
    assert_eq!(
        t.to_offset_datetime().unwrap(),
        datetime!(2024-02-29 23:59:59 +05:45)
    );
    // +00:20 is not whole quarters: the zone becomes +00:15, the instant stays.
    let odd = datetime!(2024-01-01 00:20:00 +00:20);
    let t = Timestamp::from_offset_datetime(odd).unwrap();
    assert_eq!(t, ts((2024, 1, 1), (0, 15, 0), 1));
    assert_eq!(t.to_offset_datetime().unwrap(), odd);
    assert!(Timestamp::from_offset_datetime(datetime!(2090-01-01 0:00 UTC)).is_err());
    assert!(Timestamp::from_offset_datetime(datetime!(2024-01-01 0:00 +20:00)).is_err());
    assert!(ts((2023, 2, 29), (0, 0, 0), 0).encode().is_err());
    assert!(ts((2023, 1, 1), (24, 0, 0), 0).encode().is_err());
    assert!(ts((2023, 1, 1), (0, 0, 0), 80).encode().is_err());
    assert!(ts((1989, 1, 1), (0, 0, 0), 0).encode().is_err());
    assert_eq!(ts((1990, 1, 1), (0, 0, 0), -79).encode().unwrap()[6], 0x9F);
}
