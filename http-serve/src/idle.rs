//! [`Watched`]: a connection's byte stream with an idle deadline. When no
//! byte has moved either way for the idle period and no request on the
//! connection is being answered ([`Busy`]), the next read fails with
//! `TimedOut` and hyper closes the connection. hyper's header timeout only
//! covers a request that has started, so without this a client that
//! connects and says nothing, or a keep-alive connection left open, would
//! hold a connection slot for ever.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Requests of one connection being answered now; while any is, the
/// connection is not idle however long the handler takes.
#[derive(Debug, Clone, Default)]
pub struct Busy(Arc<AtomicUsize>);

/// Held while a request is answered.
pub struct BusyGuard(Arc<AtomicUsize>);

impl Busy {
    pub fn enter(&self) -> BusyGuard {
        self.0.fetch_add(1, Ordering::SeqCst);
        BusyGuard(Arc::clone(&self.0))
    }

    fn is_busy(&self) -> bool {
        self.0.load(Ordering::SeqCst) > 0
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub struct Watched<IO> {
    io: IO,
    idle: Duration,
    busy: Busy,
    deadline: Pin<Box<Sleep>>,
}

impl<IO> Watched<IO> {
    pub fn new(io: IO, idle: Duration, busy: Busy) -> Self {
        Watched {
            io,
            idle,
            busy,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    fn touch(&mut self) {
        let next = Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }

    /// Ready(true) once the connection has been idle too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        while self.deadline.as_mut().poll(cx).is_ready() {
            if !self.busy.is_busy() {
                return true;
            }
            // A slow handler is not an idle client: look again later.
            self.touch();
        }
        false
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Watched<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if r.is_ok() && buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => {
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "idle")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Watched<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_times_out_unless_a_request_is_being_answered() {
        let (a, mut b) = tokio::io::duplex(64);
        let busy = Busy::default();
        let mut w = Watched::new(a, Duration::from_secs(5), busy.clone());
        let mut buf = [0u8; 8];

        // Busy: a 20 s wait for the next byte is no idle connection.
        let guard = busy.enter();
        let writer = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(20)).await;
            b.write_all(b"hi").await.expect("write");
            b
        });
        assert_eq!(w.read(&mut buf).await.expect("read"), 2);
        let _b = writer.await.expect("join");
        drop(guard);

        // Idle: the read fails at the deadline, not before.
        let started = Instant::now();
        let e = w.read(&mut buf).await.expect_err("idle");
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }
}
