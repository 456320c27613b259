//! Merchant certificate files: fixture merchants without a certificate get
//! one on the first start, and `gateway merchants add` writes the same three
//! files for a new merchant.

use std::path::Path;

use anyhow::Context;

use super::now_ms;
use crate::pki::{self, Ca};
use crate::store::Store;

/// Certificates for fixture merchants that have none yet.
pub(super) async fn issue_fixture_certs(
    store: &Store,
    ca: &Ca,
    data_dir: &Path,
) -> anyhow::Result<()> {
    for m in store.list_merchants().await? {
        if m.cert_fingerprint.is_some() {
            continue;
        }
        let issued = ca.issue_merchant(&m.name, m.id.as_str(), 825)?;
        let dir = data_dir.join("merchants").join(m.id.as_str());
        write_merchant_files(&dir, &issued, &ca.cert_pem())?;
        store
            .set_merchant_certificate(&m.id, &issued.fingerprint_sha256, now_ms())
            .await?;
        tracing::info!(merchant = %m.id, dir = %dir.display(), "merchant certificate issued");
    }
    Ok(())
}

/// `client.pem`, `client.key` (0600) and `ca.pem` in `dir`.
pub fn write_merchant_files(
    dir: &Path,
    issued: &pki::IssuedCert,
    ca_pem: &str,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("client.pem"), &issued.cert_pem)?;
    std::fs::write(dir.join("ca.pem"), ca_pem)?;
    let key = dir.join("client.key");
    // Created 0600 from the start: the key is never readable by others,
    // not even for a moment.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&key)
        .with_context(|| format!("creating {}", key.display()))?;
    std::io::Write::write_all(&mut file, issued.key_pem.as_bytes())?;
    Ok(())
}
