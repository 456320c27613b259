//! Option parsing: defaults, every flag, and the values refused.

use clap::Parser;

use super::*;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    bench: BenchArgs,
}

fn parse(args: &[&str]) -> Result<BenchOptions, String> {
    let cli = Cli::try_parse_from(std::iter::once("bench").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    cli.bench.check()
}

#[test]
fn defaults_match_the_documented_ones() {
    let o = parse(&[]).expect("defaults are valid");
    assert_eq!(
        (o.binds, o.window, o.messages, o.runs, o.size),
        (1, 100, 200_000, 3, 20)
    );
    assert!(o.receipts && o.ceiling && !o.json_only);
    assert_eq!(
        (o.encoding, o.store, o.target, o.rate),
        (Encoding::Gsm, StoreKind::Memory, None, None)
    );
}

#[test]
fn every_option_parses() {
    let o = parse(&[
        "--binds",
        "4",
        "--window",
        "1",
        "--messages",
        "500",
        "--receipts",
        "off",
        "--size",
        "140",
        "--encoding",
        "ucs2",
        "--rate",
        "1000",
        "--runs",
        "5",
        "--no-ceiling",
        "--json-only",
        "--target",
        "127.0.0.1:2775",
        "--system-id",
        "gw",
        "--password",
        "pw",
    ])
    .expect("valid options");
    assert_eq!(
        (o.binds, o.window, o.messages, o.size, o.runs),
        (4, 1, 500, 140, 5)
    );
    assert!(!o.receipts && !o.ceiling && o.json_only);
    assert_eq!(o.target, Some("127.0.0.1:2775".parse().expect("address")));
    assert_eq!(
        (o.system_id.as_str(), o.password.as_str(), o.rate),
        ("gw", "pw", Some(1000.0))
    );
    let sm = o.submit_template();
    assert_eq!(sm.short_message().as_ref().len(), 140);
    assert_eq!(
        (u8::from(sm.data_coding), u8::from(sm.registered_delivery)),
        (8, 0)
    );
    assert_eq!(
        parse(&["--store", "durable"]).expect("valid").store,
        StoreKind::Durable
    );
}

#[test]
fn bad_values_are_refused() {
    for bad in [
        &["--window", "0"][..],
        &["--runs", "0"],
        &["--size", "255"],
        &["--encoding", "ucs2", "--size", "21"],
        &["--rate", "0"],
        &["--receipts", "maybe"],
        &["--target", "127.0.0.1:1", "--store", "durable"],
        &["--password", "longer-than-8"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?} should be refused");
    }
}
