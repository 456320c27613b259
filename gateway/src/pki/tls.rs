//! rustls configurations for the merchant API's mutual TLS, both ends.
//!
//! [`mtls_server_config`] is what the merchant listener accepts with: it
//! presents the server certificate and demands a client certificate that
//! chains to the gateway's CA (webpki checks signature, validity window and
//! the clientAuth EKU). [`client_config`] is the merchant's side, used by
//! tests and the launcher's demo shop. Both use the ring provider and leave
//! ALPN unset, so peers speak HTTP/1.1.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, RootCertStore, ServerConfig, ServerConnection};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::{Ca, IssuedCert, PkiError, fingerprint};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server config that accepts only clients holding a certificate issued by `ca`.
///
/// Revocation is not checked here: the HTTP layer looks the peer's
/// [`peer_fingerprint`] up in the store on every request.
pub fn mtls_server_config(ca: &Ca, server: &IssuedCert) -> Result<Arc<ServerConfig>, PkiError> {
    let provider = provider();
    let mut roots = RootCertStore::empty();
    roots.add(ca.cert_der().clone())?;
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build()?;
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(parse_certs(&server.cert_pem)?, parse_key(&server.key_pem)?)?;
    Ok(Arc::new(config))
}

/// A client config that trusts `ca_pem` for the server and presents
/// `cert_pem`/`key_pem` (PEM, chain leaf first) as its client certificate.
pub fn client_config(
    ca_pem: &str,
    cert_pem: &str,
    key_pem: &str,
) -> Result<Arc<ClientConfig>, PkiError> {
    let mut roots = RootCertStore::empty();
    for cert in parse_certs(ca_pem)? {
        roots.add(cert)?;
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_client_auth_cert(parse_certs(cert_pem)?, parse_key(key_pem)?)?;
    Ok(Arc::new(config))
}

/// SHA-256 (lower-case hex) of the client's leaf certificate, once the
/// handshake has verified it; `None` before that or without a certificate.
pub fn peer_fingerprint(conn: &ServerConnection) -> Option<String> {
    conn.peer_certificates()?
        .first()
        .map(|leaf| fingerprint(leaf))
}

/// Fails unless `key_pem` is the private key of `cert`.
pub(super) fn check_keys_match(
    cert: &CertificateDer<'static>,
    key_pem: &str,
) -> Result<(), PkiError> {
    let key = provider()
        .key_provider
        .load_private_key(parse_key(key_pem)?)?;
    CertifiedKey::new(vec![cert.clone()], key)
        .keys_match()
        .map_err(|_| PkiError::KeyMismatch)
}

pub(crate) fn parse_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PkiError::Pem(e.to_string()))?;
    if certs.is_empty() {
        return Err(PkiError::Pem("no CERTIFICATE block".into()));
    }
    Ok(certs)
}

pub(crate) fn parse_key(pem: &str) -> Result<PrivateKeyDer<'static>, PkiError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| PkiError::Pem(e.to_string()))
}
