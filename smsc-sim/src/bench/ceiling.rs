//! The ceiling: a minimal SMPP responder on the same framing, so the bench
//! can say how close smsc-sim gets to "answering and nothing else".
//!
//! [`Ceiling::start`] listens on 127.0.0.1:0. Each connection has a reader
//! that answers binds, enquire_link and unbind, and each submit_sm with a
//! submit_sm_resp carrying a fresh message id, followed (when
//! registered_delivery asks for a final receipt) by a deliver_sm receipt
//! with the standard receipt text and receipted_message_id. A writer task
//! feeds what the reader queued and flushes once per batch, as the server
//! does. No store, no switch, no HLR, no accounts: any bind is accepted.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::codec::{FramedRead, FramedWrite};
use wire::receipt::{Receipt, ReceiptDate};
use wire::smpp::rusmpp::pdus::{BindTransceiverResp, DeliverSm, SubmitSm, SubmitSmResp};
use wire::smpp::rusmpp::tlvs::MessageDeliveryRequestTlvValue as Tlv;
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{MessageState, Npi, Ton};
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};
use wire::smpp::{FrameCodec, Inbound, esm};

/// A running responder; stops when dropped or on [`Ceiling::stop`].
#[derive(Debug)]
pub struct Ceiling {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Ceiling {
    pub async fn start() -> std::io::Result<Ceiling> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, mut stopped) = oneshot::channel();
        let ids = Arc::new(AtomicU64::new(1));
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => if let Ok((s, _)) = accepted {
                        conns.spawn(serve(s, ids.clone()));
                    },
                }
            }
            conns.abort_all();
        });
        Ok(Ceiling {
            addr,
            stop: Some(stop),
            task,
        })
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(stream: TcpStream, ids: Arc<AtomicU64>) {
    let _ = stream.set_nodelay(true);
    let (rd, wr) = stream.into_split();
    let mut rd = FramedRead::new(rd, FrameCodec::default());
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    let writer = tokio::spawn(async move {
        let mut wr = FramedWrite::new(wr, FrameCodec::default());
        while let Some(c) = rx.recv().await {
            wr.feed(c).await?;
            while let Ok(c) = rx.try_recv() {
                wr.feed(c).await?;
            }
            SinkExt::<Command>::flush(&mut wr).await?;
        }
        std::io::Result::Ok(())
    });
    let mut out_seq = 0u32;
    while let Some(Ok(Inbound::Command(c))) = rd.next().await {
        let seq = c.sequence_number();
        let ok = |pdu: Pdu| Command::new(CommandStatus::EsmeRok, seq, pdu);
        let sent = match c.pdu() {
            Some(Pdu::BindTransceiver(_)) => {
                let sid = COctetString::from_string("ceiling".into()).unwrap_or_default();
                tx.send(ok(BindTransceiverResp::builder()
                    .system_id(sid)
                    .build()
                    .into()))
            }
            Some(Pdu::EnquireLink) => tx.send(ok(Pdu::EnquireLinkResp)),
            Some(Pdu::Unbind) => {
                let _ = tx.send(ok(Pdu::UnbindResp));
                break;
            }
            Some(Pdu::SubmitSm(sm)) => {
                let id = ids.fetch_add(1, Ordering::Relaxed).to_string();
                let mid = COctetString::from_string(id.clone()).unwrap_or_default();
                let resp = tx.send(ok(SubmitSmResp::builder().message_id(mid).build().into()));
                if resp.is_ok() && u8::from(sm.registered_delivery) & 0x03 != 0 {
                    out_seq = out_seq.wrapping_add(1).max(1);
                    let receipt = receipt(sm, id);
                    tx.send(Command::new(CommandStatus::EsmeRok, out_seq, receipt))
                } else {
                    resp
                }
            }
            _ => Ok(()),
        };
        if sent.is_err() {
            break;
        }
    }
    drop(tx);
    let _ = writer.await;
}

/// The same receipt smsc-sim sends for a delivered message: standard text,
/// receipted_message_id and message_state.
fn receipt(sm: &SubmitSm, id: String) -> DeliverSm {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let text = wire::text::decode_lossy(u8::from(sm.data_coding), sm.short_message().as_ref());
    let body = Receipt {
        id: id.clone(),
        sub: Some(1),
        dlvrd: Some(1),
        submit_date: ReceiptDate::from_unix_ms(now).ok(),
        done_date: ReceiptDate::from_unix_ms(now).ok(),
        stat: "DELIVRD".into(),
        err: Some("000".into()),
        text: Some(text.chars().take(wire::receipt::TEXT_LEN).collect()),
    }
    .format();
    DeliverSm::builder()
        .source_addr_ton(Ton::International)
        .source_addr_npi(Npi::Isdn)
        .source_addr(sm.destination_addr.clone())
        .dest_addr_ton(sm.source_addr_ton)
        .dest_addr_npi(sm.source_addr_npi)
        .destination_addr(sm.source_addr.clone())
        .esm_class(esm::esm_class(esm::MC_DELIVERY_RECEIPT))
        .short_message(OctetString::from_slice(body.as_bytes()).unwrap_or_default())
        .tlvs(vec![
            Tlv::ReceiptedMessageId(COctetString::from_string(id).unwrap_or_default()),
            Tlv::MessageState(MessageState::Delivered),
        ])
        .build()
}
