//! A scripted SMSC for the ESME tests, built on `FrameCodec`.
//!
//! It listens on 127.0.0.1:0 (plain or TLS) or hands out in-memory duplex
//! streams through a `Connector` (for tests on tokio's paused clock, where
//! real sockets would let time jump while bytes are in flight). The [`Script`]
//! says how to misbehave: refuse passwords, throttle the first N submits, drop
//! the connection on one submit, answer late, ignore enquire_link, send
//! receipts. [`Seen`] records what arrived, and `wait` blocks until a
//! condition on it holds (bounded, so a broken client fails instead of hanging).

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize},
    },
    time::Duration,
};

use bytes::{Bytes, BytesMut};
use tokio::{
    io::DuplexStream,
    net::TcpListener,
    sync::{Notify, mpsc},
};
use wire::{
    esme::{Connector, EsmeConfig},
    smpp::{
        esm,
        frame::encode_command,
        rusmpp::{
            Command, CommandId, CommandStatus, Pdu,
            pdus::DeliverSm,
            tlvs::MessageDeliveryRequestTlvValue as Tlv,
            types::{COctetString, OctetString},
            values::MessageState,
        },
    },
};

mod serve;

use serve::serve;

pub const PASSWORD: &str = "secret";
pub const SMSC_ID: &str = "test-smsc";

#[derive(Clone)]
pub struct Script {
    pub throttle_first: usize,
    /// Close the connection, unanswered, on this submit_sm (1-based), once.
    pub drop_on_submit: Option<usize>,
    pub delay: Duration,
    pub receipts: bool,
    pub answer_enquire_link: bool,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            throttle_first: 0,
            drop_on_submit: None,
            delay: Duration::ZERO,
            receipts: false,
            answer_enquire_link: true,
        }
    }
}

#[derive(Default)]
pub struct Seen {
    pub connections: AtomicUsize,
    /// (bind command, interface_version)
    pub binds: Mutex<Vec<(CommandId, u8)>>,
    pub submits: AtomicUsize,
    pub submit_seqs: Mutex<Vec<u32>>,
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub enquire_links: AtomicUsize,
    pub unbinds: AtomicUsize,
    /// Responses the ESME sent: (command_id, status, sequence_number).
    pub responses: Mutex<Vec<(CommandId, CommandStatus, u32)>>,
    dropped: AtomicBool,
    changed: Notify,
}

impl Seen {
    fn note(&self) {
        self.changed.notify_waiters();
    }

    pub fn responses_of(&self, id: CommandId) -> Vec<(CommandStatus, u32)> {
        let all = self.responses.lock().unwrap();
        all.iter()
            .filter(|r| r.0 == id)
            .map(|r| (r.1, r.2))
            .collect()
    }

    /// Wait (at most 30 s, virtual or real) until `cond` holds.
    pub async fn wait(&self, what: &str, cond: impl Fn(&Seen) -> bool) {
        let waited = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                let changed = self.changed.notified();
                if cond(self) {
                    return;
                }
                changed.await;
            }
        });
        waited
            .await
            .unwrap_or_else(|_| panic!("responder never saw: {what}"));
    }
}

pub struct Smsc {
    pub address: String,
    pub seen: Arc<Seen>,
    connector: Option<Connector>,
    current: Arc<Mutex<Option<mpsc::UnboundedSender<Out>>>>,
}

enum Out {
    Pdu(Bytes),
    SubmitResp(Bytes),
    Close,
}

struct Ctx {
    script: Script,
    seen: Arc<Seen>,
    current: Arc<Mutex<Option<mpsc::UnboundedSender<Out>>>>,
}

impl Smsc {
    fn ctx(script: Script) -> Arc<Ctx> {
        Arc::new(Ctx {
            script,
            seen: Arc::default(),
            current: Arc::default(),
        })
    }

    fn from_ctx(address: String, connector: Option<Connector>, ctx: &Arc<Ctx>) -> Self {
        Smsc {
            address,
            seen: ctx.seen.clone(),
            connector,
            current: ctx.current.clone(),
        }
    }

    pub async fn tcp(script: Script) -> Self {
        Self::listen(script, None).await
    }

    pub async fn tls(script: Script, tls: Arc<rustls::ServerConfig>) -> Self {
        Self::listen(script, Some(tokio_rustls::TlsAcceptor::from(tls))).await
    }

    async fn listen(script: Script, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let ctx = Self::ctx(script);
        let accept_ctx = ctx.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tcp.set_nodelay(true).unwrap();
                let ctx = accept_ctx.clone();
                match &tls {
                    None => {
                        tokio::spawn(serve(tcp, ctx));
                    }
                    Some(acceptor) => {
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            if let Ok(stream) = acceptor.accept(tcp).await {
                                serve(stream, ctx).await;
                            }
                        });
                    }
                }
            }
        });
        Self::from_ctx(addr.to_string(), None, &ctx)
    }

    /// An SMSC reached through in-memory pipes.
    pub fn memory(script: Script) -> Self {
        let ctx = Self::ctx(script);
        let (accept_tx, mut accept_rx) = mpsc::unbounded_channel::<DuplexStream>();
        let accept_ctx = ctx.clone();
        tokio::spawn(async move {
            while let Some(stream) = accept_rx.recv().await {
                tokio::spawn(serve(stream, accept_ctx.clone()));
            }
        });
        let connector = Connector::new(move || {
            let accept_tx = accept_tx.clone();
            async move {
                let (client, server) = tokio::io::duplex(64 * 1024);
                accept_tx
                    .send(server)
                    .map_err(|_| std::io::Error::other("SMSC stopped"))?;
                Ok(client)
            }
        });
        Self::from_ctx("memory".into(), Some(connector), &ctx)
    }

    pub fn config(&self) -> EsmeConfig {
        let mut config = EsmeConfig::new(self.address.clone(), "gateway", PASSWORD);
        config.connector = self.connector.clone();
        config
    }

    /// Send raw bytes to the ESME on the current connection.
    pub fn inject(&self, bytes: Bytes) {
        let current = self.current.lock().unwrap();
        let sender = current.as_ref().expect("a connection");
        assert!(sender.send(Out::Pdu(bytes)).is_ok(), "connection alive");
    }

    pub fn inject_command(&self, command: Command) {
        let mut buf = BytesMut::new();
        encode_command(&command, &mut buf);
        self.inject(buf.freeze());
    }
}

/// A PDU from raw parts, valid or not.
pub fn raw_pdu(command_id: u32, seq: u32, body: &[u8]) -> Bytes {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&((16 + body.len()) as u32).to_be_bytes());
    buf.extend_from_slice(&command_id.to_be_bytes());
    buf.extend_from_slice(&0u32.to_be_bytes());
    buf.extend_from_slice(&seq.to_be_bytes());
    buf.extend_from_slice(body);
    buf.freeze()
}

pub fn receipt(seq: u32, message_id: &str) -> Command {
    let text = format!("id:{message_id} sub:001 dlvrd:001 stat:DELIVRD err:000 text:");
    let sm = DeliverSm::builder()
        .esm_class(esm::esm_class(esm::MC_DELIVERY_RECEIPT))
        .short_message(OctetString::from_slice(text.as_bytes()).unwrap())
        .tlvs(vec![
            Tlv::ReceiptedMessageId(COctetString::from_string(message_id.into()).unwrap()),
            Tlv::MessageState(MessageState::Delivered),
        ])
        .build();
    Command::new(CommandStatus::EsmeRok, seq, Pdu::DeliverSm(sm))
}
