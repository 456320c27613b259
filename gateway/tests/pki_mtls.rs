//! Mutual TLS handshakes over 127.0.0.1 against the merchant listener's
//! config: a certificate from the gateway's CA gets in and is named by its
//! fingerprint; no certificate, a self-signed one, one from another CA, an
//! expired one and a server certificate used as a client one are refused.

use std::sync::Arc;
use std::time::Duration;

use gateway::pki::{self, Ca, IssuedCert};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use rustls_pki_types::ServerName;
use rustls_pki_types::pem::PemObject;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// Bounds every handshake so a hung peer fails the test instead of stalling it.
const LIMIT: Duration = Duration::from_secs(10);

struct Outcome {
    /// The server's view: the peer's fingerprint, or why the handshake failed.
    server: Result<Option<String>, std::io::Error>,
    /// Whether the client got the server's one-byte greeting.
    client_ok: bool,
}

/// One connection: the server accepts with `server_cfg` and, once the
/// handshake is through, sends one byte; the client connects to `name`.
async fn handshake(
    server_cfg: Arc<rustls::ServerConfig>,
    client_cfg: Arc<ClientConfig>,
    name: &'static str,
) -> Outcome {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await?;
        let mut tls = TlsAcceptor::from(server_cfg).accept(tcp).await?;
        let fingerprint = pki::peer_fingerprint(tls.get_ref().1);
        tls.write_all(b"k").await?;
        tls.shutdown().await?;
        Ok::<_, std::io::Error>(fingerprint)
    });
    let client = async {
        let tcp = TcpStream::connect(addr).await?;
        let server_name = ServerName::try_from(name).expect("test server name");
        // With TLS 1.3 the client finishes before the server has judged its
        // certificate, so only the greeting proves the server let it in.
        let mut tls = TlsConnector::from(client_cfg)
            .connect(server_name, tcp)
            .await?;
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).await?;
        Ok::<_, std::io::Error>(byte == *b"k")
    };
    let client_ok = tokio::time::timeout(LIMIT, client)
        .await
        .expect("client bounded");
    let server = tokio::time::timeout(LIMIT, server)
        .await
        .expect("server bounded")
        .expect("server task");
    Outcome {
        server,
        client_ok: matches!(client_ok, Ok(true)),
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    ca: Ca,
    server_cfg: Arc<rustls::ServerConfig>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::load_or_create(dir.path()).expect("CA");
    let server = pki::server_cert(&ca, &[]).expect("server cert");
    let server_cfg = pki::mtls_server_config(&ca, &server).expect("server config");
    Setup {
        _dir: dir,
        ca,
        server_cfg,
    }
}

fn client_with(ca: &Ca, cert: &IssuedCert) -> Arc<ClientConfig> {
    pki::client_config(&ca.cert_pem(), &cert.cert_pem, &cert.key_pem).expect("client config")
}

/// The rustls certificate error behind a refused handshake, if that is why.
fn cert_error(outcome: &Outcome) -> Option<CertificateError> {
    let err = outcome.server.as_ref().err()?;
    match err.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(e) => Some(e.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn merchant_cert_from_our_ca_is_accepted_and_fingerprinted() {
    let s = setup();
    let merchant = s.ca.issue_merchant("ACME", "mer_acme", 30).expect("issue");
    for name in ["localhost", "127.0.0.1"] {
        let outcome = handshake(s.server_cfg.clone(), client_with(&s.ca, &merchant), name).await;
        let fingerprint = outcome.server.expect("handshake succeeds");
        assert_eq!(
            fingerprint.as_deref(),
            Some(merchant.fingerprint_sha256.as_str())
        );
        assert!(outcome.client_ok, "client got the greeting via {name}");
    }
}

#[tokio::test]
async fn no_client_cert_is_refused() {
    let s = setup();
    let mut roots = RootCertStore::empty();
    let ca_der = rustls_pki_types::CertificateDer::from_pem_slice(s.ca.cert_pem().as_bytes())
        .expect("CA PEM");
    roots.add(ca_der).expect("CA root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let anonymous = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let outcome = handshake(s.server_cfg.clone(), Arc::new(anonymous), "localhost").await;
    let err = outcome.server.as_ref().expect_err("refused");
    let tls = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    assert!(
        matches!(tls, Some(rustls::Error::NoCertificatesPresented)),
        "{err}"
    );
    assert!(!outcome.client_ok);
}

#[tokio::test]
async fn self_signed_client_cert_is_refused() {
    let s = setup();
    let stranger = pki::self_signed_client("ACME").expect("self-signed");
    let outcome = handshake(
        s.server_cfg.clone(),
        client_with(&s.ca, &stranger),
        "localhost",
    )
    .await;
    assert_eq!(cert_error(&outcome), Some(CertificateError::UnknownIssuer));
    assert!(!outcome.client_ok);
}

#[tokio::test]
async fn cert_from_another_ca_is_refused() {
    let s = setup();
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other = Ca::load_or_create(other_dir.path()).expect("other CA");
    let foreign = other.issue_merchant("ACME", "mer_acme", 30).expect("issue");
    // The client still trusts our CA for the server; only its own cert is foreign.
    let outcome = handshake(
        s.server_cfg.clone(),
        client_with(&s.ca, &foreign),
        "localhost",
    )
    .await;
    assert_eq!(cert_error(&outcome), Some(CertificateError::UnknownIssuer));
    assert!(!outcome.client_ok);
}

#[tokio::test]
async fn expired_cert_is_refused() {
    let s = setup();
    let now = time::OffsetDateTime::now_utc();
    let expired =
        s.ca.issue_merchant_valid(
            "ACME",
            "mer_acme",
            now - time::Duration::days(30),
            now - time::Duration::days(1),
        )
        .expect("issue");
    let outcome = handshake(
        s.server_cfg.clone(),
        client_with(&s.ca, &expired),
        "localhost",
    )
    .await;
    let err = cert_error(&outcome);
    assert!(
        matches!(
            err,
            Some(CertificateError::Expired | CertificateError::ExpiredContext { .. })
        ),
        "{err:?}"
    );
    assert!(!outcome.client_ok);
}

#[tokio::test]
async fn server_cert_cannot_log_in_as_a_merchant() {
    let s = setup();
    let server_as_client = pki::server_cert(&s.ca, &[]).expect("issue");
    let outcome = handshake(
        s.server_cfg.clone(),
        client_with(&s.ca, &server_as_client),
        "localhost",
    )
    .await;
    assert!(
        outcome.server.is_err(),
        "serverAuth-only cert refused as client cert"
    );
    assert!(!outcome.client_ok);
}
