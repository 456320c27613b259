//! The byte stream under SMPP: TCP, TLS, or a stream the application supplies.
//!
//! By default the ESME connects TCP to `address`. A [`Connector`] replaces that
//! with any [`SmppStream`] (an in-memory pipe to an SMSC in the same process,
//! a proxy tunnel). When [`TlsSettings`] are set, the
//! tokio-rustls handshake runs on top of whichever stream was opened; the
//! caller's `rustls::ClientConfig` decides trust and client certificates.
//! The stream is then split into halves for the reader and the batched writer.

use std::{fmt, future::Future, io, sync::Arc};

use futures::future::BoxFuture;
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
};
use tokio_rustls::TlsConnector;

use super::{
    config::{EsmeConfig, TlsSettings},
    error::EsmeError,
    link::BoxWrite,
};

pub(crate) type BoxRead = Box<dyn AsyncRead + Send + Unpin>;

/// A bidirectional byte stream SMPP can run over.
pub trait SmppStream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> SmppStream for T {}

type OpenFn = dyn Fn() -> BoxFuture<'static, io::Result<Box<dyn SmppStream>>> + Send + Sync;

/// Opens the transport in place of a TCP connection to `address`.
/// Called once per (re)connect.
#[derive(Clone)]
pub struct Connector(Arc<OpenFn>);

impl Connector {
    pub fn new<F, Fut, S>(open: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = io::Result<S>> + Send + 'static,
        S: SmppStream,
    {
        Connector(Arc::new(move || {
            let fut = open();
            Box::pin(async move { fut.await.map(|s| Box::new(s) as Box<dyn SmppStream>) })
        }))
    }
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Connector(..)")
    }
}

/// Open the configured transport and split it.
pub(crate) async fn open(config: &EsmeConfig) -> Result<(BoxRead, BoxWrite), EsmeError> {
    let address = config.address.as_str();
    let connect_error = |source| EsmeError::Connect {
        address: address.to_string(),
        source,
    };
    match &config.connector {
        Some(connector) => {
            let stream = (connector.0)().await.map_err(connect_error)?;
            match &config.tls {
                Some(tls) => handshake(stream, tls, address).await,
                None => Ok(split(stream)),
            }
        }
        None => {
            let tcp = TcpStream::connect(address).await.map_err(connect_error)?;
            // Small PDUs must not wait for Nagle; the writer already batches.
            tcp.set_nodelay(true)?;
            match &config.tls {
                Some(tls) => handshake(tcp, tls, address).await,
                None => {
                    // Owned halves need no lock between reader and writer.
                    let (r, w) = tcp.into_split();
                    Ok((Box::new(r), Box::new(w)))
                }
            }
        }
    }
}

fn split<S: SmppStream>(stream: S) -> (BoxRead, BoxWrite) {
    let (r, w) = tokio::io::split(stream);
    (Box::new(r), Box::new(w))
}

async fn handshake<S: SmppStream>(
    stream: S,
    tls: &TlsSettings,
    address: &str,
) -> Result<(BoxRead, BoxWrite), EsmeError> {
    let connector = TlsConnector::from(tls.client_config.clone());
    let stream = connector
        .connect(tls.server_name.clone(), stream)
        .await
        .map_err(|source| EsmeError::Tls {
            address: address.to_string(),
            source,
        })?;
    Ok(split(stream))
}
