//! Clients that connect to the API and then misbehave: silent connections,
//! half-sent requests, a slowloris trickle of header bytes, and a flood
//! past `[http] max_connections`. Each is closed (at accept, or at the
//! header or idle time-out) while a well-behaved client is still served,
//! and a long poll or an event stream that outlasts the idle time-out is
//! not cut, because it is a request being answered.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use handset_sim::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes `s` (EOF or an error).
async fn closed(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return true,
            Ok(_) => {}
        }
    }
}

/// A connection the server keeps (not one closed at accept because the
/// slot of a connection just closed is not free yet).
async fn connect_held(addr: SocketAddr) -> TcpStream {
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

/// `GET path` on a fresh connection: the status line and the whole answer.
async fn get(addr: SocketAddr, path: &str) -> (String, String) {
    let mut s = connect_held(addr).await;
    let req = format!("GET {path} HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    within("an answer", s.read_to_end(&mut answer))
        .await
        .expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    (text.lines().next().unwrap_or_default().to_owned(), text)
}

fn limited(switch: SocketAddr) -> Config {
    let mut config = common::config(switch);
    config.http.max_connections = std::num::NonZeroUsize::new(4).expect("4");
    config.http.header_timeout = Duration::from_secs(1);
    config.http.idle_timeout = Duration::from_secs(1);
    config
}

#[tokio::test]
async fn silent_half_sent_slow_and_flooding_clients_are_cut_off_and_good_ones_served() {
    let switch = FakeSwitch::bind().await;
    let sim = Sim::start(limited(switch.addr())).await;
    let addr: SocketAddr = sim.base["http://".len()..].parse().expect("address");

    let mut held = vec![
        TcpStream::connect(addr).await.expect("connect"),
        TcpStream::connect(addr).await.expect("connect"),
    ];
    let mut half = TcpStream::connect(addr).await.expect("connect");
    half.write_all(b"POST /api/terminals HTTP/1.1\r\nHost: sim\r\nContent-Le")
        .await
        .expect("write");
    held.push(half);
    // The last slot still serves a well-behaved client at once.
    assert_eq!(get(addr, "/health").await.0, "HTTP/1.1 200 OK");

    held.push(connect_held(addr).await);
    let mut over = TcpStream::connect(addr).await.expect("the kernel accepts");
    let at_once = tokio::time::timeout(Duration::from_millis(800), closed(&mut over)).await;
    assert_eq!(at_once, Ok(true), "over max_connections: closed at once");
    for s in &mut held {
        let gone = tokio::time::timeout(Duration::from_secs(5), closed(s)).await;
        assert_eq!(gone, Ok(true), "closed by the idle or header time-out");
    }

    // A header byte every 300 ms is never idle, but the header time-out
    // ends it.
    let mut slow = connect_held(addr).await;
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
    within("the trickle to be cut", trickle).await;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before the header time-out"
    );
    assert_eq!(get(addr, "/health").await.0, "HTTP/1.1 200 OK");
    sim.stop().await;
}

#[tokio::test]
async fn long_polls_and_event_streams_outlast_the_idle_timeout() {
    let switch = FakeSwitch::bind().await;
    let sim = Sim::start(limited(switch.addr())).await;
    let addr: SocketAddr = sim.base["http://".len()..].parse().expect("address");

    // A 2.5 s long poll with a 1 s idle time-out: answered 408 at its own
    // time-out, not cut.
    let started = tokio::time::Instant::now();
    let (status, _) = get(
        addr,
        &format!("/api/terminals/{ALICE}/next-code?timeout=2.5"),
    )
    .await;
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert!(started.elapsed() >= Duration::from_millis(2400));

    // The event stream stays open across three idle periods.
    let mut stream = connect_held(addr).await;
    stream
        .write_all(b"GET /api/events HTTP/1.1\r\nHost: sim\r\n\r\n")
        .await
        .expect("write");
    let mut buf = [0u8; 4096];
    let n = within("the stream's head", stream.read(&mut buf))
        .await
        .expect("read");
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200 OK"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    let open = tokio::time::timeout(Duration::from_secs(3), closed(&mut stream)).await;
    assert!(open.is_err(), "the event stream was cut while open");
    sim.stop().await;
}
