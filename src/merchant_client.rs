//! A merchant calling the gateway's merchant API over mutual TLS with the
//! client certificate the gateway issued, speaking HTTP/1.1 by hand
//! (`Connection: close`): what the demo and the tests use, so neither needs
//! an HTTPS client library.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::ServerName;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

#[derive(Clone)]
pub struct Merchant {
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
}

/// What the API answered; status 0 means no answer (TLS handshake refused,
/// connection failed, or nothing within 10 s).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Merchant {
    /// With the files `gateway merchants add` writes (client.pem, client.key, ca.pem).
    pub fn from_dir(addr: SocketAddr, dir: &Path) -> anyhow::Result<Merchant> {
        let read = |f: &str| {
            std::fs::read_to_string(dir.join(f))
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", dir.join(f).display()))
        };
        Merchant::from_pem(
            addr,
            &read("ca.pem")?,
            &read("client.pem")?,
            &read("client.key")?,
        )
    }

    pub fn from_pem(addr: SocketAddr, ca: &str, cert: &str, key: &str) -> anyhow::Result<Merchant> {
        let tls = gateway::pki::client_config(ca, cert, key)?;
        Ok(Merchant { addr, tls })
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let exchange = async {
            let tcp = TcpStream::connect(self.addr).await.ok()?;
            let name = ServerName::try_from("localhost").ok()?;
            let mut tls = match TlsConnector::from(Arc::clone(&self.tls))
                .connect(name, tcp)
                .await
            {
                Ok(s) => s,
                Err(_) => return None,
            };
            let body = body.map(|b| b.to_string()).unwrap_or_default();
            let mut req = format!(
                "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            );
            for (k, v) in headers {
                req.push_str(&format!("{k}: {v}\r\n"));
            }
            req.push_str("\r\n");
            req.push_str(&body);
            tls.write_all(req.as_bytes()).await.ok()?;
            let mut raw = Vec::new();
            // TLS 1.3 reports a refused client certificate on the first read.
            tls.read_to_end(&mut raw).await.ok()?;
            Some(raw)
        };
        let Some(raw) = tokio::time::timeout(Duration::from_secs(10), exchange)
            .await
            .unwrap_or(None)
        else {
            return Answer {
                status: 0,
                body: Value::Null,
            };
        };
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let Some((head, body)) = raw.split_once("\r\n\r\n") else {
            return Answer {
                status: 0,
                body: Value::Null,
            };
        };
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Answer {
            status,
            body: serde_json::from_str(&body).unwrap_or(Value::String(body)),
        }
    }
}

fn dechunk(mut raw: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = raw.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let (Some(chunk), Some(next)) = (rest.get(..n), rest.get(n + 2..)) else {
            break;
        };
        if n == 0 {
            break;
        }
        out.push_str(chunk);
        raw = next;
    }
    out
}
