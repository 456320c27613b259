//! Clients that connect and then misbehave: silent connections, a header
//! sent halfway, and a flood of connections past `[smpp] max_connections`.
//! The SMSC closes what is over the limit at once and what stays silent at
//! `bind_timeout_s`, and a well-behaved ESME binds again afterwards.

mod common;

use std::time::Duration;

use common::{CONFIG, Peer};
use smsc_sim::{Config, Smsc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// True once the SMSC has closed `s` (reads until EOF or an error).
async fn closed(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return true,
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn silent_half_sent_and_flooding_connections_are_closed_and_binds_go_on() {
    let mut config = Config::from_toml_str(CONFIG).expect("config");
    config.store.memory = true;
    config.smpp.max_connections = 3;
    config.smpp.bind_timeout = Duration::from_secs(1);
    let smsc = Smsc::build(config).await.expect("builds");
    let addr = smsc.smpp_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(smsc.run_until(async move {
        let _ = stopped.await;
    }));

    // Two say nothing, one sends half a PDU header: all three slots taken.
    let mut held = vec![
        TcpStream::connect(addr).await.expect("connect"),
        TcpStream::connect(addr).await.expect("connect"),
    ];
    let mut half = TcpStream::connect(addr).await.expect("connect");
    half.write_all(&[0, 0, 0, 40, 0, 0]).await.expect("write");
    held.push(half);
    tokio::time::sleep(Duration::from_millis(100)).await;

    // The fourth is over the limit: closed at once, before any bind.
    let mut over = TcpStream::connect(addr).await.expect("the kernel accepts");
    let at_once = tokio::time::timeout(Duration::from_millis(800), closed(&mut over)).await;
    assert_eq!(at_once, Ok(true), "closed before the bind timeout");

    // The held ones go at the bind timeout, and a real ESME binds again.
    for s in &mut held {
        let gone = tokio::time::timeout(Duration::from_secs(5), closed(s)).await;
        assert_eq!(gone, Ok(true), "closed at bind_timeout_s");
    }
    // A slot is free once the closed session's task has ended, a moment
    // after the peer sees the close: a connection that stays open has one.
    let stream = loop {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        if tokio::time::timeout(Duration::from_millis(50), closed(&mut s))
            .await
            .is_err()
        {
            break s;
        }
    };
    let mut esme = Peer::from_stream(stream);
    let resp = esme
        .request(common::bind_trx("gateway", "gw-pw", 0x34))
        .await;
    assert_eq!(resp.status(), wire::smpp::rusmpp::CommandStatus::EsmeRok);
    let resp = esme.request(wire::smpp::rusmpp::Pdu::Unbind).await;
    assert_eq!(resp.status(), wire::smpp::rusmpp::CommandStatus::EsmeRok);

    let _ = stop.send(());
    task.await.expect("join").expect("clean stop");
}
