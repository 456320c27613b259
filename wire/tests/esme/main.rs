//! Integration tests of the ESME client against a scripted SMSC.
//!
//! `responder` is the SMSC; the test modules cover binding and requests
//! (`esme_session`), window and pipelining (`esme_window`), throttling,
//! reconnects and keepalive (`esme_resilience`), and what the SMSC sends
//! (`esme_inbound`). Timing tests run on tokio's paused clock over in-memory
//! streams; socket and TLS tests use 127.0.0.1:0.

mod esme_inbound;
mod esme_resilience;
mod esme_session;
mod esme_window;
mod responder;

use std::time::Duration;

use wire::{
    esme::{Esme, EsmeConfig, Event, EventStream},
    smpp::{
        esm,
        rusmpp::{
            pdus::SubmitSm,
            types::{COctetString, OctetString},
            values::{Npi, Ton},
        },
    },
};

/// A plain GSM text submit_sm; esm_class from a byte, never rusmpp's default.
pub fn submit(n: usize) -> SubmitSm {
    SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr(COctetString::from_string("MyBank".into()).unwrap())
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(COctetString::from_string(format!("4479{n:08}")).unwrap())
        .esm_class(esm::esm_class(esm::DEFAULT))
        .short_message(OctetString::from_slice(format!("Your code is {n:06}").as_bytes()).unwrap())
        .build()
}

/// Timers short enough for real-clock socket tests, never reached by them.
pub fn quick(mut config: EsmeConfig) -> EsmeConfig {
    config.response_timeout = Duration::from_secs(10);
    config.reconnect.min = Duration::from_millis(10);
    config.reconnect.max = Duration::from_millis(100);
    config
}

pub async fn connect(config: EsmeConfig) -> (Esme, EventStream) {
    let (esme, mut events) = Esme::connect(config).await.expect("bind");
    match next_event(&mut events).await {
        Event::Bound(info) => assert_eq!(info.system_id, responder::SMSC_ID),
        other => panic!("expected Bound first, got {other:?}"),
    }
    (esme, events)
}

/// The next event, within 30 s (virtual time on a paused clock).
pub async fn next_event(events: &mut EventStream) -> Event {
    tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("an event in time")
        .expect("the stream is open")
}
