//! The merchant API's listener: TCP, then a TLS handshake that requires a
//! client certificate chaining to the gateway's CA ([`crate::pki`]). The
//! connection's [`MerchantPeer`] carries the certificate's fingerprint to
//! the handlers, which look it up in the merchant registry on every request
//! (so a revoked merchant is refused at once, even on an open connection).
//!
//! Handshakes run in tasks of their own, each bounded by the listener's
//! header timeout, so a client that connects and says nothing cannot hold
//! up the others; at most `max_connections` handshakes are in flight, and
//! a connection beyond that is closed at accept, so a flood of silent
//! connections costs a bounded number of sockets and tasks.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Who is on the other end of a merchant API connection.
#[derive(Debug, Clone)]
pub struct MerchantPeer {
    pub addr: SocketAddr,
    /// SHA-256 of the client certificate (lower-case hex).
    pub fingerprint: Option<String>,
}

impl Connected<IncomingStream<'_, MtlsListener>> for MerchantPeer {
    fn connect_info(stream: IncomingStream<'_, MtlsListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// Accepted, handshaken connections.
pub struct MtlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, MerchantPeer)>,
}

impl MtlsListener {
    /// Accept on `tcp` until the listener is dropped, with `limits`'
    /// max_connections and header_timeout bounding the handshakes.
    pub fn new(
        tcp: TcpListener,
        config: Arc<rustls::ServerConfig>,
        limits: &super::serve::Limits,
    ) -> io::Result<MtlsListener> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        let handshakes = Arc::new(Semaphore::new(limits.max_connections.max(1)));
        let timeout = limits.header_timeout;
        tokio::spawn(async move {
            loop {
                let (stream, addr) = tokio::select! {
                    _ = tx.closed() => return,
                    r = tcp.accept() => match r {
                        Ok(x) => x,
                        Err(e) => {
                            tracing::warn!(error = %e, "merchant API accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                let Ok(permit) = handshakes.clone().try_acquire_owned() else {
                    tracing::debug!(%addr, "merchant API: too many handshakes in flight; closed");
                    drop(stream);
                    continue;
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _permit = permit;
                    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let fingerprint = crate::pki::peer_fingerprint(tls.get_ref().1);
                            let _ = tx.send((tls, MerchantPeer { addr, fingerprint })).await;
                        }
                        Ok(Err(e)) => {
                            tracing::info!(%addr, error = %e, "merchant TLS handshake refused")
                        }
                        Err(_) => tracing::info!(%addr, "merchant TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(MtlsListener { local, ready })
    }
}

impl Listener for MtlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = MerchantPeer;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(x) => x,
            // The accept task only ends when this listener is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(MerchantPeer {
            addr: self.local,
            fingerprint: None,
        })
    }
}
