//! `smsc-sim bench` end to end with tiny numbers: an in-process smsc-sim and
//! the ceiling responder each take 200 messages on 2 binds, every receipt
//! comes back, and the JSON line carries the figures. Speed is not asserted:
//! benchmarks print figures, tests check that they are measured.

use smsc_sim::bench::options::{BenchArgs, Encoding, OnOff, StoreKind};
use smsc_sim::bench::{self, report};

fn args(store: StoreKind, receipts: OnOff) -> BenchArgs {
    BenchArgs {
        binds: 2,
        window: 10,
        messages: 200,
        receipts,
        size: 40,
        encoding: Encoding::Ucs2,
        store,
        target: None,
        system_id: "bench".into(),
        password: "bench".into(),
        rate: None,
        runs: 1,
        no_ceiling: false,
        json_only: true,
        timeout: 30,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_receipt_arrives_from_smsc_and_ceiling() {
    for store in [StoreKind::Memory, StoreKind::Durable] {
        let opts = args(store, OnOff::On).check().expect("valid options");
        let report = bench::run(&opts).await.expect("bench completes");
        let run = &report.runs[0];
        let ceiling = run.ceiling.as_ref().expect("ceiling measured");
        for phase in [&run.smsc, ceiling] {
            assert_eq!(
                (
                    phase.submitted,
                    phase.accepted,
                    phase.rejected,
                    phase.receipts
                ),
                (200, 200, 0, 200)
            );
            assert_eq!(phase.resp_latency.samples, 200);
            assert_eq!(
                phase.receipt_latency.samples, 200,
                "every receipt matched to its submit"
            );
            assert!(phase.msgs_per_s > 0.0 && phase.wall_s > 0.0);
        }
        assert!(run.ratio.is_some_and(|r| r > 0.0));

        let json: serde_json::Value =
            serde_json::from_str(&report::json_line(&report)).expect("the JSON line parses");
        assert!(!report::json_line(&report).contains('\n'));
        assert_eq!(
            json["target"],
            serde_json::to_value(store).expect("store kind")
        );
        assert_eq!(json["options"]["window"], 10);
        assert!(json["options"].get("password").is_none());
        for key in [
            "msgs_per_s",
            "submits_per_s",
            "receipts_per_s",
            "cpu_user_s",
            "cpu_sys_s",
            "peak_rss_mib",
        ] {
            assert!(json["smsc"][key].is_number(), "smsc.{key}");
            assert!(json["ceiling"][key].is_number(), "ceiling.{key}");
        }
        for key in ["p50_us", "p99_us", "p999_us"] {
            assert!(json["smsc"]["resp_latency"][key].is_number());
            assert!(json["smsc"]["receipt_latency"][key].is_number());
        }
        assert!(json["ratio"].is_number());
        assert_eq!(json["runs"][0]["smsc"]["receipts"], 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_off_ends_on_the_last_resp() {
    let mut a = args(StoreKind::Memory, OnOff::Off);
    a.encoding = Encoding::Gsm;
    a.no_ceiling = true;
    let report = bench::run(&a.check().expect("valid options"))
        .await
        .expect("bench completes");
    let smsc = &report.runs[0].smsc;
    assert_eq!(
        (smsc.accepted, smsc.receipts, smsc.receipt_latency.samples),
        (200, 0, 0)
    );
    assert!(report.ceiling.is_none() && report.ratio.is_none());
    assert!(report::table(&report).contains("no ceiling measured"));
}
