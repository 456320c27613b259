//! `[smsc.tls]` → the ESME's rustls settings: trust only the configured CA
//! file, and check the SMSC's certificate for `server_name` (default: the
//! host part of the SMSC's address).

use std::sync::Arc;

use rustls_pki_types::{CertificateDer, ServerName, pem::PemObject};
use wire::esme::TlsSettings;

use super::SmscTls;

/// TLS settings for an SMSC at `address`.
pub fn settings(tls: &SmscTls, address: &str) -> Result<TlsSettings, String> {
    let path = tls.ca_pem_path.display();
    let certs = CertificateDer::pem_file_iter(&tls.ca_pem_path)
        .map_err(|e| format!("tls.ca_pem_path {path}: {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("tls.ca_pem_path {path}: {e}"))?;
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(format!("tls.ca_pem_path {path}: no usable CA certificate"));
    }
    let host = match &tls.server_name {
        Some(name) => name.clone(),
        None => host_of(address).to_string(),
    };
    let server_name = ServerName::try_from(host.clone())
        .map_err(|_| format!("tls.server_name {host:?} is not a DNS name or IP address"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsSettings {
        client_config: Arc::new(client),
        server_name,
    })
}

/// `host` of `host:port`, without the brackets of `[::1]:2775`.
pub fn host_of(address: &str) -> &str {
    let host = address.rsplit_once(':').map_or(address, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
}
