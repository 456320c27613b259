//! SMPP messages in, SMS-DELIVER TPDUs out, decoded back to check them.

use super::*;
use crate::message::{Address, MessageState, Origin};
use wire::tpdu::{MtTpdu, decode_mt};

fn message(data_coding: u8, esm_class: u8, payload: &[u8]) -> Message {
    Message {
        id: "1234".into(),
        account: "gw".into(),
        service_type: String::new(),
        source: Address {
            ton: 5,
            npi: 0,
            addr: "ShopPay".into(),
        },
        dest: Address {
            ton: 1,
            npi: 1,
            addr: "447700900101".into(),
        },
        esm_class,
        protocol_id: 0,
        priority: 0,
        registered_delivery: 1,
        data_coding,
        payload: payload.to_vec(),
        sar: None,
        submitted_at: 1_700_000_000_000,
        deliver_at: None,
        expires_at: 1_700_000_100_000,
        state: MessageState::Enroute,
        done_at: None,
        error_code: 0,
        attempts: 0,
        origin: Origin::Esme,
        set_dpf: false,
    }
}

fn delivers(m: &Message) -> Vec<SmsDeliver> {
    sms_delivers(m)
        .expect("converts")
        .iter()
        .map(|t| match decode_mt(t).expect("decodes") {
            MtTpdu::Deliver(d) => d,
            other => panic!("expected SMS-DELIVER, got {other:?}"),
        })
        .collect()
}

#[test]
fn gsm_text_stays_gsm_and_keeps_sender_and_time() {
    let d = delivers(&message(0x00, 0, b"Code 123456"));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].user_data.as_text(), Some("Code 123456"));
    assert_eq!(d[0].dcs.alphabet(), Alphabet::Gsm7);
    assert_eq!(d[0].originating_address, TpAddress::alphanumeric("ShopPay"));
    let t = d[0]
        .service_centre_timestamp
        .to_offset_datetime()
        .expect("valid");
    assert_eq!(t.unix_timestamp(), 1_700_000_000);
    assert!(!d[0].more_messages_to_send);
}

#[test]
fn latin1_goes_gsm_when_it_can_and_ucs2_when_it_cannot() {
    let d = delivers(&message(0x03, 0, &[b'c', b'a', b'f', 0xE9]));
    assert_eq!(
        (d[0].dcs.alphabet(), d[0].user_data.as_text()),
        (Alphabet::Gsm7, Some("café"))
    );
    // 'ÿ' (0xFF) is not in the GSM default alphabet.
    let d = delivers(&message(0x03, 0, &[b'x', 0xFF]));
    assert_eq!(
        (d[0].dcs.alphabet(), d[0].user_data.as_text()),
        (Alphabet::Ucs2, Some("xÿ"))
    );
}

#[test]
fn flash_class_and_binary_carry_over() {
    // GSM DCS 0x10: general group, class 0, GSM 7-bit.
    let d = delivers(&message(0x10, 0, b"Flash!"));
    assert_eq!(d[0].dcs.class(), Some(MessageClass::Class0));
    let d = delivers(&message(0x04, 0, &[0xDE, 0xAD, 0xBE, 0xEF]));
    assert_eq!(d[0].dcs.alphabet(), Alphabet::EightBit);
    assert_eq!(
        d[0].user_data.body,
        UserDataBody::Binary(vec![0xDE, 0xAD, 0xBE, 0xEF])
    );
}

#[test]
fn an_esme_udh_is_kept_and_sar_becomes_a_16_bit_reference() {
    let mut payload = vec![0x05, 0x00, 0x03, 0x2A, 0x02, 0x01];
    payload.extend_from_slice(b"first half");
    let d = delivers(&message(0x00, 0x40, &payload));
    let c = d[0]
        .user_data
        .header
        .as_ref()
        .and_then(|h| h.concatenation())
        .expect("concat");
    assert_eq!((c.reference, c.total, c.seq), (0x2A, 2, 1));
    assert_eq!(d[0].user_data.as_text(), Some("first half"));
    let mut m = message(0x00, 0, b"second");
    m.sar = Some((0x1234, 2, 2));
    let d = delivers(&m);
    let h = d[0].user_data.header.as_ref().expect("udh");
    assert_eq!(
        h.elements,
        [InformationElement::Concat16 {
            reference: 0x1234,
            total: 2,
            seq: 2
        }]
    );
}

#[test]
fn a_long_payload_is_split_with_more_messages_to_send() {
    let text = "0123456789".repeat(40);
    let d = delivers(&message(0x00, 0, text.as_bytes()));
    assert_eq!(d.len(), 3, "400 septets need three 153-septet parts");
    assert!(d[0].more_messages_to_send && d[1].more_messages_to_send);
    assert!(!d[2].more_messages_to_send);
    let joined: String = d.iter().filter_map(|p| p.user_data.as_text()).collect();
    assert_eq!(joined, text);
    let data = vec![7u8; 300];
    let d = delivers(&message(0x04, 0, &data));
    assert_eq!(d.len(), 3);
}

#[test]
fn a_pre_segmented_part_too_long_for_one_tpdu_is_refused() {
    let mut payload = vec![0x05, 0x00, 0x03, 0x01, 0x02, 0x01];
    payload.extend(std::iter::repeat_n(b'a', 160));
    assert!(matches!(
        sms_delivers(&message(0x00, 0x40, &payload)),
        Err(ConvertError::SegmentTooLong)
    ));
    assert!(matches!(
        sms_delivers(&message(0x00, 0x40, &[0x09, 0x00])),
        Err(ConvertError::Udh(_))
    ));
}
