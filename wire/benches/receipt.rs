//! Delivery receipt micro-benchmarks: the text an SMSC writes into every
//! receipt deliver_sm and the gateway reads back, once per message sent
//! with receipts on. Building covers what smsc-sim does for each receipt
//! (dates from Unix milliseconds, then [`Receipt::format`]); parsing reads
//! the canonical form and a vendor variant (upper-case keys, `SUBMIT_DATE`,
//! dates with seconds, a hex id) with [`Receipt::parse`]. The receipt is
//! for the authorization-code SMS. Throughput is in receipts per second.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wire::receipt::{Receipt, ReceiptDate, TEXT_LEN, stat};

const AUTH_TEXT: &str = "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it.";
const MESSAGE_ID: &str = "5f0c2a9e-7d41-4b7a-9a53-0c1e8f2d6b37";
/// Sent 2026-11-22 05:03, delivered 4 s later.
const SUBMITTED_MS: i64 = 1_795_323_780_000;
const DONE_MS: i64 = SUBMITTED_MS + 4_000;

/// Builds the receipt text as an SMSC does for each delivered message.
fn build(id: &str, text: &str, submitted_ms: i64, done_ms: i64) -> String {
    Receipt {
        id: id.to_owned(),
        sub: Some(1),
        dlvrd: Some(1),
        submit_date: ReceiptDate::from_unix_ms(submitted_ms).ok(),
        done_date: ReceiptDate::from_unix_ms(done_ms).ok(),
        stat: stat::DELIVRD.to_owned(),
        err: Some("000".to_owned()),
        text: Some(text.chars().take(TEXT_LEN).collect()),
    }
    .format()
}

fn vendor_variant() -> String {
    let text: String = AUTH_TEXT.chars().take(TEXT_LEN).collect();
    format!(
        "id:0A1B2C3D SUB:001 DLVRD:001 SUBMIT_DATE:261122050300 \
         DONE_DATE:261122050304 STAT:DELIVRD ERR:000 TEXT:{text}"
    )
}

fn receipt_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("receipt");
    group.throughput(Throughput::Elements(1));
    group.bench_function("build", |b| {
        b.iter(|| {
            build(
                black_box(MESSAGE_ID),
                black_box(AUTH_TEXT),
                black_box(SUBMITTED_MS),
                black_box(DONE_MS),
            )
        })
    });
    let receipt = Receipt::parse(&build(MESSAGE_ID, AUTH_TEXT, SUBMITTED_MS, DONE_MS))
        .expect("the built receipt parses");
    group.bench_function("format_only", |b| b.iter(|| black_box(&receipt).format()));
    group.finish();
}

fn receipt_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("receipt/parse");
    group.throughput(Throughput::Elements(1));
    let canonical = build(MESSAGE_ID, AUTH_TEXT, SUBMITTED_MS, DONE_MS);
    let vendor = vendor_variant();
    for (name, text) in [("canonical", &canonical), ("vendor_variant", &vendor)] {
        let parsed = Receipt::parse(text).expect("the bench receipt parses");
        assert_eq!(parsed.stat, stat::DELIVRD);
        assert!(parsed.done_date.is_some(), "{name} has a done date");
        group.bench_function(name, |b| b.iter(|| Receipt::parse(black_box(text))));
    }
    group.finish();
}

criterion_group!(benches, receipt_build, receipt_parse);
criterion_main!(benches);
