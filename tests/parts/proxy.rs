//! A loopback TCP proxy that a test can cut: the parts connect to
//! [`Proxy::addr`] instead of each other, and the test severs the link
//! without killing either process. [`Proxy::cut`] closes every connection
//! passing through now (both peers see the close, as when a NAT or a
//! firewall drops its state); [`Proxy::block`] makes new connections close
//! at once until [`Proxy::unblock`], so the link stays down while a part
//! retries with its backoff. Bytes are copied both ways unchanged.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Proxy {
    pub addr: String,
    upstream: String,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

struct Shared {
    blocked: AtomicBool,
    /// Bumped by each cut; a connection ends when it changes.
    epoch: watch::Sender<u64>,
    /// Connections accepted and forwarded so far.
    accepted: AtomicU64,
}

impl Proxy {
    /// Listens on 127.0.0.1:0 and forwards each connection to `upstream`.
    pub async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("address").to_string();
        let shared = Arc::new(Shared {
            blocked: AtomicBool::new(false),
            epoch: watch::channel(0).0,
            accepted: AtomicU64::new(0),
        });
        let accept = tokio::spawn(accept_loop(
            listener,
            upstream.to_owned(),
            Arc::clone(&shared),
        ));
        Proxy {
            addr,
            upstream: upstream.to_owned(),
            shared,
            accept,
        }
    }

    /// Closes every connection open through the proxy now.
    pub fn cut(&self) {
        self.shared.epoch.send_modify(|e| *e += 1);
    }

    /// New connections are closed as soon as they are accepted.
    pub fn block(&self) {
        self.shared.blocked.store(true, Ordering::SeqCst);
    }

    pub fn unblock(&self) {
        self.shared.blocked.store(false, Ordering::SeqCst);
    }

    /// Connections forwarded so far (blocked ones are not counted).
    pub fn accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    pub fn upstream(&self) -> &str {
        &self.upstream
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

async fn accept_loop(listener: TcpListener, upstream: String, shared: Arc<Shared>) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            continue;
        };
        if shared.blocked.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let mut epoch = shared.epoch.subscribe();
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(&upstream).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            epoch.mark_unchanged();
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = epoch.changed() => {}
            }
            // Dropping both streams closes them: each peer reads EOF.
        });
    }
}
