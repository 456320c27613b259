//! A bind flood against the real smsc-sim process: thousands of
//! connections, 100 at a time, each guessing the "tester" password as fast
//! as the SMSC answers. Every bind is answered (none hangs, none succeeds),
//! the counter in /metrics sees each one, the guard then refuses even the
//! right password from this address for the rest of the minute (password
//! guessing stops), another account binds and submits at once, and the
//! SMSC's memory stays bounded.

mod parts;

use std::time::Duration;

use parts::*;
use wire::esme::{Esme, EsmeConfig, EsmeError};

const ATTEMPTS: usize = 3000;
const AT_ONCE: usize = 100;

fn config(smpp: &str, system_id: &str, password: &str) -> EsmeConfig {
    let mut c = EsmeConfig::new(smpp.to_owned(), system_id, password);
    c.response_timeout = Duration::from_secs(10);
    c
}

async fn bind_failures(http: &str) -> u64 {
    let text = reqwest::get(format!("http://{http}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    text.lines()
        .find_map(|l| l.strip_prefix("smsc_bind_failures_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no smsc_bind_failures_total in /metrics:\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_password_guesses_is_answered_and_then_refused_unchecked() {
    let scratch = Scratch::new("bindflood");
    let smsc = smsc_sim(&scratch, ["127.0.0.1:0"; 3]);
    let smpp = smsc.addr("smpp");
    let http = smsc.addr("http");
    let rss_before = smsc.rss_kib();

    let mut outcomes: Vec<Result<(), EsmeError>> = Vec::with_capacity(ATTEMPTS);
    for wave in 0..ATTEMPTS / AT_ONCE {
        let mut binds = tokio::task::JoinSet::new();
        for i in 0..AT_ONCE {
            let c = config(&smpp, "tester", &format!("g{wave:03}{i:03}"));
            binds.spawn(async move { Esme::connect(c).await.map(|_| ()) });
        }
        outcomes.extend(binds.join_all().await);
    }
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Err(EsmeError::BindFailed(_))))
        .count();
    let other: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .filter(|e| !matches!(e, EsmeError::BindFailed(_)))
        .map(|e| e.to_string())
        .take(3)
        .collect();
    assert_eq!(
        refused, ATTEMPTS,
        "every guess answered with a bind error; others: {other:?}"
    );
    assert_eq!(bind_failures(&http).await, ATTEMPTS as u64);

    // The right password from the guessing address: refused for now.
    let guessed = Esme::connect(config(&smpp, "tester", "test-pw")).await;
    assert!(
        matches!(guessed, Err(EsmeError::BindFailed(_))),
        "the guard holds: {:?}",
        guessed.map(|_| ())
    );
    // Another account is served at once.
    let (esme, _events) = Esme::connect(config(&smpp, "gateway", "gw-pw"))
        .await
        .expect("the gateway account binds during the lockout");
    let sm = wire::smpp::rusmpp::pdus::SubmitSm::builder()
        .destination_addr(
            wire::smpp::rusmpp::types::COctetString::from_string("447700900555".into())
                .expect("number"),
        )
        .esm_class(wire::smpp::esm::esm_class(0))
        .short_message(wire::smpp::rusmpp::types::OctetString::from_slice(b"hi").expect("text"))
        .build();
    esme.submit_sm(sm).await.expect("submit_sm answered OK");
    let _ = esme.unbind().await;

    let rss_after = smsc.rss_kib();
    assert!(
        rss_after < rss_before + 64 * 1024,
        "RSS {rss_before} KiB -> {rss_after} KiB after {ATTEMPTS} binds"
    );
    smsc.stop();
}
