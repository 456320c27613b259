//! Published SMS-DELIVER vectors, checked field by field and
//! re-encoded to the same octets. Where a source prints a whole PDU with
//! the SMSC address in front (the AT-command form), only the TPDU after it
//! is used.

use super::{hex, ts};
use crate::text::InformationElement;
use crate::tpdu::*;

fn deliver(h: &str) -> SmsDeliver {
    let bytes = hex(h);
    let d = SmsDeliver::decode(&bytes).expect("golden SMS-DELIVER decodes");
    assert_eq!(d.encode().unwrap(), bytes, "re-encodes to the same octets");
    assert_eq!(decode_mt(&bytes).unwrap(), MtTpdu::Deliver(d.clone()));
    d
}

/// Decodes `h`; re-encoding must give `h` with `fix` applied (for senders
/// that left fill bits set, which receivers ignore and we write as zero).
fn deliver_with_fill(h: &str, fix: (usize, u8)) -> SmsDeliver {
    let mut bytes = hex(h);
    let d = SmsDeliver::decode(&bytes).expect("golden SMS-DELIVER decodes");
    assert_ne!(bytes[fix.0], fix.1);
    bytes[fix.0] = fix.1;
    assert_eq!(d.encode().unwrap(), bytes, "re-encodes with zero fill bits");
    d
}

fn concat8(reference: u8, total: u8, seq: u8) -> Option<UserDataHeader> {
    Some(UserDataHeader {
        elements: vec![InformationElement::Concat8 {
            reference,
            total,
            seq,
        }],
    })
}

/// "SMS and the PDU format" (Lars Pettersson, dreamfabric.com; mirrored at
/// turbocontrol.com and subnets.ru): the classic SMS-DELIVER "hellohello"
/// from +27... with TP-SCTS 99-03-29 15:16:59 +2h (`80` = 8 quarters).
#[test]
fn dreamfabric_deliver_hellohello() {
    let d = deliver("04 0BC87238880900F1 00 00 99309251619580 0A E8329BFD4697D9EC37");
    assert!(
        !d.more_messages_to_send,
        "0x04 sets TP-MMS: no more messages"
    );
    assert!(!d.reply_path && !d.status_report_indication);
    assert_eq!(d.originating_address.ton, TypeOfNumber::Subscriber);
    assert_eq!(d.originating_address.npi, NumberingPlan::National);
    assert_eq!(d.originating_address.value, "27838890001");
    assert_eq!((d.protocol_identifier, d.dcs), (0, DataCodingScheme::GSM7));
    assert_eq!(
        d.service_centre_timestamp,
        ts((1999, 3, 29), (15, 16, 59), 8)
    );
    assert_eq!(d.user_data, UserData::text("hellohello"));
}

/// ModemManager src/tests/test-sms-part-3gpp.c `test_pdu1`: extension
/// characters and a negative zone (`0A`: sign bit, 20 quarters = -05:00).
#[test]
fn modemmanager_extension_characters_and_negative_zone() {
    let d = deliver(
        "04 0B916171957291F8 00 00 1120821105050A 6A
         C8B2BC7C9A83C220F6DB7D2ECB41EDF27C1E3E97411BDE06754FD3D1A0F9BB5D0695F1F4B29B5C2683C6E8
         B03C3CA697E5F34D6AE303D1D1F2F7DD0D4ABB59A0797D8C0685E7A00028EC26832A960B28EC2683BE60
         50780EBA97D96C17",
    );
    assert_eq!(d.originating_address.to_string(), "+16175927198");
    assert_eq!(
        d.service_centre_timestamp,
        ts((2011, 2, 28), (11, 50, 50), -20)
    );
    let at = d.service_centre_timestamp.to_offset_datetime().unwrap();
    assert_eq!(at.offset().whole_hours(), -5);
    assert_eq!(
        d.user_data.as_text(),
        Some(
            "Here's a longer message [{with some extended characters}] \
             thrown in, such as £ and ΩΠΨ and §¿ as well."
        )
    );
}

/// ModemManager `test_pdu2`: alphanumeric sender "InternetSMS" (20
/// semi-octets, 11 septets), UCS-2 "тест", zone `61` = +16 quarters.
#[test]
fn modemmanager_alphanumeric_sender_ucs2() {
    let d = deliver("04 14D04937BD2C7797E9D3E614 00 08 11309291024061 08 0442043504410442");
    assert_eq!(
        d.originating_address,
        TpAddress::alphanumeric("InternetSMS")
    );
    assert_eq!(d.dcs.alphabet(), Alphabet::Ucs2);
    assert_eq!(
        d.service_centre_timestamp,
        ts((2011, 3, 29), (19, 20, 4), 16)
    );
    assert_eq!(d.user_data, UserData::text("тест"));
}

/// Arabic UCS-2 SMS-DELIVER posted on the Nokia developer forum ("how to
/// send UCS character"): two characters U+0628 U+062A, TP-UDL 4 octets.
#[test]
fn nokia_forum_arabic_ucs2() {
    let d = deliver("04 0B910201014160F3 00 08 20219130521580 04 0628062A");
    assert_eq!(
        d.originating_address,
        TpAddress::international("20101014063")
    );
    assert_eq!(
        d.service_centre_timestamp,
        ts((2002, 12, 19), (3, 25, 51), 8)
    );
    assert_eq!(d.user_data, UserData::text("\u{628}\u{62A}"));
}

const MULTIPART_1: &str = "44 0B916171056429F5 00 00 21405291650569 A0 0500034C0201
    A9E8F41C949E83C2207B599E07B1DFEE33885E9ED341E4F23C7D7697C920FA1B54C697E5E3F4BC0C6AD7D9F434
    081E96D341E3303C2C4EB3D3F4BC0B94A483E6E8779D4D06CDD1EF3BA80E0785E7A0B7BB0C6A97E7F3F0B9CC02
    B9DF7450780EA2DFDF2C50780EA2A3CBA0BA9B5C96B3F369F71954768FDFE4B4FB0C9297E1F2F2BCECA6CF41";
const MULTIPART_2: &str = "44 0B916171056429F5 00 00 21405291651569 32 0500034C0202
    E9E8301D44479741F0B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0FB4D4797E52E10";
const MULTIPART_TEXT: &str = "This is a very long test designed to exercise multi part \
    capability. It should show up as one message, not as two, as the underlying encoding \
    represents that the parts are related to one another. ";

/// ModemManager `test_pdu_multipart`: a GSM 7-bit text in two parts with
/// an 8-bit concatenation header (reference 0x4C), one fill bit after the
/// 6-octet header, zone `69` = -16 quarters. [`text_user_data`] must split
/// the whole text exactly as the sender did. The sender set the fill bit
/// after each header (`A9`, `E9`); we write it as zero (`A8`, `E8`).
#[test]
fn modemmanager_concatenated_gsm7() {
    let parts = [
        deliver_with_fill(MULTIPART_1, (25, 0xA8)),
        deliver_with_fill(MULTIPART_2, (25, 0xE8)),
    ];
    assert_eq!(parts[0].user_data.header, concat8(0x4C, 2, 1));
    assert_eq!(parts[1].user_data.header, concat8(0x4C, 2, 2));
    assert!(
        !parts[0].more_messages_to_send,
        "0x44 sets TP-MMS and TP-UDHI"
    );
    assert_eq!(
        parts[1].service_centre_timestamp,
        ts((2012, 4, 25), (19, 56, 51), -16)
    );
    let joined: String = parts.iter().filter_map(|p| p.user_data.as_text()).collect();
    assert_eq!(joined, MULTIPART_TEXT);

    let (dcs, user_data) = text_user_data(MULTIPART_TEXT, 0x4C, None);
    assert_eq!(dcs, DataCodingScheme::GSM7);
    assert_eq!(user_data.len(), 2);
    for (part, ud) in parts.iter().zip(user_data) {
        let rebuilt = SmsDeliver {
            user_data: ud,
            ..part.clone()
        };
        assert_eq!(rebuilt, *part);
    }
}

/// ModemManager `test_pdu_udhi` (KPN NL welcome message): a 16-bit
/// concatenation header (7 octets, so no fill bits), 160 septets, an
/// originator "1002" with numbering plan 5 (SC specific), TP-PID 0x39.
#[test]
fn modemmanager_concatenated_16bit_reference() {
    let d = deliver(
        "40 04850120 39 00 11609232239180 A0 0608040010 0201
         D7327BFD6EB340E2321BF46E83EA7790F59D1E97DBE1341B442F83C465763D3DA797E56537C81D0ECB41AB59CC
         1693C16031D96C064241E5656838AF03A96230982A269BCD462917C8FA4E8FCBED709A0D7ABBE9F6B0FB5C7683
         D27350984D4FABC9A0B33C4C4FCF5D20EBFB2D079DCB62793DBD06D9C36E50FB2D4E97D9A0B49B5E96BBCB",
    );
    assert_eq!(d.originating_address.ton, TypeOfNumber::Unknown);
    assert_eq!(d.originating_address.npi, NumberingPlan::Reserved(5));
    assert_eq!(d.originating_address.value, "1002");
    assert_eq!(d.protocol_identifier, 0x39);
    assert!(d.more_messages_to_send, "0x40 leaves TP-MMS clear");
    let header = d.user_data.header.as_ref().unwrap();
    assert_eq!(
        header.elements,
        [InformationElement::Concat16 {
            reference: 0x0010,
            total: 2,
            seq: 1
        }]
    );
    assert_eq!(
        d.user_data.as_text(),
        Some(
            "Welkom, bel om uw Voicemail te beluisteren naar +31612001233 (PrePay: \
             *100*1233#). Voicemail ontvangen is altijd gratis. Voor gebruik van mobiel interne"
        )
    );
}

/// ModemManager `test_pdu_dcsf1`: TP-DCS 0xF1 (group 1111: GSM 7-bit,
/// class 1), a full 160-septet message with CR LF and accented letters.
#[test]
fn modemmanager_dcs_group_f_class_1() {
    let d = deliver(
        "04 04858100 00 F1 11604231805180 A0
         49B7F90D9A1AA5A01668F8769BD3E4B29B9E2EB359A03FC85D06A9C3ED707A0EA2CBC3EE79BB4CA7CBCBA05643
         617DA7C76990FD4D979741EE77DD5E0ED741ED371D442E83E0E1F9BC0CD281E677D9B84C06C1DF7539E85C9097
         E520FB9B2E2F83C6EF369C5E064D8D52D0BC2E07DDEF77D7DC2C7799E5A0771D040FCB41F402BB0047BFDD6550
         B80ECAD966",
    );
    assert_eq!(d.dcs.class(), Some(MessageClass::Class1));
    assert_eq!(d.dcs.alphabet(), Alphabet::Gsm7);
    assert_eq!(d.originating_address.value, "1800");
    assert_eq!(
        d.service_centre_timestamp,
        ts((2011, 6, 24), (13, 8, 15), 8)
    );
    assert_eq!(
        d.user_data.as_text(),
        Some(
            "Info SFR - Confidentiel, à ne jamais transmettre -\r\nVoici votre nouveau mot de \
             passe : sw2ced pour gérer votre compte SFR sur www.sfr.fr ou par téléphone au 963"
        )
    );
}
