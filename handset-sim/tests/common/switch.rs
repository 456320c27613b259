//! A fake switch: a TCP listener speaking the air link through
//! `wire::air::AirCodec`, with helpers to shake hands, read the cell's
//! frames (heartbeats skipped), acknowledge attaches and deliver TPDUs.

use std::net::SocketAddr;

use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;
use wire::air::{AirCodec, AirFrame, AirInbound};

use super::within;

pub struct FakeSwitch {
    listener: TcpListener,
}

impl FakeSwitch {
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake switch");
        Self { listener }
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound")
    }

    /// Accepts the cell's connection, no handshake.
    pub async fn accept_raw(&self) -> SwitchConn {
        let (stream, _) = within("the cell to connect", self.listener.accept())
            .await
            .expect("accept");
        SwitchConn {
            framed: Framed::new(stream, AirCodec::default()),
        }
    }

    /// Accepts the cell's connection and completes the handshake.
    pub async fn accept(&self, heartbeat_secs: u16) -> SwitchConn {
        let mut conn = self.accept_raw().await;
        match conn.recv().await {
            AirFrame::Hello { cell } => assert_eq!(cell, "test-cell"),
            other => panic!("expected Hello, got {other:?}"),
        }
        conn.send(AirFrame::HelloAck { heartbeat_secs }).await;
        conn
    }
}

pub struct SwitchConn {
    pub framed: Framed<TcpStream, AirCodec>,
}

impl SwitchConn {
    pub async fn send(&mut self, frame: AirFrame) {
        within("a frame to be written", self.framed.send(frame))
            .await
            .expect("write to the cell");
    }

    /// The next well-formed frame from the cell, heartbeats skipped.
    pub async fn recv(&mut self) -> AirFrame {
        loop {
            let item = within("a frame from the cell", self.framed.next()).await;
            match item {
                Some(Ok(AirInbound::Frame(AirFrame::Heartbeat { .. }))) => continue,
                Some(Ok(AirInbound::Frame(f))) => return f,
                other => panic!("expected a frame from the cell, got {other:?}"),
            }
        }
    }

    /// None when the cell closed the connection.
    pub async fn recv_or_closed(&mut self) -> Option<AirFrame> {
        match within("a frame or close", self.framed.next()).await {
            None => None,
            Some(Ok(AirInbound::Frame(f))) => Some(f),
            other => panic!("unexpected {other:?}"),
        }
    }

    /// Reads one Attach per number (in order) and acknowledges each.
    pub async fn attach(&mut self, numbers: &[&str]) -> Vec<String> {
        let mut imsis = Vec::new();
        for n in numbers {
            match self.recv().await {
                AirFrame::Attach { msisdn, imsi, .. } => {
                    assert_eq!(msisdn.as_str(), *n, "attach order");
                    imsis.push(imsi.to_string());
                    self.send(AirFrame::AttachAck { msisdn }).await;
                }
                other => panic!("expected Attach for {n}, got {other:?}"),
            }
        }
        imsis
    }

    pub async fn deliver(&mut self, reference: u32, msisdn: &str, tpdu: Vec<u8>) -> AirFrame {
        let msisdn = msisdn.parse().expect("msisdn");
        self.send(AirFrame::Deliver {
            reference,
            msisdn,
            tpdu,
        })
        .await;
        self.recv().await
    }
}
