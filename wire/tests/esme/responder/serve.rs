//! One connection of the scripted SMSC: answer binds, submits, queries,
//! enquire_link and unbind as the [`Script`](super::Script) says, recording
//! everything in [`Seen`](super::Seen). Responses leave through a writer task
//! so delayed answers and injected PDUs can be sent from anywhere.

use std::sync::{Arc, atomic::Ordering::SeqCst};

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use tokio::{io::AsyncWriteExt, sync::mpsc};
use tokio_util::codec::FramedRead;
use wire::{
    esme::SmppStream,
    smpp::{
        FrameCodec, Inbound,
        frame::{encode_command, encode_header_only},
        rusmpp::{
            Command, CommandId, CommandStatus, Pdu,
            pdus::{BindTransceiverResp, BindTransmitterResp, DataSmResp, SubmitSmResp},
            types::COctetString,
            values::InterfaceVersion,
        },
    },
};

use super::{Ctx, Out, PASSWORD, SMSC_ID, receipt};

pub(super) fn encoded(command: &Command) -> Bytes {
    let mut buf = BytesMut::new();
    encode_command(command, &mut buf);
    buf.freeze()
}

fn header(id: CommandId, status: CommandStatus, seq: u32) -> Bytes {
    let mut buf = BytesMut::new();
    encode_header_only(id, status, seq, &mut buf);
    buf.freeze()
}

pub(super) async fn serve<S: SmppStream>(stream: S, ctx: Arc<Ctx>) {
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
