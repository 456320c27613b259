//! The session's output: [`Output`] encodes every PDU the session sends into
//! one buffer, and the session hands that buffer to the writer task as one
//! chunk when it has nothing else ready to do (or the buffer is full). A
//! pipelined peer thus gets many PDUs per channel message and per write
//! call, and a peer that stops reading stalls the session through the
//! bounded channel instead of growing memory.

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use wire::smpp::Outbound;
use wire::smpp::frame::{encode_command, encode_header_only};
use wire::smpp::rusmpp::Command;

/// Encoded output past which the session hands it over before going on.
const BATCH_BYTES: usize = 16 * 1024;
/// Chunks queued for the writer before the session waits for it.
const CHUNKS: usize = 64;

pub(super) struct Output {
    buf: BytesMut,
    tx: mpsc::Sender<Bytes>,
}

/// The output end for a session and the writer task's receiving end.
pub(super) fn channel() -> (Output, mpsc::Receiver<Bytes>) {
    let (tx, rx) = mpsc::channel(CHUNKS);
    let out = Output {
        buf: BytesMut::with_capacity(BATCH_BYTES),
        tx,
    };
    (out, rx)
}

impl Output {
    pub fn push(&mut self, out: Outbound) {
        match out {
            Outbound::Command(c) => encode_command(&c, &mut self.buf),
            Outbound::HeaderOnly {
                command_id,
                status,
                sequence_number,
            } => encode_header_only(command_id, status, sequence_number, &mut self.buf),
        }
    }

    /// Encode a command the caller keeps (a deliver_sm that may be resent).
    pub fn push_command(&mut self, command: &Command) {
        encode_command(command, &mut self.buf);
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.buf.len() >= BATCH_BYTES
    }

    /// Hand what is encoded to the writer; Err once the writer is gone.
    pub async fn flush(&mut self) -> Result<(), ()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        self.tx.send(chunk).await.map_err(|_| ())
    }
}

/// Write chunks in order until the session drops its [`Output`]; chunks
/// queued together go out in one write call.
pub(super) async fn run<W: AsyncWrite + Unpin>(mut wr: W, mut rx: mpsc::Receiver<Bytes>) {
    let mut buf = BytesMut::new();
    while let Some(first) = rx.recv().await {
        let written = match rx.try_recv() {
            // The usual case under load: one chunk, written without a copy.
            Err(_) => wr.write_all(&first).await,
            Ok(second) => {
                buf.extend_from_slice(&first);
                buf.extend_from_slice(&second);
                while buf.len() < 4 * BATCH_BYTES {
                    match rx.try_recv() {
                        Ok(more) => buf.extend_from_slice(&more),
                        Err(_) => break,
                    }
                }
                let res = wr.write_all(&buf).await;
                buf.clear();
                res
            }
        };
        if written.is_err() {
            return;
        }
    }
    let _ = wr.flush().await;
    let _ = wr.shutdown().await;
}
