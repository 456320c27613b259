//! The window: back-pressure, pipelining, timeouts.

use std::{collections::HashSet, sync::atomic::Ordering::SeqCst, time::Duration};

use futures::future::join_all;
use tokio::time::Instant;
use wire::esme::EsmeError;

use crate::{
    connect, quick,
    responder::{Script, Smsc},
    submit,
};

#[tokio::test(start_paused = true)]
async fn callers_beyond_the_window_wait() {
    let smsc = Smsc::memory(Script {
        delay: Duration::from_secs(1),
        ..Script::default()
    });
    let mut config = smsc.config();
    config.window = 4;
    let (esme, _events) = connect(config).await;
    let start = Instant::now();
    let results = join_all((0..20).map(|n| {
        let esme = esme.clone();
        async move { esme.submit_sm(submit(n)).await }
    }))
    .await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!(
        smsc.seen.max_in_flight.load(SeqCst),
        4,
        "the window is filled, never exceeded"
    );
    // 20 requests, 4 at a time, 1 s each: five rounds.
    assert!(
        start.elapsed() >= Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(esme.in_flight(), 0);
}

#[tokio::test]
async fn thousand_submits_pipeline_through_a_window_of_100() {
    let smsc = Smsc::tcp(Script {
        receipts: true,
        ..Script::default()
    })
    .await;
    let mut config = quick(smsc.config());
    config.window = 100;
    let (esme, mut events) = connect(config).await;
    let receipts = tokio::spawn(async move {
        let mut ids = HashSet::new();
        while ids.len() < 1000 {
            let event = crate::next_event(&mut events).await;
            let receipt = event.receipt().expect("only receipts arrive");
            ids.insert(receipt.receipted_message_id.expect("receipted_message_id"));
        }
        ids
    });
    let results = join_all((0..1000).map(|n| esme.submit_sm(submit(n)))).await;
    let ids: HashSet<String> = results.into_iter().map(|r| r.unwrap().message_id).collect();
    assert_eq!(ids.len(), 1000);
    assert_eq!(receipts.await.unwrap(), ids, "a receipt for every message");
    let max = smsc.seen.max_in_flight.load(SeqCst);
    assert!(
        (2..=100).contains(&max),
        "pipelined within the window: {max}"
    );
    smsc.seen
        .wait("1000 deliver_sm_resp", |s| {
            s.responses.lock().unwrap().len() == 1000
        })
        .await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_response_times_out_and_frees_its_slot() {
    let smsc = Smsc::memory(Script {
        delay: Duration::from_secs(20),
        ..Script::default()
    });
    let mut config = smsc.config();
    config.response_timeout = Duration::from_secs(5);
    config.enquire_link_interval = Duration::from_secs(60);
    config.window = 1;
    let (esme, _events) = connect(config).await;
    let err = esme.submit_sm(submit(1)).await.unwrap_err();
    assert!(
        matches!(err, EsmeError::Timeout(d) if d == Duration::from_secs(5)),
        "{err:?}"
    );
    assert_eq!(esme.in_flight(), 0);
    // The late response is ignored; the session stays bound and usable.
    let late = esme.submit_sm(submit(2)).await;
    assert!(matches!(late, Err(EsmeError::Timeout(_))));
    assert!(esme.is_bound());
}
