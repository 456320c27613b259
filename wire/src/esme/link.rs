//! One bound connection as the callers see it, and its batched writer.
//!
//! A [`Link`] is the sending half of a bound session: a bounded channel to the
//! writer task plus the [`Pending`] map of that connection. Callers encode
//! their PDU themselves and queue the bytes; [`write_batches`] takes everything
//! queued at once (up to [`BATCH`] items), copies it into one buffer and writes
//! it with a single `write_all`, so under load many PDUs share one syscall.
//! [`LinkState`] (in a watch channel) tells callers whether a link is up.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use rusmpp::{Command, CommandId, CommandStatus};
use tokio::{
    io::{AsyncWrite, AsyncWriteExt},
    sync::{mpsc, oneshot},
};

use super::window::Pending;
use crate::smpp::frame::{encode_command, encode_header_only};

/// Most queued items written in one go.
pub(crate) const BATCH: usize = 256;

pub(crate) type BoxWrite = Box<dyn AsyncWrite + Send + Unpin>;

/// An item for the writer task.
pub(crate) enum Out {
    /// One encoded PDU.
    Pdu(Bytes),
    /// Write what came before, shut the socket down, then acknowledge.
    Close(oneshot::Sender<()>),
}

/// The sending side of one bound connection.
pub(crate) struct Link {
    pub(crate) out: mpsc::Sender<Out>,
    pub(crate) pending: Pending,
}

impl Link {
    pub(crate) fn new(out: mpsc::Sender<Out>) -> Self {
        Self {
            out,
            pending: Pending::default(),
        }
    }
}

/// What callers wait on: a bound link, a reconnect in progress, or the end.
#[derive(Clone)]
pub(crate) enum LinkState {
    Connecting,
    Bound(Arc<Link>),
    Closed,
}

/// A body-less PDU: error responses, generic_nack.
pub(crate) fn encode_header(id: CommandId, status: CommandStatus, seq: u32) -> Bytes {
    let mut buf = BytesMut::with_capacity(16);
    encode_header_only(id, status, seq, &mut buf);
    buf.freeze()
}

pub(crate) fn encode(command: &Command) -> Bytes {
    let mut buf = BytesMut::new();
    encode_command(command, &mut buf);
    buf.freeze()
}

/// The writer task: drain the channel in batches until it closes or says Close.
pub(crate) async fn write_batches(
    mut io: BoxWrite,
    mut rx: mpsc::Receiver<Out>,
) -> std::io::Result<()> {
    let mut items = Vec::with_capacity(BATCH);
    let mut buf = BytesMut::with_capacity(64 * 1024);
    loop {
        if rx.recv_many(&mut items, BATCH).await == 0 {
            return io.shutdown().await;
        }
        let mut close = None;
        for item in items.drain(..) {
            match item {
                Out::Pdu(pdu) => buf.extend_from_slice(&pdu),
                Out::Close(ack) => {
                    close = Some(ack);
                    break;
                }
            }
        }
        if !buf.is_empty() {
            io.write_all(&buf).await?;
            // TLS streams hold plaintext until flushed.
            io.flush().await?;
            buf.clear();
        }
        if let Some(ack) = close {
            let _ = io.shutdown().await;
            let _ = ack.send(());
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        pin::Pin,
        sync::Mutex,
        task::{Context, Poll},
    };

    use rusmpp::Pdu;

    use super::*;

    /// Records the size of every write call.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<usize>>>);

    impl AsyncWrite for Recorder {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            self.0.lock().unwrap().push(buf.len());
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn queued_pdus_go_out_in_one_write() {
        let rec = Recorder::default();
        let (tx, rx) = mpsc::channel(64);
        let link = Link::new(tx);
        for seq in 1..=50 {
            let ping = encode(&Command::new(CommandStatus::EsmeRok, seq, Pdu::EnquireLink));
            link.out.send(Out::Pdu(ping)).await.unwrap();
        }
        let (ack_tx, ack_rx) = oneshot::channel();
        link.out.send(Out::Close(ack_tx)).await.unwrap();
        write_batches(Box::new(rec.clone()), rx).await.unwrap();
        ack_rx.await.unwrap();
        assert_eq!(
            *rec.0.lock().unwrap(),
            vec![50 * 16],
            "one write of fifty 16-byte PDUs"
        );
    }
}
