//! Message text micro-benchmarks: the work [`wire::text`] does for every
//! message before it becomes a PDU and after it arrives. GSM-7 encode and
//! decode of a full 160-character message and UCS-2 encode and decode of the
//! Chinese authorization-code SMS are measured in bytes of input per second;
//! choosing the alphabet ([`smallest_encoding`]), splitting a long text into
//! three UDH-headed parts and putting those parts back together
//! ([`Reassembler`]) are measured in messages per second. Every input is the
//! authorization-code SMS, repeated where a longer text is needed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wire::text::{
    Concatenation, Encoding, Outcome, Part, Reassembler, Segment, gsm7, segment_text,
    smallest_encoding, ucs2,
};

const AUTH_TEXT: &str = "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it.";
const AUTH_TEXT_ZH: &str = "【ACME】验证码483920，支付CNY 128.00，5分钟内有效，请勿泄露。";
const REFERENCE: u8 = 0x42;

/// `text` repeated (space-separated) to exactly `chars` characters.
fn repeated(text: &str, chars: usize) -> String {
    text.chars().chain([' ']).cycle().take(chars).collect()
}

fn gsm7_160() -> String {
    let text = repeated(AUTH_TEXT, 160);
    assert_eq!(gsm7::septet_count(&text), Some(160), "one full GSM-7 part");
    text
}

fn gsm7_codec(c: &mut Criterion) {
    let text = gsm7_160();
    let septets = gsm7::encode(&text).expect("GSM-7 text");
    let mut group = c.benchmark_group("text/gsm7");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("encode_160", |b| b.iter(|| gsm7::encode(black_box(&text))));
    group.throughput(Throughput::Bytes(septets.len() as u64));
    group.bench_function("decode_160", |b| {
        b.iter(|| gsm7::decode(black_box(&septets)))
    });
    group.finish();
}

fn ucs2_codec(c: &mut Criterion) {
    let units = ucs2::encode(AUTH_TEXT_ZH);
    let mut group = c.benchmark_group("text/ucs2");
    group.throughput(Throughput::Bytes(AUTH_TEXT_ZH.len() as u64));
    group.bench_function("encode_zh_code", |b| {
        b.iter(|| ucs2::encode(black_box(AUTH_TEXT_ZH)))
    });
    group.throughput(Throughput::Bytes(units.len() as u64));
    group.bench_function("decode_zh_code", |b| {
        b.iter(|| ucs2::decode(black_box(&units)))
    });
    group.finish();
}

fn choose_encoding(c: &mut Criterion) {
    let full = gsm7_160();
    let mut group = c.benchmark_group("text/smallest_encoding");
    group.throughput(Throughput::Elements(1));
    for (name, text) in [
        ("en_code", AUTH_TEXT),
        ("en_160", full.as_str()),
        ("zh_code", AUTH_TEXT_ZH),
    ] {
        group.bench_function(name, |b| b.iter(|| smallest_encoding(black_box(text))));
    }
    group.finish();
}

/// A text that takes exactly three UDH8 parts in `encoding`.
fn three_parts(text: &str, chars: usize, encoding: Encoding) -> (String, Vec<Segment>) {
    let long = repeated(text, chars);
    let segments = segment_text(&long, encoding, Concatenation::Udh8(REFERENCE))
        .expect("the long text encodes");
    assert_eq!(segments.len(), 3, "{encoding} text of {chars} characters");
    (long, segments)
}

fn segmentation(c: &mut Criterion) {
    let mut group = c.benchmark_group("text/segment_udh8");
    group.throughput(Throughput::Elements(1));
    for (name, text, chars, encoding) in [
        ("gsm7_3_parts", AUTH_TEXT, 400, Encoding::Gsm7),
        ("ucs2_3_parts", AUTH_TEXT_ZH, 180, Encoding::Ucs2),
    ] {
        let (long, _) = three_parts(text, chars, encoding);
        group.bench_function(name, |b| {
            b.iter(|| {
                segment_text(
                    black_box(&long),
                    black_box(encoding),
                    Concatenation::Udh8(REFERENCE),
                )
            })
        });
    }
    group.finish();
}

fn reassembly(c: &mut Criterion) {
    let mut group = c.benchmark_group("text/reassemble_udh8");
    group.throughput(Throughput::Elements(1));
    for (name, text, chars, encoding) in [
        ("gsm7_3_parts", AUTH_TEXT, 400, Encoding::Gsm7),
        ("ucs2_3_parts", AUTH_TEXT_ZH, 180, Encoding::Ucs2),
    ] {
        let (long, segments) = three_parts(text, chars, encoding);
        let data_coding = encoding.data_coding();
        group.bench_function(name, |b| {
            let mut reassembler = Reassembler::new(Duration::from_secs(60), 1024);
            let now = Instant::now();
            b.iter(|| {
                // Parts arrive out of order, as they may over different routes.
                let mut whole = None;
                for i in [1, 0, 2] {
                    let part = Part::ShortMessage {
                        udhi: true,
                        data: black_box(&segments[i].data),
                    };
                    let outcome = reassembler
                        .accept("8613800138000", "ACME", part, now)
                        .expect("well-formed parts");
                    if let Outcome::Complete(r) = outcome {
                        whole = Some(r);
                    }
                }
                let text = whole
                    .expect("three parts complete the message")
                    .text(data_coding)
                    .expect("the joined text decodes");
                debug_assert_eq!(text, long);
                text
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    gsm7_codec,
    ucs2_codec,
    choose_encoding,
    segmentation,
    reassembly
);
criterion_main!(benches);
