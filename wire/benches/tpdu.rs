//! TPDU micro-benchmarks: the TS 23.040 PDUs the switch and a handset
//! exchange on the air link, one operation per message. SMS-DELIVER is
//! encoded (by the switch) and decoded (by the handset) with the
//! authorization-code SMS in GSM 7-bit (packed septets) and in its Chinese
//! UCS-2 form; the handset's SMS-SUBMIT (a confirmation reply asking for a
//! status report) and the switch's SMS-STATUS-REPORT are encoded and
//! decoded too, and [`text_user_data`] splits a three-part text into TP-UD
//! parts. Throughput is in TPDUs (or texts) per second.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wire::tpdu::{
    DataCodingScheme, SmsDeliver, SmsStatusReport, SmsSubmit, Timestamp, TpAddress, TpStatus,
    UserData, ValidityPeriod, text_user_data,
};

const AUTH_TEXT: &str = "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it.";
const AUTH_TEXT_ZH: &str = "【ACME】验证码483920，支付CNY 128.00，5分钟内有效，请勿泄露。";
const MSISDN: &str = "8613800138000";

/// 2026-11-22 13:03:00 in China (UTC+8, 32 quarter hours).
fn timestamp(second: u8) -> Timestamp {
    Timestamp {
        year: 2026,
        month: 11,
        day: 22,
        hour: 13,
        minute: 3,
        second,
        tz_quarter_hours: 32,
    }
}

fn deliver(text: &str, dcs: DataCodingScheme) -> SmsDeliver {
    SmsDeliver {
        more_messages_to_send: false,
        reply_path: false,
        status_report_indication: true,
        originating_address: TpAddress::alphanumeric("ACME"),
        protocol_identifier: 0,
        dcs,
        service_centre_timestamp: timestamp(0),
        user_data: UserData::text(text),
    }
}

fn submit() -> SmsSubmit {
    SmsSubmit {
        reject_duplicates: false,
        reply_path: false,
        status_report_request: true,
        message_reference: 0x2A,
        destination_address: TpAddress::national("1069012345"),
        protocol_identifier: 0,
        dcs: DataCodingScheme::GSM7,
        validity_period: Some(ValidityPeriod::Relative(0)),
        user_data: UserData::text("CONFIRM 483920"),
    }
}

fn status_report() -> SmsStatusReport {
    SmsStatusReport {
        more_messages_to_send: false,
        status_report_qualifier: false,
        message_reference: 0x2A,
        recipient_address: TpAddress::international(MSISDN),
        service_centre_timestamp: timestamp(0),
        discharge_time: timestamp(4),
        status: TpStatus::RECEIVED,
        protocol_identifier: None,
        dcs: None,
        user_data: None,
    }
}

fn sms_deliver(c: &mut Criterion) {
    let mut group = c.benchmark_group("tpdu/sms_deliver");
    group.throughput(Throughput::Elements(1));
    for (name, tpdu) in [
        ("gsm7", deliver(AUTH_TEXT, DataCodingScheme::GSM7)),
        ("ucs2", deliver(AUTH_TEXT_ZH, DataCodingScheme::UCS2)),
    ] {
        let octets = tpdu.encode().expect("the bench SMS-DELIVER encodes");
        assert_eq!(SmsDeliver::decode(&octets).as_ref(), Ok(&tpdu));
        group.bench_function(format!("encode_{name}"), |b| {
            b.iter(|| black_box(&tpdu).encode())
        });
        group.bench_function(format!("decode_{name}"), |b| {
            b.iter(|| SmsDeliver::decode(black_box(&octets)))
        });
    }
    group.finish();
}

fn sms_submit(c: &mut Criterion) {
    let tpdu = submit();
    let octets = tpdu.encode().expect("the bench SMS-SUBMIT encodes");
    assert_eq!(SmsSubmit::decode(&octets).as_ref(), Ok(&tpdu));
    let mut group = c.benchmark_group("tpdu/sms_submit");
    group.throughput(Throughput::Elements(1));
    group.bench_function("encode_gsm7", |b| b.iter(|| black_box(&tpdu).encode()));
    group.bench_function("decode_gsm7", |b| {
        b.iter(|| SmsSubmit::decode(black_box(&octets)))
    });
    group.finish();
}

fn sms_status_report(c: &mut Criterion) {
    let tpdu = status_report();
    let octets = tpdu.encode().expect("the bench SMS-STATUS-REPORT encodes");
    assert_eq!(SmsStatusReport::decode(&octets).as_ref(), Ok(&tpdu));
    let mut group = c.benchmark_group("tpdu/sms_status_report");
    group.throughput(Throughput::Elements(1));
    group.bench_function("encode", |b| b.iter(|| black_box(&tpdu).encode()));
    group.bench_function("decode", |b| {
        b.iter(|| SmsStatusReport::decode(black_box(&octets)))
    });
    group.finish();
}

fn split(c: &mut Criterion) {
    let long: String = AUTH_TEXT.chars().chain([' ']).cycle().take(400).collect();
    let (_, parts) = text_user_data(&long, 0x42, None);
    assert_eq!(parts.len(), 3, "400 GSM-7 characters take three parts");
    let mut group = c.benchmark_group("tpdu/text_user_data");
    group.throughput(Throughput::Elements(1));
    group.bench_function("gsm7_3_parts", |b| {
        b.iter(|| text_user_data(black_box(&long), 0x42, None))
    });
    group.finish();
}

criterion_group!(benches, sms_deliver, sms_submit, sms_status_report, split);
criterion_main!(benches);
