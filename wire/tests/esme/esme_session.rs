//! Binding, requests and unbinding.

use std::{sync::Arc, sync::atomic::Ordering::SeqCst};

use wire::{
    esme::{BindMode, DisconnectReason, Esme, EsmeError, Event, MAX_SEQUENCE_NUMBER, TlsSettings},
    smpp::{
        esm,
        rusmpp::{
            CommandId, CommandStatus, Pdu,
            pdus::{BindTransmitter, CancelSm, DataSm, QuerySm},
            types::COctetString,
        },
    },
};

use crate::{
    connect, next_event, quick,
    responder::{Script, Smsc},
    submit,
};

#[tokio::test]
async fn binds_over_tcp_and_submits() {
    let smsc = Smsc::tcp(Script::default()).await;
    let (esme, mut events) = Esme::connect(quick(smsc.config())).await.unwrap();
    match next_event(&mut events).await {
        Event::Bound(info) => {
            assert_eq!(info.system_id, "test-smsc");
            assert_eq!(info.sc_interface_version, Some(0x34));
        }
        other => panic!("expected Bound, got {other:?}"),
    }
    assert!(esme.is_bound());
    let first = esme.submit_sm(submit(1)).await.unwrap();
    let second = esme.submit_sm(submit(2)).await.unwrap();
    assert_eq!(
        (first.message_id.as_str(), second.message_id.as_str()),
        ("m1", "m2")
    );
    assert_eq!(
        *smsc.seen.binds.lock().unwrap(),
        vec![(CommandId::BindTransceiver, 0x34)]
    );
}

#[tokio::test]
async fn bind_mode_and_interface_version_come_from_config() {
    let smsc = Smsc::tcp(Script::default()).await;
    let mut config = quick(smsc.config());
    config.bind_mode = BindMode::Transmitter;
    config.interface_version = 0x50;
    let (_esme, _events) = connect(config).await;
    assert_eq!(
        *smsc.seen.binds.lock().unwrap(),
        vec![(CommandId::BindTransmitter, 0x50)]
    );
}

#[tokio::test]
async fn wrong_password_reports_the_bind_status() {
    let smsc = Smsc::tcp(Script::default()).await;
    let mut config = quick(smsc.config());
    config.password = "wrong".into();
    let err = Esme::connect(config).await.unwrap_err();
    assert!(
        matches!(err, EsmeError::BindFailed(CommandStatus::EsmeRinvpaswd)),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(CommandStatus::EsmeRinvpaswd));
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    drop(listener);
    let err = Esme::connect(quick(wire::esme::EsmeConfig::new(address, "gateway", "x")))
        .await
        .unwrap_err();
    assert!(matches!(err, EsmeError::Connect { .. }), "{err:?}");
}

#[tokio::test]
async fn generic_requests_return_responses_or_statuses() {
    let smsc = Smsc::memory(Script::default());
    let (esme, _events) = connect(smsc.config()).await;
    let mut data_sm = DataSm::default();
    data_sm.esm_class = esm::esm_class(esm::DEFAULT);
    data_sm.destination_addr = COctetString::from_string("447900000001".into()).unwrap();
    let resp = esme.request(data_sm).await.unwrap();
    assert!(matches!(resp.pdu(), Some(Pdu::DataSmResp(r)) if r.message_id().to_string() == "d1"));
    assert_eq!(
        esme.request(CancelSm::default()).await.unwrap().id(),
        CommandId::CancelSmResp
    );
    assert_eq!(
        esme.request(Pdu::EnquireLink).await.unwrap().id(),
        CommandId::EnquireLinkResp
    );
    let err = esme.request(QuerySm::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(CommandStatus::EsmeRqueryfail));
    let err = esme.request(BindTransmitter::default()).await.unwrap_err();
    assert!(matches!(
        err,
        EsmeError::NotARequest(CommandId::BindTransmitter)
    ));
    assert!(matches!(
        esme.request(Pdu::Unbind).await,
        Err(EsmeError::NotARequest(_))
    ));
}

#[tokio::test]
async fn oversized_pdu_is_refused_before_sending() {
    let smsc = Smsc::memory(Script::default());
    let mut config = smsc.config();
    config.max_pdu_len = 64;
    let (esme, _events) = connect(config).await;
    let err = esme.submit_sm(submit(1)).await.unwrap_err();
    assert!(
        matches!(err, EsmeError::PduTooLong { max: 64, .. }),
        "{err:?}"
    );
    assert_eq!(smsc.seen.submits.load(SeqCst), 0);
    assert_eq!(esme.in_flight(), 0);
}

#[tokio::test]
async fn sequence_numbers_wrap_to_one() {
    let smsc = Smsc::memory(Script::default());
    let mut config = smsc.config();
    config.first_sequence_number = MAX_SEQUENCE_NUMBER - 1; // taken by the bind
    let (esme, _events) = connect(config).await;
    for n in 0..3 {
        esme.submit_sm(submit(n)).await.unwrap();
    }
    assert_eq!(
        *smsc.seen.submit_seqs.lock().unwrap(),
        vec![MAX_SEQUENCE_NUMBER, 1, 2]
    );
}

#[tokio::test]
async fn unbind_is_graceful_and_final() {
    let smsc = Smsc::tcp(Script::default()).await;
    let (esme, mut events) = connect(quick(smsc.config())).await;
    esme.submit_sm(submit(1)).await.unwrap();
    esme.unbind().await.unwrap();
    assert_eq!(smsc.seen.unbinds.load(SeqCst), 1);
    assert!(!esme.is_bound());
    assert!(matches!(
        next_event(&mut events).await,
        Event::Disconnected(DisconnectReason::Local)
    ));
    assert!(
        events.recv().await.is_none(),
        "the stream ends with the session"
    );
    assert!(matches!(
        esme.submit_sm(submit(2)).await,
        Err(EsmeError::Closed)
    ));
    esme.unbind().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn unbind_waits_for_requests_in_the_window() {
    let smsc = Smsc::memory(Script {
        delay: std::time::Duration::from_secs(1),
        ..Script::default()
    });
    let (esme, _events) = connect(smsc.config()).await;
    let submits: Vec<_> = (0..3)
        .map(|n| {
            let esme = esme.clone();
            tokio::spawn(async move { esme.submit_sm(submit(n)).await })
        })
        .collect();
    smsc.seen
        .wait("three submits", |s| s.submits.load(SeqCst) == 3)
        .await;
    esme.unbind().await.unwrap();
    for s in submits {
        assert!(
            s.await.unwrap().is_ok(),
            "in-flight submits complete before unbind"
        );
    }
    assert_eq!(smsc.seen.unbinds.load(SeqCst), 1);
}

#[tokio::test]
async fn dropping_every_handle_ends_the_session() {
    let smsc = Smsc::memory(Script::default());
    let (esme, mut events) = connect(smsc.config()).await;
    drop(esme);
    assert!(matches!(
        next_event(&mut events).await,
        Event::Disconnected(DisconnectReason::Local)
    ));
    assert!(events.recv().await.is_none());
}

#[tokio::test]
async fn binds_and_submits_over_tls() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_der = cert.cert.der().clone();
    let key = rustls_pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der()).unwrap();
    let server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone()], key)
        .unwrap();
    let smsc = Smsc::tls(Script::default(), Arc::new(server)).await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert_der).unwrap();
    let client = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut config = quick(smsc.config());
    config.tls = Some(TlsSettings {
        client_config: Arc::new(client.clone()),
        server_name: "localhost".try_into().unwrap(),
    });
    let (esme, _events) = connect(config.clone()).await;
    assert_eq!(esme.submit_sm(submit(1)).await.unwrap().message_id, "m1");
    esme.unbind().await.unwrap();

    // The same SMSC under a name its certificate does not carry is refused.
    config.tls = Some(TlsSettings {
        client_config: Arc::new(client),
        server_name: "smsc.example".try_into().unwrap(),
    });
    assert!(matches!(
        Esme::connect(config).await,
        Err(EsmeError::Tls { .. })
    ));
}
