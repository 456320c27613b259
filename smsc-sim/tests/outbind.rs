//! Outbind on loopback: with an MO message queued for an account that has no
//! receiver bound, the SMSC calls the account's listener, sends outbind with
//! its credentials, accepts bind_receiver on that connection and delivers.

mod common;

use std::time::Duration;

use common::http::*;
use common::*;
use tokio::net::TcpListener;
use wire::smpp::rusmpp::pdus::BindReceiver;
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::InterfaceVersion;
use wire::smpp::rusmpp::{CommandStatus, Pdu};

#[tokio::test]
async fn queued_mo_makes_the_smsc_outbind_and_deliver() {
    let esme = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let extra = format!(
        "[[accounts]]\nsystem_id = \"callme\"\npassword = \"cm-pw\"\naddress_range = \"777\"\noutbind = \"{}\"\n",
        esme.local_addr().expect("addr")
    );
    let server = Server::start(&extra, None).await;
    let body = r#"{"from":"+447700900101","to":"777","text":"hello over outbind"}"#;
    assert_eq!(
        http(server.http, "POST", "/api/mo", Some(body))
            .await
            .status,
        202
    );

    let (stream, _) = tokio::time::timeout(Duration::from_secs(10), esme.accept())
        .await
        .expect("the SMSC calls within 10 s")
        .expect("accept");
    let mut peer = Peer::from_stream(stream);
    let c = peer.recv_command().await;
    let Some(Pdu::Outbind(o)) = c.pdu() else {
        panic!("expected outbind, got {c:?}")
    };
    assert_eq!(
        (o.system_id.as_str(), o.password.as_str()),
        ("callme", "cm-pw")
    );
    let bind = BindReceiver::builder()
        .system_id(COctetString::from_string("callme".to_owned()).expect("id"))
        .password(COctetString::from_string("cm-pw".to_owned()).expect("pw"))
        .interface_version(InterfaceVersion::Smpp3_4)
        .build();
    let resp = peer.request(bind).await;
    assert_eq!(resp.status(), CommandStatus::EsmeRok);
    let d = peer.next_deliver().await;
    let Some(Pdu::DeliverSm(sm)) = d.pdu() else {
        panic!("expected deliver_sm")
    };
    assert_eq!(sm.short_message().as_ref(), b"hello over outbind");
    drop(peer);
    server.stop().await;
}
