//! The seed corpus: real inputs for each fuzz target, built with wire's own
//! encoders (SMPP PDUs, air frames, receipts, texts) or taken from the
//! published TPDU vectors wire's golden tests check. Targets whose first
//! byte steers them (read size, data_coding) get it prepended here.

use bytes::BytesMut;
use wire::air::{AirErrorCode, AirFrame, RpCause, TerminalKind, encode_frame};
use wire::receipt::{Receipt, ReceiptDate, stat};
use wire::smpp::esm;
use wire::smpp::frame::encode_command;
use wire::smpp::rusmpp::pdus::{BindTransceiver, DeliverSm, SubmitSm};
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{DataCoding, InterfaceVersion, Npi, RegisteredDelivery, Ton};
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};
use wire::text::{Encoding, gsm7, pack, ucs2};

/// (target, file name, bytes).
pub type Seed = (&'static str, &'static str, Vec<u8>);

/// Control byte for the stream targets: 64-byte reads, default maximum.
const WHOLE_READS: u8 = 0x3f;
const AUTH_TEXT: &str = "ACME: code 483920 to pay CNY 128.00. Valid 5 min.";
const MSISDN: &str = "8613800138000";
const MESSAGE_ID: &str = "5f0c2a9e-7d41-4b7a-9a53-0c1e8f2d6b37";

pub fn all() -> Vec<Seed> {
    let mut seeds = smpp();
    seeds.extend(tpdu());
    seeds.extend(air());
    seeds.extend(receipts());
    seeds.extend(texts());
    seeds
}

fn c_octets<const MIN: usize, const MAX: usize>(s: &str) -> COctetString<MIN, MAX> {
    COctetString::from_string(s.to_owned()).expect("seed strings fit their fields")
}

fn stream(control: u8, commands: &[Command]) -> Vec<u8> {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&[control]);
    for c in commands {
        encode_command(c, &mut buf);
    }
    buf.to_vec()
}

fn smpp() -> Vec<Seed> {
    let bind = BindTransceiver::builder()
        .system_id(c_octets("gateway"))
        .password(c_octets("secret08"))
        .system_type(c_octets("SMS"))
        .interface_version(InterfaceVersion::Smpp3_4)
        .addr_ton(Ton::International)
        .addr_npi(Npi::Isdn)
        .build();
    let bind = Command::new(CommandStatus::EsmeRok, 1, Pdu::BindTransceiver(bind));
    let enquire = Command::new(CommandStatus::EsmeRok, 2, Pdu::EnquireLink);
    let text = wire::text::encode(AUTH_TEXT, Encoding::Gsm7).expect("GSM-7 text");
    let submit = SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr(c_octets("ACME"))
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(c_octets(MSISDN))
        .esm_class(esm::esm_class(esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(1))
        .data_coding(DataCoding::from(0u8))
        .short_message(OctetString::from_slice(&text).expect("one part"))
        .build();
    let submit = Command::new(CommandStatus::EsmeRok, 3, submit);
    let receipt = DeliverSm::builder()
        .source_addr_ton(Ton::International)
        .source_addr_npi(Npi::Isdn)
        .source_addr(c_octets(MSISDN))
        .destination_addr(c_octets("ACME"))
        .esm_class(esm::esm_class(esm::MC_DELIVERY_RECEIPT))
        .short_message(OctetString::from_slice(canonical_receipt().as_bytes()).expect("short"))
        .build();
    let receipt = Command::new(CommandStatus::EsmeRok, 4, receipt);
    // A header claiming 8 bytes, then a good PDU the codec must still find.
    let mut short_length = vec![
        WHOLE_READS,
        0,
        0,
        0,
        8,
        0,
        0,
        0,
        0x15,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        9,
    ];
    short_length.extend(&stream(0, std::slice::from_ref(&enquire))[1..]);
    vec![
        (
            "smpp_frame",
            "bind_transceiver_enquire_link",
            stream(WHOLE_READS, &[bind, enquire.clone()]),
        ),
        (
            "smpp_frame",
            "enquire_link",
            stream(WHOLE_READS, &[enquire]),
        ),
        ("smpp_frame", "submit_sm_byte_reads", stream(0, &[submit])),
        ("smpp_frame", "deliver_sm_receipt", stream(5, &[receipt])),
        ("smpp_frame", "short_command_length", short_length),
    ]
}

/// Octets from a hex string with spaces.
fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ASCII"), 16).expect("hex"))
        .collect()
}

const DELIVER_HELLO: &str = "04 0BC87238880900F1 00 00 99309251619580 0A E8329BFD4697D9EC37";

fn tpdu() -> Vec<Seed> {
    [
        ("deliver_gsm7", DELIVER_HELLO),
        (
            "deliver_ucs2_alphanumeric",
            "04 14D04937BD2C7797E9D3E614 00 08 11309291024061 08 0442043504410442",
        ),
        (
            "submit_relative_validity",
            "11 00 0B916407281553F8 00 00 AA 0A E8329BFD4697D9EC37",
        ),
        (
            "status_report",
            "06 00 0B910221815716F2 70902151012180 70902151017180 00",
        ),
        (
            "status_report_with_text",
            "02 07 0B915121551532F4 24010131000080 24010201000080 46 06 00 02 C834",
        ),
        ("deliver_report_error", "00 D2 07 00 00 02 C834"),
        ("deliver_report_udh", "40 06 04 08 06 05040B8423F0 AB"),
    ]
    .into_iter()
    .map(|(name, h)| ("tpdu", name, hex(h)))
    .collect()
}

fn frames(frames: &[AirFrame]) -> Vec<u8> {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&[WHOLE_READS]);
    for f in frames {
        encode_frame(f, &mut buf).expect("seed frames fit");
    }
    buf.to_vec()
}

fn air() -> Vec<Seed> {
    let msisdn = || "447700900101".parse().expect("seed MSISDN");
    let attach = AirFrame::Attach {
        msisdn: msisdn(),
        imsi: "234150000000101".parse().expect("seed IMSI"),
        kind: TerminalKind::Phone,
    };
    let deliver = AirFrame::Deliver {
        reference: 7,
        msisdn: msisdn(),
        tpdu: hex(DELIVER_HELLO),
    };
    let refused = AirFrame::DeliverError {
        reference: 8,
        cause: RpCause(22),
        tpdu: hex("00 D2 07 00 00 02 C834"),
    };
    let submit = AirFrame::Submit {
        reference: 9,
        msisdn: msisdn(),
        tpdu: hex("11 00 0B916407281553F8 00 00 AA 0A E8329BFD4697D9EC37"),
    };
    vec![
        (
            "air_frame",
            "hello_attach",
            frames(&[
                AirFrame::Hello {
                    cell: "cell-1".into(),
                },
                attach,
            ]),
        ),
        (
            "air_frame",
            "deliver_ack_error",
            frames(&[deliver, AirFrame::DeliverAck { reference: 7 }, refused]),
        ),
        (
            "air_frame",
            "submit_ack",
            frames(&[submit, AirFrame::SubmitAck { reference: 9 }]),
        ),
        (
            "air_frame",
            "heartbeat_error",
            frames(&[
                AirFrame::Heartbeat { nonce: 7 },
                AirFrame::HeartbeatAck { nonce: 7 },
                AirFrame::Error {
                    code: AirErrorCode(2),
                    message: "unknown frame type 0x99".into(),
                },
            ]),
        ),
    ]
}

fn canonical_receipt() -> String {
    Receipt {
        id: MESSAGE_ID.to_owned(),
        sub: Some(1),
        dlvrd: Some(1),
        submit_date: ReceiptDate::from_unix_ms(1_795_323_780_000).ok(),
        done_date: ReceiptDate::from_unix_ms(1_795_323_784_000).ok(),
        stat: stat::DELIVRD.to_owned(),
        err: Some("000".to_owned()),
        text: Some(AUTH_TEXT.chars().take(wire::receipt::TEXT_LEN).collect()),
    }
    .format()
}

fn receipts() -> Vec<Seed> {
    [
        ("canonical", canonical_receipt()),
        ("variant_spellings", "ID:0x1A2B Sub:1 submit_date:261122050312 done_date:261122050316 STAT:UNDELIV err:34 Text:Hello: there".into()),
        ("value_after_space_nul", "id: 7 stat: EXPIRED err: 0\0".into()),
        ("no_optional_fields", "id:42 stat:ACCEPTD".into()),
    ]
    .into_iter()
    .map(|(name, s)| ("receipt", name, s.into_bytes()))
    .collect()
}

fn with(control: u8, rest: &[u8]) -> Vec<u8> {
    [&[control], rest].concat()
}

fn texts() -> Vec<Seed> {
    let gsm = gsm7::encode("Hello {world} €5 £ ÄÖ").expect("GSM-7 text");
    let hello = gsm7::encode("hellohello").expect("GSM-7 text");
    let packed = pack::pack(&hello, 10 % 8);
    // Reassembly: tag (kind in bits 0-1), length, [SAR values], data.
    let mut parts = vec![0u8];
    for (seq, body) in [(2u8, &b"world"[..]), (1, b"hello ")] {
        let udh = [0x05, 0x00, 0x03, 0x4c, 0x02, seq];
        parts.extend([0x01, (udh.len() + body.len()) as u8]);
        parts.extend(udh);
        parts.extend(body);
    }
    for seq in [1u8, 2] {
        parts.extend([0x02, 3, 0x11, 2, seq]);
        parts.extend(b"sar");
    }
    vec![
        ("text", "gsm7_unpacked", with(0x00, &gsm)),
        ("text", "gsm7_packed", with(hello.len() as u8, &packed)),
        ("text", "ucs2", with(0x08, &ucs2::encode("тест 你好 😀"))),
        (
            "text",
            "udh_concat_part",
            with(
                0x00,
                &[&[0x05, 0x00, 0x03, 0x4c, 0x02, 0x01][..], &gsm].concat(),
            ),
        ),
        ("text", "reassembly_parts", parts),
    ]
}
