//! SMPP framing micro-benchmarks: what one PDU costs in [`FrameCodec`] and
//! [`encode_command`], the two ends every submit, response and receipt
//! crosses. The inputs are the PDUs of one authorization-code SMS: the
//! submit_sm the gateway sends (GSM-7 text, receipt requested, 5-minute
//! validity), the submit_sm_resp the SMSC answers and the deliver_sm that
//! carries its delivery receipt (receipt text plus receipted_message_id,
//! message_state and network_error_code TLVs). Decoding is measured for one
//! PDU and for 100 back-to-back PDUs cut from one read buffer, as a
//! pipelined bind sees them; encoding appends to a buffer that keeps its
//! capacity, as a batched writer does. Throughput is in PDUs.

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tokio_util::codec::Decoder;
use wire::receipt::{Receipt, ReceiptDate, stat};
use wire::smpp::frame::encode_command;
use wire::smpp::rusmpp::pdus::{DeliverSm, SubmitSm, SubmitSmResp};
use wire::smpp::rusmpp::tlvs::MessageDeliveryRequestTlvValue as Tlv;
use wire::smpp::rusmpp::types::{COctetString, EmptyOrFullCOctetString, OctetString};
use wire::smpp::rusmpp::values::{
    DataCoding, ErrorCodeNetworkType, MessageState, NetworkErrorCode, Npi, RegisteredDelivery, Ton,
};
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};
use wire::smpp::{FrameCodec, Inbound, esm};

const AUTH_TEXT: &str = "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it.";
const SENDER: &str = "ACME";
const MSISDN: &str = "8613800138000";
const MESSAGE_ID: &str = "5f0c2a9e-7d41-4b7a-9a53-0c1e8f2d6b37";
/// Sent 2026-11-22 05:03, delivered 4 s later.
const SUBMITTED_MS: i64 = 1_795_323_780_000;
const BATCH: usize = 100;

fn c_octets<const MIN: usize, const MAX: usize>(s: &str) -> COctetString<MIN, MAX> {
    COctetString::from_string(s.to_owned()).expect("bench constants fit their SMPP fields")
}

fn submit_sm(seq: u32) -> Command {
    let text = wire::text::encode(AUTH_TEXT, wire::text::Encoding::Gsm7)
        .expect("the authorization text is GSM-7");
    let validity = wire::smpp::time::format_smpp_relative(std::time::Duration::from_secs(300))
        .expect("five minutes is a valid relative time");
    let pdu = SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(c_octets(SENDER))
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(c_octets(MSISDN))
        .esm_class(esm::esm_class(esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(1))
        .validity_period(
            EmptyOrFullCOctetString::from_string(validity).expect("16 characters and a NUL"),
        )
        .data_coding(DataCoding::from(0u8))
        .short_message(OctetString::from_slice(&text).expect("one part is under 255 octets"))
        .build();
    Command::new(CommandStatus::EsmeRok, seq, pdu)
}

fn submit_sm_resp(seq: u32) -> Command {
    let pdu = SubmitSmResp::builder()
        .message_id(c_octets(MESSAGE_ID))
        .build();
    Command::new(CommandStatus::EsmeRok, seq, Pdu::SubmitSmResp(pdu))
}

fn receipt_deliver_sm(seq: u32) -> Command {
    let text = Receipt {
        id: MESSAGE_ID.to_owned(),
        sub: Some(1),
        dlvrd: Some(1),
        submit_date: ReceiptDate::from_unix_ms(SUBMITTED_MS).ok(),
        done_date: ReceiptDate::from_unix_ms(SUBMITTED_MS + 4_000).ok(),
        stat: stat::DELIVRD.to_owned(),
        err: Some("000".to_owned()),
        text: Some(AUTH_TEXT.chars().take(wire::receipt::TEXT_LEN).collect()),
    }
    .format();
    let pdu = DeliverSm::builder()
        .source_addr_ton(Ton::International)
        .source_addr_npi(Npi::Isdn)
        .source_addr(c_octets(MSISDN))
        .dest_addr_ton(Ton::Alphanumeric)
        .dest_addr_npi(Npi::Unknown)
        .destination_addr(c_octets(SENDER))
        .esm_class(esm::esm_class(esm::MC_DELIVERY_RECEIPT))
        .data_coding(DataCoding::from(0u8))
        .short_message(OctetString::from_slice(text.as_bytes()).expect("a receipt is short"))
        .tlvs(vec![
            Tlv::ReceiptedMessageId(c_octets(MESSAGE_ID)),
            Tlv::MessageState(MessageState::Delivered),
            Tlv::NetworkErrorCode(NetworkErrorCode::new(ErrorCodeNetworkType::Gsm, 0)),
        ])
        .build();
    Command::new(CommandStatus::EsmeRok, seq, pdu)
}

fn wire_bytes(commands: &[Command]) -> BytesMut {
    let mut buf = BytesMut::new();
    for c in commands {
        encode_command(c, &mut buf);
    }
    buf
}

/// Decodes every PDU in `buf`, returning how many were whole commands.
fn decode_all(codec: &mut FrameCodec, buf: &mut BytesMut) -> usize {
    let mut n = 0;
    while let Some(item) = codec.decode(buf).expect("bench input frames cleanly") {
        match item {
            Inbound::Command(c) => n += usize::from(black_box(c).pdu().is_some()),
            Inbound::Malformed(e) => panic!("bench PDU rejected: {}", e.reason),
        }
    }
    n
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("smpp/decode");
    let cases = [
        ("submit_sm", submit_sm(7)),
        ("submit_sm_resp", submit_sm_resp(7)),
        ("deliver_sm_receipt", receipt_deliver_sm(7)),
    ];
    for (name, command) in cases {
        let frame = wire_bytes(&[command]);
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            let mut codec = FrameCodec::default();
            // The copy into a fresh buffer stands for the socket read and is not timed.
            b.iter_batched_ref(
                || frame.clone(),
                |buf| decode_all(&mut codec, black_box(buf)),
                BatchSize::SmallInput,
            )
        });
    }
    let batch: Vec<Command> = (1..=BATCH as u32).map(submit_sm).collect();
    let frames = wire_bytes(&batch);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("submit_sm_x100_one_buffer", |b| {
        let mut codec = FrameCodec::default();
        b.iter_batched_ref(
            || frames.clone(),
            |buf| {
                let n = decode_all(&mut codec, black_box(buf));
                assert_eq!(n, BATCH);
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("smpp/encode");
    group.throughput(Throughput::Elements(1));
    let cases = [
        ("submit_sm", submit_sm(7)),
        ("submit_sm_resp", submit_sm_resp(7)),
        ("deliver_sm_receipt", receipt_deliver_sm(7)),
    ];
    for (name, command) in cases {
        group.bench_function(name, |b| {
            let mut buf = BytesMut::with_capacity(4096);
            b.iter(|| {
                buf.clear();
                encode_command(black_box(&command), &mut buf);
                black_box(buf.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
