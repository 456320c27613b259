//! Clients that connect and then misbehave: silent connections, a header
//! sent halfway, and a flood of connections past `[smpp] max_connections`.
//! The SMSC closes what is over the limit at once and what stays silent at
//! `bind_timeout_s`, and a well-behaved ESME binds again afterwards. The
//! same on the air link (`[air] max_cells`, `hello_timeout_s`) and the
//! admin HTTP listener (`[http] max_connections`, `header_timeout_s`,
//! `idle_timeout_s`, and a slowloris trickle of header bytes).

mod common;

use std::time::Duration;

use common::{CONFIG, Peer};
use smsc_sim::{Config, Smsc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Runs an in-memory SMSC with `config` until the returned sender fires.
async fn run(config: Config) -> (Smsc2, tokio::sync::oneshot::Sender<()>) {
    let smsc = Smsc::build(config).await.expect("builds");
    let addrs = Smsc2 {
        air: smsc.air_addr(),
        http: smsc.http_addr(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(smsc.run_until(async move {
        let _ = stopped.await;
    }));
    tokio::spawn(async move { task.await.expect("join").expect("clean stop") });
    (addrs, stop)
}

/// The listeners of a running SMSC other than SMPP.
struct Smsc2 {
    air: std::net::SocketAddr,
    http: std::net::SocketAddr,
}

/// Connects to `addr` until the connection is not closed at once: a slot
/// is free once a closed connection's task has ended, a moment after the
/// peer sees the close.
async fn connect_held(addr: std::net::SocketAddr) -> TcpStream {
    loop {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        if tokio::time::timeout(Duration::from_millis(50), closed(&mut s))
            .await
            .is_err()
        {
            return s;
        }
    }
}

/// `GET /health` on a fresh connection: the status line.
async fn health(http: std::net::SocketAddr) -> String {
    let mut s = connect_held(http).await;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: smsc\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer))
        .await
        .expect("answered within 5 s")
        .expect("read");
    let text = String::from_utf8_lossy(&answer);
    text.lines().next().unwrap_or_default().to_owned()
}

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

#[tokio::test]
async fn silent_and_half_sent_cells_are_closed_and_a_real_cell_gets_in() {
    let mut config = Config::from_toml_str(CONFIG).expect("config");
    config.store.memory = true;
    config.air.max_cells = std::num::NonZeroUsize::new(2).expect("2");
    config.air.hello_timeout = Duration::from_secs(1);
    let (smsc, stop) = run(config).await;

    // One says nothing, one sends half a frame: both cell slots taken.
    let mut held = vec![TcpStream::connect(smsc.air).await.expect("connect")];
    let mut half = TcpStream::connect(smsc.air).await.expect("connect");
    half.write_all(&[0, 0, 0, 40, 1]).await.expect("write");
    held.push(half);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut over = TcpStream::connect(smsc.air)
        .await
        .expect("the kernel accepts");
    let at_once = tokio::time::timeout(Duration::from_millis(800), closed(&mut over)).await;
    assert_eq!(at_once, Ok(true), "over max_cells: closed at once");

    // Without a Hello they go at hello_timeout_s, well before the three
    // missed heartbeats (90 s) that used to be the only limit.
    let started = tokio::time::Instant::now();
    for s in &mut held {
        let gone = tokio::time::timeout(Duration::from_secs(5), closed(s)).await;
        assert_eq!(gone, Ok(true), "closed at hello_timeout_s");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "not before the timeout"
    );

    // A cell that says Hello is served, and stays past the hello timeout.
    let stream = connect_held(smsc.air).await;
    let mut cell = common::cell::Cell {
        io: tokio_util::codec::Framed::new(stream, wire::air::AirCodec::default()),
    };
    cell.send(wire::air::AirFrame::Hello {
        cell: "good-cell".into(),
    })
    .await;
    assert!(matches!(
        cell.recv().await,
        wire::air::AirFrame::HelloAck { .. }
    ));
    cell.attach(common::cell::ALICE, common::cell::ALICE_IMSI)
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cell.send(wire::air::AirFrame::Heartbeat { nonce: 7 }).await;
    assert!(matches!(
        cell.recv().await,
        wire::air::AirFrame::HeartbeatAck { nonce: 7 }
    ));
    let _ = stop.send(());
}

#[tokio::test]
async fn the_admin_api_serves_while_silent_slow_and_flooding_clients_are_cut_off() {
    let mut config = Config::from_toml_str(CONFIG).expect("config");
    config.store.memory = true;
    config.http.max_connections = std::num::NonZeroUsize::new(4).expect("4");
    config.http.header_timeout = Duration::from_secs(1);
    config.http.idle_timeout = Duration::from_secs(1);
    let (smsc, stop) = run(config).await;

    // Two silent connections and one with half a request.
    let mut held = vec![
        TcpStream::connect(smsc.http).await.expect("connect"),
        TcpStream::connect(smsc.http).await.expect("connect"),
    ];
    let mut half = TcpStream::connect(smsc.http).await.expect("connect");
    half.write_all(b"GET /health HTTP/1.1\r\nHost: smsc\r\n")
        .await
        .expect("write");
    held.push(half);
    // The fourth slot still serves a well-behaved client at once.
    assert_eq!(health(smsc.http).await, "HTTP/1.1 200 OK");

    // With all four taken, the next connection is closed at accept.
    held.push(connect_held(smsc.http).await);
    let mut over = TcpStream::connect(smsc.http)
        .await
        .expect("the kernel accepts");
    let at_once = tokio::time::timeout(Duration::from_millis(800), closed(&mut over)).await;
    assert_eq!(at_once, Ok(true), "over max_connections: closed at once");

    // Silence and the half request end at the idle and header time-outs.
    for s in &mut held {
        let gone = tokio::time::timeout(Duration::from_secs(5), closed(s)).await;
        assert_eq!(gone, Ok(true), "closed by a time-out");
    }

    // A slowloris trickle (a header byte every 300 ms, never idle) is cut
    // at the header time-out.
    let mut slow = connect_held(smsc.http).await;
    slow.write_all(b"GET /health HTTP/1.1\r\nX-Slow: ")
        .await
        .expect("write");
    let started = tokio::time::Instant::now();
    let trickle = async {
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if slow.write_all(b"a").await.is_err() {
                return;
            }
            let mut buf = [0u8; 256];
            if let Ok(Ok(0) | Err(_)) =
                tokio::time::timeout(Duration::from_millis(1), slow.read(&mut buf)).await
            {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), trickle)
        .await
        .expect("the trickle is cut within 5 s");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before the header time-out"
    );

    assert_eq!(health(smsc.http).await, "HTTP/1.1 200 OK");
    let _ = stop.send(());
}
