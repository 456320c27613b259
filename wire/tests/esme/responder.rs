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
        atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst},
    },
    time::Duration,
};

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use tokio::{
    io::{AsyncWriteExt, DuplexStream},
    net::TcpListener,
    sync::{Notify, mpsc},
};
use tokio_util::codec::FramedRead;
use wire::{
    esme::{Connector, EsmeConfig, SmppStream},
    smpp::{
        FrameCodec, Inbound, esm,
        frame::{encode_command, encode_header_only},
        rusmpp::{
            Command, CommandId, CommandStatus, Pdu,
            pdus::{BindTransceiverResp, BindTransmitterResp, DataSmResp, DeliverSm, SubmitSmResp},
            tlvs::MessageDeliveryRequestTlvValue as Tlv,
            types::{COctetString, OctetString},
            values::{InterfaceVersion, MessageState},
        },
    },
};

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

fn encoded(command: &Command) -> Bytes {
    let mut buf = BytesMut::new();
    encode_command(command, &mut buf);
    buf.freeze()
}

fn header(id: CommandId, status: CommandStatus, seq: u32) -> Bytes {
    let mut buf = BytesMut::new();
    encode_header_only(id, status, seq, &mut buf);
    buf.freeze()
}

async fn serve<S: SmppStream>(stream: S, ctx: Arc<Ctx>) {
    let seen = ctx.seen.clone();
    seen.connections.fetch_add(1, SeqCst);
    let (read, mut write) = tokio::io::split(stream);
    let mut frames = FramedRead::new(read, FrameCodec::default());
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    *ctx.current.lock().unwrap() = Some(tx.clone());
    let writer_seen = seen.clone();
    let writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            let bytes = match out {
                Out::Pdu(b) => b,
                Out::SubmitResp(b) => {
                    // Counted down before the write, so the count never lags the ESME.
                    writer_seen.in_flight.fetch_sub(1, SeqCst);
                    b
                }
                Out::Close => break,
            };
            if write.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = write.shutdown().await;
    });
    let mut next_seq = 1_000u32;
    while let Some(Ok(item)) = frames.next().await {
        let command = match item {
            Inbound::Command(c) => c,
            Inbound::Malformed(e) => panic!("the ESME sent a malformed PDU: {}", e.reason),
        };
        let seq = command.sequence_number();
        let id = command.id();
        if id.is_response() {
            seen.responses
                .lock()
                .unwrap()
                .push((id, command.status(), seq));
            seen.note();
            continue;
        }
        let send = |b: Bytes| {
            let _ = tx.send(Out::Pdu(b));
        };
        match command.pdu() {
            Some(Pdu::BindTransceiver(b)) => {
                seen.binds
                    .lock()
                    .unwrap()
                    .push((id, b.interface_version.into()));
                if b.password.to_string() == PASSWORD {
                    let resp = BindTransceiverResp::new(
                        COctetString::from_string(SMSC_ID.into()).unwrap(),
                        Some(InterfaceVersion::Smpp3_4),
                    );
                    send(encoded(&Command::new(CommandStatus::EsmeRok, seq, resp)));
                } else {
                    send(header(
                        id.matching_response(),
                        CommandStatus::EsmeRinvpaswd,
                        seq,
                    ));
                }
            }
            Some(Pdu::BindTransmitter(b)) => {
                seen.binds
                    .lock()
                    .unwrap()
                    .push((id, b.interface_version.into()));
                let resp = BindTransmitterResp::new(
                    COctetString::from_string(SMSC_ID.into()).unwrap(),
                    None,
                );
                send(encoded(&Command::new(CommandStatus::EsmeRok, seq, resp)));
            }
            Some(Pdu::SubmitSm(_)) => {
                let n = seen.submits.fetch_add(1, SeqCst) + 1;
                seen.submit_seqs.lock().unwrap().push(seq);
                if ctx.script.drop_on_submit == Some(n) && !seen.dropped.swap(true, SeqCst) {
                    writer.abort();
                    *ctx.current.lock().unwrap() = None;
                    seen.note();
                    return;
                }
                if n <= ctx.script.throttle_first {
                    send(header(
                        CommandId::SubmitSmResp,
                        CommandStatus::EsmeRthrottled,
                        seq,
                    ));
                } else {
                    let now = seen.in_flight.fetch_add(1, SeqCst) + 1;
                    seen.max_in_flight.fetch_max(now, SeqCst);
                    let message_id = format!("m{n}");
                    let resp = SubmitSmResp::new(
                        COctetString::from_string(message_id.clone()).unwrap(),
                        vec![],
                    );
                    let resp = encoded(&Command::new(CommandStatus::EsmeRok, seq, resp));
                    let dlr = ctx.script.receipts.then(|| {
                        next_seq += 1;
                        encoded(&receipt(next_seq, &message_id))
                    });
                    let (tx, delay) = (tx.clone(), ctx.script.delay);
                    let answer = async move {
                        // sleep(0) would still wait for the next timer tick.
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        let _ = tx.send(Out::SubmitResp(resp));
                        if let Some(dlr) = dlr {
                            let _ = tx.send(Out::Pdu(dlr));
                        }
                    };
                    if delay.is_zero() {
                        answer.await;
                    } else {
                        tokio::spawn(answer);
                    }
                }
            }
            Some(Pdu::DataSm(_)) => {
                let resp = DataSmResp::new(COctetString::from_string("d1".into()).unwrap(), vec![]);
                send(encoded(&Command::new(CommandStatus::EsmeRok, seq, resp)));
            }
            Some(Pdu::CancelSm(_)) => {
                send(header(CommandId::CancelSmResp, CommandStatus::EsmeRok, seq))
            }
            Some(Pdu::QuerySm(_)) => send(header(
                CommandId::QuerySmResp,
                CommandStatus::EsmeRqueryfail,
                seq,
            )),
            Some(Pdu::EnquireLink) => {
                seen.enquire_links.fetch_add(1, SeqCst);
                if ctx.script.answer_enquire_link {
                    send(header(
                        CommandId::EnquireLinkResp,
                        CommandStatus::EsmeRok,
                        seq,
                    ));
                }
            }
            Some(Pdu::Unbind) => {
                seen.unbinds.fetch_add(1, SeqCst);
                send(header(CommandId::UnbindResp, CommandStatus::EsmeRok, seq));
                let _ = tx.send(Out::Close);
            }
            _ => send(header(
                CommandId::GenericNack,
                CommandStatus::EsmeRinvcmdid,
                seq,
            )),
        }
        seen.note();
    }
    seen.note();
}
