//! The gateway's own certificate authority, kept in the data dir.
//!
//! [`Ca::load_or_create`] reads `ca-cert.pem` and `ca-key.pem` from the data
//! dir, or creates both on first start (ECDSA P-256, self-signed, path length
//! 0, key file mode 0600, written through a temporary file and a rename). The
//! loaded [`Ca`] holds the rcgen issuer that `issue.rs` signs leaves with.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use time::{Duration, OffsetDateTime};

use super::{IssuedCert, PkiError, fingerprint};

/// File name of the CA certificate inside the data dir.
pub const CA_CERT_FILE: &str = "ca-cert.pem";
/// File name of the CA private key inside the data dir (mode 0600).
pub const CA_KEY_FILE: &str = "ca-key.pem";

const CA_VALID_DAYS: i64 = 3650;
/// Certificates start an hour in the past so a peer whose clock is slightly
/// behind still accepts one issued a moment ago.
pub(super) const BACKDATE: Duration = Duration::hours(1);

/// The certificate authority that vouches for merchants and the merchant API.
pub struct Ca {
    cert_pem: String,
    cert_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca")
            .field("fingerprint_sha256", &fingerprint(&self.cert_der))
            .finish_non_exhaustive()
    }
}

impl Ca {
    /// Loads the CA from `data_dir`, creating it (and the dir) if neither file exists.
    ///
    /// Refuses a key file readable by group or others, a key that does not
    /// match the certificate, and a dir holding only one of the two files
    /// (overwriting a lone key could orphan certificates already issued).
    pub fn load_or_create(data_dir: &Path) -> Result<Ca, PkiError> {
        fs::create_dir_all(data_dir).map_err(|e| PkiError::io(data_dir, e))?;
        let cert_path = data_dir.join(CA_CERT_FILE);
        let key_path = data_dir.join(CA_KEY_FILE);
        match (cert_path.exists(), key_path.exists()) {
            (true, true) => Self::load(&cert_path, &key_path),
            (false, false) => Self::create(&cert_path, &key_path),
            (true, false) => Err(PkiError::Incomplete(key_path)),
            (false, true) => Err(PkiError::Incomplete(cert_path)),
        }
    }

    fn load(cert_path: &Path, key_path: &Path) -> Result<Ca, PkiError> {
        check_key_mode(key_path)?;
        let cert_pem = fs::read_to_string(cert_path).map_err(|e| PkiError::io(cert_path, e))?;
        let key_pem = fs::read_to_string(key_path).map_err(|e| PkiError::io(key_path, e))?;
        let cert_der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| PkiError::Pem(format!("{}: {e}", cert_path.display())))?;
        let key = KeyPair::from_pem(&key_pem)?;
        super::tls::check_keys_match(&cert_der, &key_pem)?;
        let issuer = Issuer::from_ca_cert_der(&cert_der, key)?;
        Ok(Ca {
            cert_pem,
            cert_der,
            issuer,
        })
    }

    fn create(cert_path: &Path, key_path: &Path) -> Result<Ca, PkiError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "Switchboard");
        // A per-installation tag keeps two gateways' CAs apart by name, so a
        // certificate from the other one is an unknown issuer, not a bad signature.
        let tag: [u8; 4] = rand::random();
        let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        dn.push(DnType::CommonName, format!("Switchboard Merchant CA {tag}"));
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.serial_number = Some(random_serial());
        params.not_before = OffsetDateTime::now_utc() - BACKDATE;
        params.not_after = OffsetDateTime::now_utc() + Duration::days(CA_VALID_DAYS);
        let cert = params.self_signed(&key)?;
        let cert_pem = cert.pem();
        // Key first: a crash in between leaves a lone key, which load refuses
        // rather than silently replacing.
        write_atomically(key_path, key.serialize_pem().as_bytes(), true)?;
        write_atomically(cert_path, cert_pem.as_bytes(), false)?;
        Ok(Ca {
            cert_pem,
            cert_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate in PEM, for merchants' trust stores.
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// The CA certificate in DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// Signs `params` for a freshly generated P-256 key.
    pub(super) fn sign(&self, params: CertificateParams) -> Result<IssuedCert, PkiError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            fingerprint_sha256: fingerprint(cert.der()),
        })
    }
}

/// 16 random bytes with the top bit clear (serials must be positive) and the
/// next bit set (so the DER integer keeps all 16 bytes).
pub(super) fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

/// Writes `contents` to `path` through a temporary file and a rename, so a
/// reader never sees half a PEM; `secret` files get mode 0600.
fn write_atomically(path: &Path, contents: &[u8], secret: bool) -> Result<(), PkiError> {
    let tmp: PathBuf = path.with_extension("pem.tmp");
    let _ = fs::remove_file(&tmp);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    let mut file = options.open(&tmp).map_err(|e| PkiError::io(&tmp, e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| PkiError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| PkiError::io(path, e))
}

fn check_key_mode(key_path: &Path) -> Result<(), PkiError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(key_path).map_err(|e| PkiError::io(key_path, e))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(PkiError::KeyPermissions {
                path: key_path.to_owned(),
                mode,
            });
        }
    }
    Ok(())
}
