//! `gateway::sms` against a real smsc-sim in the same process: receipts
//! correlated by message id (decimal and hex SMSCs, transceiver and TX+RX
//! binds, TLS), long UCS-2 texts in several parts, failover by priority,
//! every SMSC down, throttling without double sends, and refusals.

#[path = "sms_smpp/support.rs"]
mod support;

use std::time::Duration;

use gateway::sms::{BindKind, IdFormat, SendError, SmsGateway, SmscTls};
use support::{Sim, closed_port, final_reports, smsc, tls_files};
use wire::msisdn::Msisdn;

fn to() -> Msisdn {
    "447700900123".parse().unwrap()
}

const CODE_TEXT: &str = "ACME: code 483920 to pay CNY 128.00. Valid 5 min. Never share it.";

#[tokio::test]
async fn sent_sms_gets_a_delivered_report_with_its_message_id() {
    let sim = Sim::start("").await;
    let (gw, mut reports) = SmsGateway::start(vec![sim.smsc("primary", "gateway", "gw-pw")])
        .await
        .unwrap();
    let sent = gw.send(&to(), CODE_TEXT, "pay_test").await.unwrap();
    assert_eq!((sent.smsc.as_str(), sent.segments), ("primary", 1));
    assert_eq!(sent.message_ids.len(), 1);
    let got = final_reports(&mut reports, &sent.message_ids).await;
    assert_eq!(got[0].stat, "DELIVRD");
    assert!(got[0].delivered() && got[0].smsc == "primary");
    assert_eq!(sim.submitted(), 1);
    gw.shutdown().await;
}

#[tokio::test]
async fn hex_message_ids_correlate() {
    let sim = Sim::start("").await;
    let mut c = sim.smsc("hex", "hexgw", "hex-pw");
    c.message_id_format = IdFormat::Hex;
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.unwrap();
    let mut ids = Vec::new();
    // Ids count up from 1: twelve messages reach the ones with hex letters.
    for _ in 0..12 {
        ids.extend(
            gw.send(&to(), CODE_TEXT, "pay_hex")
                .await
                .unwrap()
                .message_ids,
        );
    }
    assert!(
        ids.iter()
            .any(|id| id.bytes().any(|b| b.is_ascii_lowercase())),
        "{ids:?}"
    );
    let got = final_reports(&mut reports, &ids).await;
    assert!(got.iter().all(|r| r.stat == "DELIVRD"), "{got:?}");
}

#[tokio::test]
async fn long_ucs2_text_goes_in_parts_and_every_part_is_receipted() {
    let sim = Sim::start("").await;
    let mut c = sim.smsc("primary", "gateway", "gw-pw");
    c.bind = BindKind::TxRx;
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.unwrap();
    let text = "【ACME】您的订单已支付成功，金额CNY 128.00。".repeat(4);
    let sent = gw.send(&to(), &text, "pay_long").await.unwrap();
    assert!(sent.segments >= 2, "{sent:?}");
    assert_eq!(sent.message_ids.len(), sent.segments);
    let got = final_reports(&mut reports, &sent.message_ids).await;
    assert!(got.iter().all(|r| r.delivered()), "{got:?}");
    assert_eq!(sim.submitted(), sent.segments as u64);
}

#[tokio::test]
async fn first_smsc_down_means_the_second_is_used() {
    let sim = Sim::start("").await;
    let mut down = smsc("first", &closed_port().await, "gateway", "gw-pw");
    down.priority = 1;
    let mut up = sim.smsc("second", "gateway", "gw-pw");
    up.priority = 2;
    // Listed out of order: priority decides.
    let (gw, mut reports) = SmsGateway::start(vec![up, down]).await.unwrap();
    let names: Vec<_> = gw.status().into_iter().map(|s| (s.name, s.up)).collect();
    assert_eq!(
        names,
        vec![("first".to_string(), false), ("second".to_string(), true)]
    );
    let sent = gw.send(&to(), CODE_TEXT, "pay_failover").await.unwrap();
    assert_eq!(sent.smsc, "second");
    let got = final_reports(&mut reports, &sent.message_ids).await;
    assert_eq!(got[0].smsc, "second");
}

#[tokio::test]
async fn every_smsc_down_fails_fast_and_stays_retryable() {
    let a = smsc("a", &closed_port().await, "gateway", "gw-pw");
    let b = smsc("b", &closed_port().await, "gateway", "gw-pw");
    let outcome = tokio::time::timeout(Duration::from_secs(5), async {
        let (gw, _reports) = SmsGateway::start(vec![a, b]).await.unwrap();
        let first = gw.send(&to(), CODE_TEXT, "pay_down").await;
        let again = gw.send(&to(), CODE_TEXT, "pay_down").await;
        (first, again)
    })
    .await
    .expect("AllSmscsDown comes without waiting for timeouts");
    assert_eq!(outcome.0, Err(SendError::AllSmscsDown));
    assert_eq!(outcome.1, Err(SendError::AllSmscsDown));
}

#[tokio::test]
async fn throttled_smsc_gets_every_message_exactly_once() {
    let sim = Sim::start("").await;
    let mut c = sim.smsc("slow", "slow", "slow-pw");
    c.throttle_backoff_ms = 150;
    c.throttle_retries = 40;
    let (gw, _reports) = SmsGateway::start(vec![c]).await.unwrap();
    let sends = (0..6).map(|i| {
        let gw = &gw;
        async move { gw.send(&to(), CODE_TEXT, &format!("pay_{i}")).await }
    });
    let results = tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(sends))
        .await
        .expect("throttled sends finish");
    let mut ids: Vec<String> = results
        .into_iter()
        .flat_map(|r| r.expect("sent after backing off").message_ids)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    assert!(sim.throttled() > 0, "the SMSC did throttle");
    assert_eq!(sim.submitted(), 6, "no message was submitted twice");
}

#[tokio::test]
async fn rejection_is_final_and_not_failed_over() {
    let faults = r#"
[[faults.rules]]
account = "refuser"
action = { reject = "ESME_RINVDSTADR" }
"#;
    let sim = Sim::start(faults).await;
    let mut first = sim.smsc("first", "refuser", "ref-pw");
    first.priority = 1;
    let mut second = sim.smsc("second", "gateway", "gw-pw");
    second.priority = 2;
    let (gw, _reports) = SmsGateway::start(vec![first, second]).await.unwrap();
    let err = gw.send(&to(), CODE_TEXT, "pay_rej").await.unwrap_err();
    assert_eq!(err, SendError::Rejected("ESME_RINVDSTADR".into()));
    assert_eq!(sim.submitted(), 0, "the second SMSC was not tried");
}

#[tokio::test]
async fn transient_status_fails_over_to_the_next_smsc() {
    let faults = r#"
[[faults.rules]]
account = "flaky"
action = { reject = "ESME_RSYSERR" }
"#;
    let sim = Sim::start(faults).await;
    let mut first = sim.smsc("first", "flaky", "flaky-pw");
    first.priority = 1;
    let mut second = sim.smsc("second", "gateway", "gw-pw");
    second.priority = 2;
    let (gw, _reports) = SmsGateway::start(vec![first, second]).await.unwrap();
    let sent = gw.send(&to(), CODE_TEXT, "pay_flaky").await.unwrap();
    assert_eq!(sent.smsc, "second");
    assert_eq!(sim.submitted(), 1);
}

#[tokio::test]
async fn tls_smsc_with_its_ca_delivers() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = tls_files(dir.path());
    let tls = format!("[smpp.tls]\nlisten = \"127.0.0.1:0\"\ncert = {cert:?}\nkey = {key:?}\n");
    let sim = Sim::start(&tls).await;
    let addr = sim.tls.expect("TLS listener").to_string();
    let mut c = smsc("tls", &addr, "gateway", "gw-pw");
    c.tls = Some(SmscTls {
        ca_pem_path: cert.into(),
        server_name: Some("localhost".into()),
    });
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.unwrap();
    let sent = gw.send(&to(), CODE_TEXT, "pay_tls").await.unwrap();
    let got = final_reports(&mut reports, &sent.message_ids).await;
    assert!(got[0].delivered());
}
