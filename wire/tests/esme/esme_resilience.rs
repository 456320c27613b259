//! Throttling, dropped connections, keepalive.

use std::{sync::atomic::Ordering::SeqCst, time::Duration};

use tokio::time::Instant;
use wire::esme::{DisconnectReason, EsmeError, Event};

use crate::{
    connect, next_event,
    responder::{Script, Smsc},
    submit,
};

#[tokio::test(start_paused = true)]
async fn throttled_submit_is_retried_after_the_backoff() {
    let smsc = Smsc::memory(Script {
        throttle_first: 2,
        ..Script::default()
    });
    let mut config = smsc.config();
    config.throttle_backoff = Duration::from_secs(1);
    config.throttle_retries = 3;
    let (esme, _events) = connect(config).await;
    let start = Instant::now();
    assert_eq!(esme.submit_sm(submit(1)).await.unwrap().message_id, "m3");
    assert_eq!(smsc.seen.submits.load(SeqCst), 3);
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn throttling_beyond_the_retries_fails() {
    let smsc = Smsc::memory(Script {
        throttle_first: 100,
        ..Script::default()
    });
    let mut config = smsc.config();
    config.throttle_retries = 2;
    let (esme, _events) = connect(config).await;
    let err = esme.submit_sm(submit(1)).await.unwrap_err();
    assert!(
        matches!(err, EsmeError::Throttled { retries: 2 }),
        "{err:?}"
    );
    assert_eq!(
        smsc.seen.submits.load(SeqCst),
        3,
        "first try and two retries"
    );
}

#[tokio::test(start_paused = true)]
async fn dropped_connection_fails_outstanding_and_rebinds() {
    let smsc = Smsc::memory(Script {
        delay: Duration::from_secs(1),
        drop_on_submit: Some(3),
        ..Script::default()
    });
    let mut config = smsc.config();
    config.window = 5;
    config.reconnect.min = Duration::from_secs(2);
    let (esme, mut events) = connect(config).await;
    let outstanding: Vec<_> = (0..3)
        .map(|n| {
            let esme = esme.clone();
            tokio::spawn(async move { esme.submit_sm(submit(n)).await })
        })
        .collect();
    for o in outstanding {
        let r = o.await.unwrap();
        assert!(matches!(r, Err(EsmeError::Disconnected)), "{r:?}");
    }
    let event = next_event(&mut events).await;
    assert!(
        matches!(event, Event::Disconnected(DisconnectReason::PeerClosed)),
        "{event:?}"
    );
    // Sent while reconnecting: waits for the re-bind instead of failing.
    let start = Instant::now();
    assert_eq!(esme.submit_sm(submit(9)).await.unwrap().message_id, "m4");
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert!(matches!(next_event(&mut events).await, Event::Bound(_)));
    assert_eq!(smsc.seen.connections.load(SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn unanswered_enquire_link_means_a_dead_link() {
    let smsc = Smsc::memory(Script {
        answer_enquire_link: false,
        ..Script::default()
    });
    let mut config = smsc.config();
    config.enquire_link_interval = Duration::from_secs(5);
    config.enquire_link_timeout = Duration::from_secs(2);
    config.reconnect.min = Duration::from_secs(1);
    let (esme, mut events) = connect(config).await;
    let start = Instant::now();
    let event = next_event(&mut events).await;
    assert!(
        matches!(
            event,
            Event::Disconnected(DisconnectReason::KeepaliveTimeout)
        ),
        "{event:?}"
    );
    assert!(
        start.elapsed() >= Duration::from_secs(7),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(smsc.seen.enquire_links.load(SeqCst), 1);
    assert!(matches!(next_event(&mut events).await, Event::Bound(_)));
    assert_eq!(smsc.seen.connections.load(SeqCst), 2);
    assert!(esme.submit_sm(submit(1)).await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn answered_enquire_links_keep_an_idle_session() {
    let smsc = Smsc::memory(Script::default());
    let mut config = smsc.config();
    config.enquire_link_interval = Duration::from_secs(5);
    config.enquire_link_timeout = Duration::from_secs(2);
    let (esme, mut events) = connect(config).await;
    tokio::time::sleep(Duration::from_secs(61)).await;
    let links = smsc.seen.enquire_links.load(SeqCst);
    assert!((11..=12).contains(&links), "one per idle interval: {links}");
    assert!(events.try_recv().is_none(), "no disconnect");
    assert_eq!(smsc.seen.connections.load(SeqCst), 1);
    assert!(esme.is_bound());
}
