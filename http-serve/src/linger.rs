//! [`Lingering`]: a lingering close (RFC 9112 §9.6). When hyper closes a
//! connection whose request body it did not read (a 413 for a body over the
//! limit, an early error), closing the socket with bytes still unread makes
//! the kernel send a reset, and a client still writing its body then loses
//! the answer that was already on its way. So shutting down sends our FIN
//! first and then, when the client has sent bytes we did not read, reads
//! and discards what it still sends until it closes too or [`LINGER`] has
//! passed, as nginx's `lingering_close` does. A connection with nothing
//! unread (a silent client cut at a time-out) closes at once: it has no
//! answer to lose, and lingering would hold its connection slot.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// Longest a closing connection is drained.
pub const LINGER: Duration = Duration::from_secs(2);
/// Reads per poll before yielding, so a fast sender cannot hog the task.
const READS_PER_POLL: usize = 64;

pub struct Lingering<IO> {
    io: IO,
    linger: Duration,
    /// Set once our side is shut: the drain's deadline.
    draining: Option<Pin<Box<Sleep>>>,
    /// Unread bytes were found at shutdown, so there is an answer to save.
    unread: bool,
}

impl<IO> Lingering<IO> {
    pub fn new(io: IO, linger: Duration) -> Self {
        Lingering {
            io,
            linger,
            draining: None,
            unread: false,
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Lingering<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Lingering<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.draining.is_none() {
            std::task::ready!(Pin::new(&mut this.io).poll_shutdown(cx))?;
            this.draining = Some(Box::pin(tokio::time::sleep(this.linger)));
        }
        let mut scratch = [0u8; 8192];
        let mut budget_spent = true;
        for _ in 0..READS_PER_POLL {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.io).poll_read(cx, &mut buf) {
                // The peer closed (or failed): nothing left to protect.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => this.unread = true,
                // Nothing unread: closing now resets nothing.
                Poll::Pending if !this.unread => return Poll::Ready(Ok(())),
                Poll::Pending => {
                    budget_spent = false;
                    break;
                }
            }
        }
        let deadline = this.draining.as_mut().expect("set above");
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Ok(()));
        }
        // A pending read has registered the waker; after a spent budget
        // the task must come back by itself.
        if budget_spent {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn shutdown_drains_what_the_peer_still_sends_until_it_closes() {
        let (a, mut b) = tokio::io::duplex(1024);
        let mut server = Lingering::new(a, Duration::from_secs(60));
        // Part of a body the server never read is waiting at shutdown ...
        b.write_all(&[b'x'; 1000]).await.expect("buffered");
        let peer = tokio::spawn(async move {
            // ... and the rest is still coming; then the client closes.
            b.write_all(&[b'x'; 100_000])
                .await
                .expect("the server drains");
            let mut answer = Vec::new();
            b.shutdown().await.expect("shutdown");
            b.read_to_end(&mut answer).await.expect("read");
            answer
        });
        server.write_all(b"413").await.expect("write");
        server.shutdown().await.expect("lingering close");
        assert_eq!(peer.await.expect("join"), b"413");
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_that_sent_more_and_never_closes_is_left_after_the_linger_time() {
        let (a, mut b) = tokio::io::duplex(1024);
        b.write_all(b"unread body").await.expect("write");
        let mut server = Lingering::new(a, Duration::from_secs(2));
        let started = tokio::time::Instant::now();
        server.shutdown().await.expect("ends by itself");
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_unread_closes_at_once() {
        let (a, _b) = tokio::io::duplex(1024);
        let mut server = Lingering::new(a, Duration::from_secs(2));
        let started = tokio::time::Instant::now();
        server.shutdown().await.expect("closed");
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}
