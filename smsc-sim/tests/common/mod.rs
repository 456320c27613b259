//! Test harness: an in-process smsc-sim on 127.0.0.1:0 and a raw SMPP peer
//! on the exact-framing codec, so tests can send valid and malformed PDUs.
#![allow(dead_code)]

pub mod cell;
pub mod http;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use bytes::BytesMut;
use futures::{SinkExt, StreamExt};
use smsc_sim::{Config, Smsc};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::codec::Framed;
use wire::smpp::rusmpp::pdus::{BindTransceiver, SubmitSm};
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{InterfaceVersion, Npi, RegisteredDelivery, Ton};
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};
use wire::smpp::{FrameCodec, Inbound, esm};

pub const CONFIG: &str = r#"
[smpp]
listen = "127.0.0.1:0"
# Off: the property test models every bind answer of the spec, and its
# random wrong credentials would meet the guard; tests/bind_flood.rs and
# the unit tests in bind_guard.rs cover it.
max_bind_failures_per_min = 0
[http]
listen = "127.0.0.1:0"
[air]
listen = "127.0.0.1:0"
[hlr]
default_profile = "auto"
auto_delay_ms = 0
[[hlr.subscribers]]
number = "447700900666"
profile = "unknown"
[[accounts]]
system_id = "gateway"
password = "gw-pw"
window = 10
[[accounts]]
system_id = "slow"
password = "slow-pw"
max_rate = 5
[[accounts]]
system_id = "rxonly"
password = "rx-pw"
bind_types = ["receiver"]
max_binds = 1
"#;

pub struct Server {
    pub smpp: SocketAddr,
    pub http: SocketAddr,
    pub air: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl Server {
    pub async fn start(extra: &str, data_dir: Option<&Path>) -> Server {
        Server::start_toml(&format!("{CONFIG}\n{extra}"), data_dir).await
    }

    /// Start on a whole config, for tests that change a key of a table
    /// [`CONFIG`] already opens (TOML allows no second `[air]`).
    pub async fn start_toml(toml: &str, data_dir: Option<&Path>) -> Server {
        let mut config = Config::from_toml_str(toml).expect("test config is valid");
        match data_dir {
            Some(d) => config.store.data_dir = Some(d.to_owned()),
            None => config.store.memory = true,
        }
        let smsc = Smsc::build(config).await.expect("server builds");
        let (smpp, http, air) = (smsc.smpp_addr(), smsc.http_addr(), smsc.air_addr());
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(smsc.run_until(async move {
            let _ = rx.await;
        }));
        Server {
            smpp,
            http,
            air,
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// Stop the server. Its drain waits for peers' unbind_resp, so this is
    /// bounded in case a test's peer no longer reads.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            tokio::time::timeout(3 * STEP, t)
                .await
                .expect("server stops within 30 s")
                .expect("server task")
                .expect("server shuts down cleanly");
        }
    }
}

/// How long any single read or shutdown in these tests may take before the
/// test fails instead of hanging.
pub const STEP: Duration = Duration::from_secs(10);

pub struct Peer {
    pub io: Framed<TcpStream, FrameCodec>,
    seq: u32,
    /// Requests from the SMSC (deliver_sm, alert_notification) that arrived
    /// while [`Peer::request`] waited for its response, unanswered and in
    /// arrival order; the `recv_command` family returns them first, so a
    /// receipt may arrive before or after the response it follows.
    held: VecDeque<Command>,
}

impl Peer {
    pub async fn connect(addr: SocketAddr) -> Peer {
        let s = TcpStream::connect(addr).await.expect("connect");
        Peer::from_stream(s)
    }

    /// A peer on a connection the SMSC opened (outbind).
    pub fn from_stream(s: TcpStream) -> Peer {
        Peer {
            io: Framed::new(s, FrameCodec::default()),
            seq: 0,
            held: VecDeque::new(),
        }
    }

    pub async fn bound(addr: SocketAddr, system_id: &str, password: &str) -> Peer {
        let mut p = Peer::connect(addr).await;
        let resp = p.request(bind_trx(system_id, password, 0x34)).await;
        assert_eq!(resp.status(), CommandStatus::EsmeRok, "bind as {system_id}");
        p
    }

    pub fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    pub async fn send(&mut self, seq: u32, pdu: impl Into<Pdu>) {
        self.io
            .send(Command::new(CommandStatus::EsmeRok, seq, pdu))
            .await
            .expect("send");
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.io.get_mut().write_all(bytes).await.expect("send raw");
    }

    /// The next item off the connection (ignoring held requests), within [`STEP`].
    pub async fn recv(&mut self) -> Inbound {
        tokio::time::timeout(STEP, self.io.next())
            .await
            .expect("a PDU within 10 s")
            .expect("connection open")
            .expect("framing ok")
    }

    /// The next command: a held request first, else the next off the connection.
    pub async fn recv_command(&mut self) -> Command {
        if let Some(c) = self.held.pop_front() {
            return c;
        }
        self.recv_wire_command().await
    }

    async fn recv_wire_command(&mut self) -> Command {
        match self.recv().await {
            Inbound::Command(c) => *c,
            Inbound::Malformed(e) => panic!("malformed PDU from server: {e:?}"),
        }
    }

    /// Send a request and wait for the response with its sequence number.
    /// enquire_link and unbind arriving meanwhile are answered; other requests
    /// (receipts) are held unanswered for the `recv_command` family.
    pub async fn request(&mut self, pdu: impl Into<Pdu>) -> Command {
        let seq = self.next_seq();
        self.send(seq, pdu).await;
        loop {
            let c = self.recv_wire_command().await;
            if c.sequence_number() == seq && c.id().is_response() {
                return c;
            }
            match c.pdu() {
                Some(Pdu::EnquireLink | Pdu::Unbind) => self.answer(&c).await,
                _ if c.id().is_operation() => self.held.push_back(c),
                _ => {}
            }
        }
    }

    pub async fn answer(&mut self, c: &Command) {
        let pdu = match c.pdu() {
            Some(Pdu::DeliverSm(_)) => Pdu::DeliverSmResp(Default::default()),
            Some(Pdu::EnquireLink) => Pdu::EnquireLinkResp,
            Some(Pdu::Unbind) => Pdu::UnbindResp,
            _ => return,
        };
        self.send(c.sequence_number(), pdu).await;
    }

    /// Wait for the next deliver_sm and return it without answering.
    pub async fn next_deliver_unanswered(&mut self) -> Command {
        loop {
            let c = self.recv_command().await;
            if matches!(c.pdu(), Some(Pdu::DeliverSm(_))) {
                return c;
            }
            if c.id().is_operation() {
                self.answer(&c).await;
            }
        }
    }

    /// Wait for the next deliver_sm, answer it, return it.
    pub async fn next_deliver(&mut self) -> Command {
        loop {
            let c = self.recv_command().await;
            if c.id().is_operation() {
                self.answer(&c).await;
            }
            if matches!(c.pdu(), Some(Pdu::DeliverSm(_))) {
                return c;
            }
        }
    }
}

pub fn bind_trx(system_id: &str, password: &str, version: u8) -> BindTransceiver {
    BindTransceiver::builder()
        .system_id(COctetString::from_string(system_id.to_owned()).expect("system_id"))
        .password(COctetString::from_string(password.to_owned()).expect("password"))
        .interface_version(InterfaceVersion::from(version))
        .build()
}

pub fn submit(dest: &str, text: &str, registered_delivery: u8) -> SubmitSm {
    SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(COctetString::from_string("MyBank".to_owned()).expect("source"))
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(COctetString::from_string(dest.to_owned()).expect("dest"))
        .esm_class(esm::esm_class(esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(registered_delivery))
        .short_message(OctetString::from_slice(text.as_bytes()).expect("text"))
        .build()
}

pub fn message_id(resp: &Command) -> String {
    match resp.pdu() {
        Some(Pdu::SubmitSmResp(r)) => r.message_id().as_str().to_owned(),
        other => panic!("expected submit_sm_resp, got {other:?}"),
    }
}

/// Raw PDU bytes: header with the given length field, then `body`.
pub fn raw(command_length: u32, command_id: u32, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut b = BytesMut::new();
    b.extend_from_slice(&command_length.to_be_bytes());
    b.extend_from_slice(&command_id.to_be_bytes());
    b.extend_from_slice(&0u32.to_be_bytes());
    b.extend_from_slice(&seq.to_be_bytes());
    b.extend_from_slice(body);
    b.to_vec()
}

/// The journal's events for message `id` to or from `number`, in order.
pub async fn hop_events(server: &Server, number: &str, id: &str) -> Vec<String> {
    let h = http::get(server.http, &format!("/api/numbers/{number}/history"))
        .await
        .json();
    h["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .filter(|x| x["message_id"] == id)
        .map(|x| x["event"].as_str().expect("event").to_owned())
        .collect()
}
