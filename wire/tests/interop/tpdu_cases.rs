//! The TPDUs the smspdudecoder cross-check encodes: SMS-DELIVER with
//! GSM 7-bit (plain, flash, unknown header elements, concatenated), UCS-2
//! (Chinese, emoji, concatenated), 8-bit with a port header; SMS-SUBMIT
//! with each TP-VP form. Senders are international, national (with `*#`)
//! and alphanumeric; zones run from −05:00 to +08:00.

use time::OffsetDateTime;
use time::macros::datetime;
use wire::text::InformationElement;
use wire::tpdu::*;

pub enum Case {
    Deliver(SmsDeliver),
    Submit(SmsSubmit),
}

pub fn at(dt: OffsetDateTime) -> Timestamp {
    Timestamp::from_offset_datetime(dt).expect("test times are encodable")
}

fn deliver(from: TpAddress, dcs: DataCodingScheme, scts: OffsetDateTime, ud: UserData) -> Case {
    Case::Deliver(SmsDeliver {
        more_messages_to_send: false,
        reply_path: false,
        status_report_indication: false,
        originating_address: from,
        protocol_identifier: 0,
        dcs,
        service_centre_timestamp: at(scts),
        user_data: ud,
    })
}

fn submit(
    to: TpAddress,
    dcs: DataCodingScheme,
    vp: Option<ValidityPeriod>,
    ud: UserData,
) -> SmsSubmit {
    SmsSubmit {
        reject_duplicates: false,
        reply_path: false,
        status_report_request: false,
        message_reference: 0,
        destination_address: to,
        protocol_identifier: 0,
        dcs,
        validity_period: vp,
        user_data: ud,
    }
}

fn with_header(elements: Vec<InformationElement>, body: UserData) -> UserData {
    UserData {
        header: Some(UserDataHeader { elements }),
        ..body
    }
}

pub fn cases() -> Vec<Case> {
    let alice = TpAddress::international("447700900101");
    let li = TpAddress::national("13800138000");
    let mut cases = vec![
        deliver(
            alice.clone(),
            DataCodingScheme::GSM7,
            datetime!(2024-05-17 14:03:09 +02:00),
            UserData::text("Your code is 123456. Do not share it [ref: €5] {ok}"),
        ),
        deliver(
            alice.clone(),
            DataCodingScheme::UCS2,
            datetime!(2023-11-05 01:30:00 -05:00),
            UserData::text("Payment approved 😀👍 — thank you"),
        ),
        deliver(
            TpAddress::alphanumeric("Switchboard"),
            DataCodingScheme::new(Alphabet::Gsm7, Some(MessageClass::Class0)),
            datetime!(2024-07-01 12:00:00 -03:30),
            UserData::text("Flash: code 998877"),
        ),
        deliver(
            TpAddress::national("0*12#3"),
            DataCodingScheme(0xF5),
            datetime!(2025-01-01 00:00:00 UTC),
            with_header(
                vec![InformationElement::Port16 {
                    destination: 0x0B84,
                    originator: 0x23F0,
                }],
                UserData::binary(vec![0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF]),
            ),
        ),
        deliver(
            TpAddress::alphanumeric("MyShop"),
            DataCodingScheme::GSM7,
            datetime!(2024-12-31 23:59:59 +05:45),
            with_header(
                vec![
                    InformationElement::Concat16 {
                        reference: 0xBEEF,
                        total: 1,
                        seq: 1,
                    },
                    InformationElement::Other {
                        iei: 0x70,
                        data: vec![0xAB, 0xCD],
                    },
                ],
                UserData::text("Header with an unknown element"),
            ),
        ),
    ];
    // A long GSM 7-bit text and a long Chinese text, split with 8-bit concatenation.
    let long_gsm = "Switchboard test message. ".repeat(14);
    let (dcs, parts) = text_user_data(&long_gsm, 0x4C, None);
    assert_eq!(parts.len(), 3);
    cases.extend(parts.into_iter().map(|ud| {
        deliver(
            alice.clone(),
            dcs,
            datetime!(2024-03-31 01:59:59 +00:00),
            ud,
        )
    }));
    let long_zh = "您的验证码是123456，请在五分钟内输入，切勿告诉他人。".repeat(6);
    let (dcs, parts) = text_user_data(&long_zh, 0xA7, None);
    assert_eq!((dcs, parts.len()), (DataCodingScheme::UCS2, 3));
    cases.extend(
        parts
            .into_iter()
            .map(|ud| deliver(li.clone(), dcs, datetime!(2024-02-10 08:00:00 +08:00), ud)),
    );

    let mut s = submit(
        alice.clone(),
        DataCodingScheme::GSM7,
        Some(ValidityPeriod::Relative(167)),
        UserData::text("YES 4471"),
    );
    (s.status_report_request, s.message_reference) = (true, 42);
    cases.push(Case::Submit(s));
    let until = at(datetime!(2024-02-11 08:00:00 +08:00));
    let mut s = submit(
        li,
        DataCodingScheme::UCS2,
        Some(ValidityPeriod::Absolute(until)),
        UserData::text("好的，谢谢！"),
    );
    s.reject_duplicates = true;
    cases.push(Case::Submit(s));
    let mut s = submit(
        TpAddress::international("8613800138000"),
        DataCodingScheme::GSM7,
        Some(ValidityPeriod::Enhanced([0x02, 90, 0, 0, 0, 0, 0])),
        with_header(
            vec![InformationElement::Concat16 {
                reference: 7,
                total: 2,
                seq: 2,
            }],
            UserData::text("second half"),
        ),
    );
    s.reply_path = true;
    cases.push(Case::Submit(s));
    cases.push(Case::Submit(submit(
        TpAddress::national("2468"),
        DataCodingScheme::EIGHT_BIT,
        None,
        UserData::binary(b"\x01raw\xFF".to_vec()),
    )));
    cases
}
