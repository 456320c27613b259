//! Merchant identity by certificate: the gateway's CA and mutual TLS.
//!
//! On first start the gateway creates its own certificate authority in the
//! data dir ([`Ca::load_or_create`]); later starts load it. The CA issues each
//! merchant a client certificate ([`Ca::issue_merchant`]) and the merchant
//! API its server certificate ([`server_cert`]). The merchant listener uses
//! [`mtls_server_config`], which refuses any client whose certificate does not
//! chain to the CA or is outside its validity window; after the handshake
//! [`peer_fingerprint`] names the merchant's certificate by the SHA-256 of its
//! DER, the same value [`IssuedCert::fingerprint_sha256`] records at issue.
//!
//! Revocation is deliberately not handled here (no CRL, no OCSP): the HTTP
//! layer looks the fingerprint up in the store on every request and serves
//! only an active merchant, so revoking is one row update and takes effect
//! at once, and a valid certificate of an unknown merchant is refused too.

mod ca;
mod issue;
pub(crate) mod tls;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use ca::{CA_CERT_FILE, CA_KEY_FILE, Ca};
pub use issue::{IssuedCert, self_signed_client, server_cert};
pub use tls::{client_config, mtls_server_config, peer_fingerprint};

/// Why a CA could not be loaded or a certificate or TLS config not built.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is missing while its CA counterpart exists; restore it or remove both")]
    Incomplete(PathBuf),
    #[error(
        "{path} has mode {mode:o}; the CA key must not be readable by group or others (chmod 600)"
    )]
    KeyPermissions { path: PathBuf, mode: u32 },
    #[error("the CA key does not belong to the CA certificate")]
    KeyMismatch,
    #[error("bad PEM: {0}")]
    Pem(String),
    #[error("merchant name {0:?} must be 1 to 64 printable characters")]
    InvalidName(String),
    #[error("merchant id {0:?} must be 1 to 64 of [A-Za-z0-9_-]")]
    InvalidMerchantId(String),
    #[error("host {0:?} is neither an IP address nor a DNS name")]
    InvalidHost(String),
    #[error("certificate generation: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
    #[error("client verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
}

impl PkiError {
    fn io(path: &Path, source: std::io::Error) -> PkiError {
        PkiError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Lower-case hex SHA-256 of a certificate's DER encoding.
pub fn fingerprint(der: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(der)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            // Writing to a String cannot fail.
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
