//! The session's writer task: drains the outbound channel into one buffer and
//! writes it with a single call, so a pipelined peer gets many PDUs per syscall.

use bytes::BytesMut;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_util::codec::Encoder;
use wire::smpp::{FrameCodec, Outbound};

const MAX_BATCH_BYTES: usize = 64 * 1024;

pub(super) async fn run<W: AsyncWrite + Unpin>(mut wr: W, mut rx: mpsc::Receiver<Outbound>) {
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::with_capacity(MAX_BATCH_BYTES);
    while let Some(first) = rx.recv().await {
        let _ = codec.encode(first, &mut buf);
        while buf.len() < MAX_BATCH_BYTES {
            match rx.try_recv() {
                Ok(more) => {
                    let _ = codec.encode(more, &mut buf);
                }
                Err(_) => break,
            }
        }
        if wr.write_all(&buf).await.is_err() {
            return;
        }
        buf.clear();
    }
    let _ = wr.flush().await;
    let _ = wr.shutdown().await;
}
