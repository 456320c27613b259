//! `switchboard bench otp` through the library: a tiny run completes its
//! checkouts and reports every figure. Speed is never asserted: the
//! benchmark prints figures, the machine decides them.

use std::path::Path;

use clap::Parser;
use switchboard::bench::{BenchCommand, otp};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    bench: BenchCommand,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_otp_completes_every_checkout_and_reports_the_figures() {
    let cli = Cli::try_parse_from([
        "bench",
        "otp",
        "--checkouts",
        "4",
        "--concurrency",
        "2",
        "--runs",
        "1",
        "--json-only",
    ])
    .expect("the CLI of the brief parses");
    let BenchCommand::Otp(args) = cli.bench else {
        panic!("parsed as another benchmark");
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let report = otp::run(&args, &fixtures)
        .await
        .expect("the benchmark runs");
    let json: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&report).expect("serializes"))
            .expect("one JSON object");
    assert_eq!(json["bench"], "otp");
    assert_eq!(json["runs"].as_array().map(Vec::len), Some(1));
    let run = &json["runs"][0];
    assert_eq!(run["checkouts"], 4, "{run}");
    assert_eq!(run["code_delivery"]["samples"], 4);
    assert_eq!(run["checkout"]["samples"], 4);
    for figure in [
        "checkouts_per_s",
        "code_delivery_p50_ms",
        "code_delivery_p99_ms",
        "checkout_p50_ms",
        "checkout_p99_ms",
        "argon2_hashes_per_s",
        "ratio",
    ] {
        let v = json[figure].as_f64().unwrap_or(f64::NAN);
        assert!(v.is_finite() && v >= 0.0, "{figure} = {}", json[figure]);
    }
    assert!(json["checkouts_per_s"].as_f64() > Some(0.0));
    assert!(json["argon2_hashes_per_s"].as_f64() > Some(0.0));
    assert!(
        json["checkout_p99_ms"].as_f64() >= json["checkout_p50_ms"].as_f64(),
        "{json}"
    );
}
