//! Slow and hostile HTTP clients against a running gateway (its library
//! server on 127.0.0.1:0, an in-process smsc-sim behind it): a client that
//! trickles its headers is cut off after `header_timeout_s`; a flood of
//! silent connections beyond `max_connections` is closed at accept, and
//! once the silent ones time out a well-behaved client is served again;
//! an oversized body gets 413 and the server goes on.

use std::time::Duration;

use gateway::config::Config;
use gateway::server::Gateway;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "sms_smpp/support.rs"]
mod support;

/// Reads until the server closes the connection; what it sent.
async fn until_closed(s: &mut TcpStream) -> String {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&all).into_owned(),
            Ok(n) => all.extend_from_slice(&buf[..n]),
        }
    }
}

async fn health(addr: std::net::SocketAddr) -> Result<u16, reqwest::Error> {
    let r = reqwest::Client::new()
        .get(format!("http://{addr}/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await?;
    Ok(r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_silent_and_oversized_clients_do_not_hold_the_gateway() {
    let sim = support::Sim::start("").await;
    let smpp = sim.smpp;
    let toml = format!(
        "[http]\nlisten = \"127.0.0.1:0\"\nmax_connections = 4\nheader_timeout_s = 1\nidle_timeout_s = 1\n\
         [merchant_api]\nlisten = \"127.0.0.1:0\"\n[store]\nmemory = true\n\
         [[smsc]]\nname = \"sim\"\naddress = \"{smpp}\"\nsystem_id = \"gateway\"\npassword = \"gw-pw\"\n"
    );
    let config = Config::from_toml_str(&toml).expect("gateway config");
    let gw = Gateway::build(config).await.expect("gateway builds");
    let addr = gw.http_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(gw.run_until(async move {
        let _ = stopped.await;
    }));
    assert_eq!(health(addr).await.expect("served"), 200);

    // Headers trickled: cut off after the header timeout, never answered 200.
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let started = tokio::time::Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(5), until_closed(&mut slow))
        .await
        .expect("closed within 5 s");
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // Four silent connections fill every slot; the fifth is closed at once.
    let mut silent = Vec::new();
    for _ in 0..4 {
        silent.push(TcpStream::connect(addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fifth = TcpStream::connect(addr).await.expect("the kernel accepts");
    let _ = fifth
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let answer = tokio::time::timeout(Duration::from_secs(1), until_closed(&mut fifth))
        .await
        .expect("closed at once");
    assert!(answer.is_empty(), "over the limit: {answer}");
    // The silent ones time out, and a good client is served again.
    for s in &mut silent {
        tokio::time::timeout(Duration::from_secs(5), until_closed(s))
            .await
            .expect("silent connection closed");
    }
    assert_eq!(health(addr).await.expect("served again"), 200);

    // A body over the limit is refused with 413; the next request is fine.
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/checkout/pay_x/identify"))
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024])
        .send()
        .await
        .expect("answered");
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(health(addr).await.expect("served"), 200);

    let _ = stop.send(());
    task.await.expect("join").expect("clean stop");
}
