//! A scripted cell on the air link, in place of handset-sim, and the
//! fixtures and waits the air-link tests share.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;
use wire::air::{AirCodec, AirFrame, AirInbound, TerminalKind};
use wire::msisdn::Msisdn;
use wire::smpp::rusmpp::{Command, Pdu};
use wire::tpdu::{MtTpdu, SmsDeliver, decode_mt};

use super::Server;
use super::http::get;

pub const ALICE: &str = "447700900101";
pub const ALICE_IMSI: &str = "234150000000101";

/// Alice is a provisioned handset; "shortcd" receives MO for 12345.
pub const HANDSETS: &str = r#"
[delivery]
retry_schedule_s = [1]
[[hlr.subscribers]]
number = "+447700900101"
profile = "handset"
imsi = "234150000000101"
kind = "phone"
[[accounts]]
system_id = "shortcd"
password = "sc-pw"
address_range = "12345"
"#;

pub struct Cell {
    pub io: Framed<TcpStream, AirCodec>,
}

impl Cell {
    pub async fn connect(air: SocketAddr) -> Cell {
        let s = TcpStream::connect(air)
            .await
            .expect("connect to the air link");
        let mut cell = Cell {
            io: Framed::new(s, AirCodec::default()),
        };
        cell.send(AirFrame::Hello {
            cell: "test-cell".into(),
        })
        .await;
        assert!(matches!(cell.recv().await, AirFrame::HelloAck { .. }));
        cell
    }

    pub async fn send(&mut self, f: AirFrame) {
        self.io.send(f).await.expect("send air frame");
    }

    pub async fn recv(&mut self) -> AirFrame {
        let item = tokio::time::timeout(Duration::from_secs(10), self.io.next())
            .await
            .expect("an air frame within 10 s")
            .expect("link open")
            .expect("framing ok");
        match item {
            AirInbound::Frame(f) => f,
            AirInbound::Malformed(e) => panic!("malformed frame from the switch: {e}"),
        }
    }

    pub async fn attach(&mut self, msisdn: &str, imsi: &str) {
        self.send(AirFrame::Attach {
            msisdn: msisdn.parse().expect("msisdn"),
            imsi: imsi.parse().expect("imsi"),
            kind: TerminalKind::Phone,
        })
        .await;
        match self.recv().await {
            AirFrame::AttachAck { msisdn: m } => assert_eq!(m.as_str(), msisdn),
            other => panic!("expected AttachAck, got {other:?}"),
        }
    }

    /// The next Deliver: (reference, msisdn, decoded SMS-DELIVER).
    pub async fn deliver(&mut self) -> (u32, Msisdn, SmsDeliver) {
        match self.recv().await {
            AirFrame::Deliver {
                reference,
                msisdn,
                tpdu,
            } => match decode_mt(&tpdu).expect("a valid TPDU") {
                MtTpdu::Deliver(d) => (reference, msisdn, d),
                other => panic!("expected SMS-DELIVER, got {other:?}"),
            },
            other => panic!("expected Deliver, got {other:?}"),
        }
    }
}

pub fn text(d: &SmsDeliver) -> String {
    d.user_data.as_text().expect("text user data").to_owned()
}

pub fn receipt_stat_err(c: &Command) -> (String, String) {
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("expected deliver_sm, got {c:?}")
    };
    let text = std::str::from_utf8(d.short_message().as_ref()).expect("ASCII receipt");
    let r = wire::receipt::Receipt::parse(text).expect("receipt parses");
    (r.stat, r.err.unwrap_or_default())
}

pub async fn handset(server: &Server, msisdn: &str) -> Value {
    let r = get(server.http, &format!("/api/handsets/{msisdn}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// Wait until the number's history shows `event`.
pub async fn wait_for_hop(server: &Server, number: &str, event: &str) {
    let path = format!("/api/numbers/{number}/history");
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let h = get(server.http, &path).await.json();
            if h["hops"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["event"] == event))
            {
                return;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {event} hop for {number} within 10 s"));
}
