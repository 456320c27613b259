//! Malformed TPDUs are errors that name what is wrong; nothing panics.

use super::{hex, ts};
use crate::text::{TextError, UdhError};
use crate::tpdu::*;

const DELIVER: &str = "44 0B916171056429F5 00 00 21405291651569 32 0500034C0202
    E9E8301D44479741F0B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0FB4D4797E52E10";
const SUBMIT: &str = "11 00 0B916407281553F8 00 00 AA 0A E8329BFD4697D9EC37";
const REPORT: &str = "02 07 0B915121551532F4 24010131000080 24010201000080 46 06 00 02 C834";

#[test]
fn every_truncation_of_a_valid_tpdu_is_an_error() {
    let deliver = hex(DELIVER);
    let submit = hex(SUBMIT);
    let report = hex(REPORT);
    let deliver_report = hex("00 D2 07 00 00 02 C834");
    for cut in 0..deliver.len() {
        assert!(
            decode_mt(&deliver[..cut]).is_err(),
            "SMS-DELIVER cut at {cut}"
        );
    }
    for cut in 0..submit.len() {
        assert!(
            decode_mo(&submit[..cut]).is_err(),
            "SMS-SUBMIT cut at {cut}"
        );
    }
    // A status report may end after TP-ST (the optional part is optional).
    for cut in (0..report.len()).filter(|&c| c != 25) {
        assert!(
            decode_mt(&report[..cut]).is_err(),
            "SMS-STATUS-REPORT cut at {cut}"
        );
    }
    assert!(decode_mt(&report[..25]).is_ok());
    for cut in 0..deliver_report.len() {
        assert!(
            decode_mo(&deliver_report[..cut]).is_err(),
            "report cut at {cut}"
        );
    }
}

/// ModemManager `test_pdu_insufficient_data`: TP-UDL says 11 septets (10
/// octets) but only 9 follow.
#[test]
fn udl_beyond_the_data() {
    let bytes = hex("04 0B918100551512F2 00 00 11101021436500 0B E8329BFD4697D9EC37");
    assert_eq!(
        SmsDeliver::decode(&bytes),
        Err(TpduError::UserData("TP-UDL runs past the end of the TPDU"))
    );
    // 8-bit data: TP-UDL counts octets.
    let bytes = hex("04 0B918100551512F2 00 04 11101021436500 0B E8329BFD4697D9EC37");
    assert!(SmsDeliver::decode(&bytes).is_err());
    // UCS-2 with an odd octet count is not text.
    let bytes = hex("04 0B918100551512F2 00 08 11101021436500 03 004100");
    assert!(matches!(
        SmsDeliver::decode(&bytes),
        Err(TpduError::Text(TextError::Invalid { .. }))
    ));
    // A header that claims more septets than TP-UDL.
    let bytes = hex("44 0B918100551512F2 00 00 11101021436500 03 027000");
    assert!(SmsDeliver::decode(&bytes).is_err());
    // TP-UDHI set, header length past the data.
    let bytes = hex("44 0B918100551512F2 00 04 11101021436500 03 070001");
    assert!(matches!(
        SmsDeliver::decode(&bytes),
        Err(TpduError::Udh(UdhError::HeaderTruncated { .. }))
    ));
    // More than 160 septets.
    let mut bytes = hex("04 0B918100551512F2 00 00 11101021436500 A1");
    bytes.extend([0u8; 141]);
    assert!(SmsDeliver::decode(&bytes).is_err());
}

#[test]
fn trailing_octets_are_rejected() {
    let mut bytes = hex(SUBMIT);
    bytes.push(0);
    assert_eq!(
        SmsSubmit::decode(&bytes),
        Err(TpduError::TrailingOctets { count: 1 })
    );
    let mut bytes = hex("06 00 0B910221815716F2 70902151012180 70902151017180 00 00");
    bytes.push(0x55);
    assert_eq!(
        decode_mt(&bytes),
        Err(TpduError::TrailingOctets { count: 1 })
    );
}

#[test]
fn bad_semi_octets() {
    // F inside a number, a filler that is not F, and A in a timestamp.
    for h in [
        "04 04918F21 00 00 11101021436500 00",
        "04 0391 2103 00 00 11101021436500 00",
        "04 0391 21F3 00 00 11101021436A00 00",
        "04 0391 21F3 00 00 A1101021436500 00",
    ] {
        let err = SmsDeliver::decode(&hex(h)).unwrap_err();
        assert!(matches!(err, TpduError::BadSemiOctet { .. }), "{h}: {err}");
    }
    // Month 13, and February 30th.
    for h in [
        "04 0391 21F3 00 00 11311021436500 00",
        "04 0391 21F3 00 00 11200321436500 00",
    ] {
        let err = SmsDeliver::decode(&hex(h)).unwrap_err();
        assert!(
            matches!(err, TpduError::InvalidTimestamp { .. }),
            "{h}: {err}"
        );
    }
    // Address-Length 21.
    assert!(SmsDeliver::decode(&hex("04 1591 1111111111111111111111 00 00")).is_err());
}

#[test]
fn wrong_and_unsupported_message_types() {
    let submit = hex(SUBMIT);
    assert_eq!(
        SmsDeliver::decode(&submit),
        Err(TpduError::WrongMessageType {
            expected: "SMS-DELIVER",
            mti: 1
        })
    );
    assert!(matches!(
        decode_mt(&submit),
        Err(TpduError::UnsupportedMessageType { mti: 1, .. })
    ));
    assert!(matches!(
        decode_mo(&[0x02, 0x00]),
        Err(TpduError::UnsupportedMessageType { mti: 2, .. })
    ));
    assert!(matches!(
        decode_mo(&[0x03]),
        Err(TpduError::UnsupportedMessageType { mti: 3, .. })
    ));
    assert!(matches!(
        decode_mt(&[0x03]),
        Err(TpduError::UnsupportedMessageType { mti: 3, .. })
    ));
    assert_eq!(decode_mt(&[]), Err(TpduError::Empty));
    assert_eq!(SmsStatusReport::decode(&[]), Err(TpduError::Empty));
}

fn submit_with(destination: TpAddress, dcs: DataCodingScheme, user_data: UserData) -> SmsSubmit {
    SmsSubmit {
        reject_duplicates: false,
        reply_path: false,
        status_report_request: false,
        message_reference: 1,
        destination_address: destination,
        protocol_identifier: 0,
        dcs,
        validity_period: None,
        user_data,
    }
}

#[test]
fn encode_refuses_what_it_cannot_write() {
    let to = TpAddress::international("447700900123");
    let gsm = DataCodingScheme::GSM7;
    let err = |s: SmsSubmit| s.encode().unwrap_err();
    assert!(matches!(
        err(submit_with(to.clone(), gsm, UserData::text("ç"))),
        TpduError::Text(_)
    ));
    assert!(matches!(
        err(submit_with(
            to.clone(),
            gsm,
            UserData::text("a".repeat(161))
        )),
        TpduError::UserDataTooLong {
            len: 161,
            max: 160,
            ..
        }
    ));
    assert!(matches!(
        err(submit_with(
            to.clone(),
            DataCodingScheme::UCS2,
            UserData::text("a".repeat(71))
        )),
        TpduError::UserDataTooLong {
            len: 142,
            max: 140,
            ..
        }
    ));
    assert!(matches!(
        err(submit_with(to.clone(), gsm, UserData::binary(vec![1]))),
        TpduError::BodyMismatch { .. }
    ));
    assert!(matches!(
        err(submit_with(
            to.clone(),
            DataCodingScheme::EIGHT_BIT,
            UserData::text("a")
        )),
        TpduError::BodyMismatch { .. }
    ));
    for bad in [
        TpAddress::international("44+77"),
        TpAddress::international(&"1".repeat(21)),
        TpAddress::alphanumeric("TwelveChars!"),
        TpAddress::alphanumeric("Caf\u{e7}"),
    ] {
        let e = err(submit_with(bad.clone(), gsm, UserData::text("x")));
        assert!(
            matches!(e, TpduError::InvalidAddress { .. }),
            "{bad:?}: {e}"
        );
    }
    let report = SmsStatusReport {
        more_messages_to_send: false,
        status_report_qualifier: false,
        message_reference: 0,
        recipient_address: to,
        service_centre_timestamp: ts((2024, 1, 1), (0, 0, 0), 0),
        discharge_time: ts((2024, 13, 1), (0, 0, 0), 0),
        status: TpStatus::RECEIVED,
        protocol_identifier: None,
        dcs: None,
        user_data: None,
    };
    assert!(matches!(
        report.encode(),
        Err(TpduError::InvalidTimestamp { .. })
    ));
}
