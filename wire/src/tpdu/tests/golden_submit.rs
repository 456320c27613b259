//! Published SMS-SUBMIT vectors: decoded field by field and re-encoded to
//! the same octets, and encoder output compared with another encoder's
//! (ModemManager's src/tests/test-sms-part-3gpp.c). The SMSC-address
//! octet of the AT-command form is left out.

use super::hex;
use crate::tpdu::*;

fn submit(h: &str) -> SmsSubmit {
    let bytes = hex(h);
    let s = SmsSubmit::decode(&bytes).expect("golden SMS-SUBMIT decodes");
    assert_eq!(s.encode().unwrap(), bytes, "re-encodes to the same octets");
    assert_eq!(decode_mo(&bytes).unwrap(), MoTpdu::Submit(s.clone()));
    s
}

/// "SMS and the PDU format" (dreamfabric.com): the SMS-SUBMIT with TP-VP
/// `AA` (relative, 4 days), and the widely quoted no-VP form
/// `0001000B915121551532F400000AE8...` (first octet 01, SMSC octet `00`
/// dropped).
#[test]
fn dreamfabric_submits_hellohello() {
    let s = submit("11 00 0B916407281553F8 00 00 AA 0A E8329BFD4697D9EC37");
    assert_eq!(
        s.destination_address,
        TpAddress::international("46708251358")
    );
    assert_eq!(s.validity_period, Some(ValidityPeriod::Relative(0xAA)));
    assert_eq!(
        s.validity_period.unwrap().duration(),
        Some(std::time::Duration::from_secs(4 * 24 * 3600))
    );
    assert_eq!(s.user_data, UserData::text("hellohello"));

    let s = submit("01 00 0B915121551532F4 00 00 0A E8329BFD4697D9EC37");
    assert_eq!(
        s.destination_address,
        TpAddress::international("15125551234")
    );
    assert_eq!((s.message_reference, s.validity_period), (0, None));
    assert!(!s.reject_duplicates && !s.status_report_request && !s.reply_path);
    assert_eq!(s.user_data, UserData::text("hellohello"));
}

/// ModemManager `test_pdu_stored_by_us`: an SMS-SUBMIT with TP-SRR, no
/// TP-VP, a national-format destination and 17 Chinese characters in UCS-2.
#[test]
fn modemmanager_submit_ucs2_chinese() {
    let s = submit(
        "21 00 098136397339F7 00 08 22
         4F60597D4F60597D4F60597D4F60597D4F60597D4F60597D4F60597D4F60597D4F60",
    );
    assert!(s.status_report_request);
    assert_eq!(s.destination_address.ton, TypeOfNumber::Unknown);
    assert_eq!(s.destination_address.npi, NumberingPlan::Isdn);
    assert_eq!(s.destination_address.value, "639337937");
    assert_eq!(
        s.user_data,
        UserData::text("你好你好你好你好你好你好你好你好你")
    );
}

/// ModemManager's PDU creator tests (`test_create_pdu_ucs2_no_smsc`,
/// `test_create_pdu_gsm_3`, `..._no_validity`): our encoder must write the
/// same octets from the same fields. TP-VP 0 is their "5 minutes".
#[test]
fn modemmanager_submit_encodings() {
    let to = |digits: &str| TpAddress::international(digits);
    let base = SmsSubmit {
        reject_duplicates: false,
        reply_path: false,
        status_report_request: false,
        message_reference: 0,
        destination_address: to("15555551234"),
        protocol_identifier: 0,
        dcs: DataCodingScheme::UCS2,
        validity_period: Some(ValidityPeriod::Relative(0)),
        user_data: UserData::text("Да здравствует король, детка!"),
    };
    let expected = hex("11 00 0B915155551532F4 00 08 00 3A
         0414 0430 0020 0437 0434 0440 0430 0432 0441 0442 0432 0443 0435 0442 0020
         043A 043E 0440 043E 043B 044C 002C 0020 0434 0435 0442 043A 0430 0021");
    assert_eq!(base.encode().unwrap(), expected);

    let gsm = SmsSubmit {
        destination_address: to("15556661234"),
        dcs: DataCodingScheme::GSM7,
        user_data: UserData::text("This is really cool ΔΔΔΔΔ"),
        ..base
    };
    let gsm_tail = "0B915155661632F4 00 00 00 19 54747A0E4ACF41F27298CDCE83C6EF371B0481402010";
    assert_eq!(gsm.encode().unwrap(), hex(&format!("11 00 {gsm_tail}")));
    let no_vp = SmsSubmit {
        validity_period: None,
        ..gsm
    };
    let no_vp_tail = gsm_tail.replacen("00 00 00 19", "00 00 19", 1);
    assert_eq!(no_vp.encode().unwrap(), hex(&format!("01 00 {no_vp_tail}")));
}
