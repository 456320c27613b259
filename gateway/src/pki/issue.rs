//! Certificates the [`Ca`] issues, each with a fresh P-256 key and a random
//! serial: merchant client certificates ([`Ca::issue_merchant`]: CN =
//! merchant name, OU and a `urn:switchboard:merchant:<id>` URI SAN = merchant
//! id, EKU clientAuth), the merchant API's server certificate
//! ([`server_cert`]: EKU serverAuth) and, for refusal tests and demos, a
//! self-signed client certificate no CA vouches for.

use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls_pki_types::ServerName;
use time::{Duration, OffsetDateTime};

use super::ca::{BACKDATE, random_serial};
use super::{Ca, PkiError, fingerprint};

const SERVER_VALID_DAYS: u32 = 397;
/// RFC 5280's upper bound for a common name.
const MAX_CN_LEN: usize = 64;

/// A certificate signed by the [`Ca`], with its freshly generated key.
#[derive(Clone)]
pub struct IssuedCert {
    pub cert_pem: String,
    pub key_pem: String,
    /// Lower-case hex SHA-256 of the certificate's DER, as [`fingerprint`] computes it.
    pub fingerprint_sha256: String,
}

impl std::fmt::Debug for IssuedCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCert")
            .field("fingerprint_sha256", &self.fingerprint_sha256)
            .field("key_pem", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Ca {
    /// Issues a merchant client certificate valid from now for `valid_days`.
    pub fn issue_merchant(
        &self,
        name: &str,
        merchant_id: &str,
        valid_days: u32,
    ) -> Result<IssuedCert, PkiError> {
        let now = OffsetDateTime::now_utc();
        self.issue_merchant_valid(name, merchant_id, now - BACKDATE, now + days(valid_days))
    }

    /// Issues a merchant client certificate with an explicit validity window
    /// (tests use a window in the past to get an expired certificate).
    pub fn issue_merchant_valid(
        &self,
        name: &str,
        merchant_id: &str,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<IssuedCert, PkiError> {
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_CN_LEN
            || name.chars().any(char::is_control)
        {
            return Err(PkiError::InvalidName(name.to_owned()));
        }
        let id_ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if merchant_id.is_empty()
            || merchant_id.len() > MAX_CN_LEN
            || !merchant_id.chars().all(id_ok)
        {
            return Err(PkiError::InvalidMerchantId(merchant_id.to_owned()));
        }
        let mut params = leaf_params(not_before, not_after);
        params
            .distinguished_name
            .push(DnType::OrganizationalUnitName, merchant_id);
        params.distinguished_name.push(DnType::CommonName, name);
        let uri = format!("urn:switchboard:merchant:{merchant_id}");
        params.subject_alt_names = vec![SanType::URI(uri.as_str().try_into()?)];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.sign(params)
    }
}

/// The merchant API's TLS server certificate, signed by `ca`, with SANs for
/// `hosts` plus `localhost` and `127.0.0.1` (IP literals become IP SANs).
pub fn server_cert(ca: &Ca, hosts: &[&str]) -> Result<IssuedCert, PkiError> {
    let mut names: Vec<&str> = vec!["localhost", "127.0.0.1"];
    for host in hosts {
        if !names.contains(host) {
            names.push(host);
        }
    }
    let now = OffsetDateTime::now_utc();
    let mut params = leaf_params(now - BACKDATE, now + days(SERVER_VALID_DAYS));
    params
        .distinguished_name
        .push(DnType::CommonName, "Switchboard merchant API");
    params.subject_alt_names = names
        .iter()
        .map(|&host| {
            let invalid = || PkiError::InvalidHost(host.to_owned());
            // rcgen takes any ASCII as a DNS name; webpki's syntax is what clients check.
            ServerName::try_from(host).map_err(|_| invalid())?;
            match host.parse() {
                Ok(ip) => Ok(SanType::IpAddress(ip)),
                Err(_) => host.try_into().map(SanType::DnsName).map_err(|_| invalid()),
            }
        })
        .collect::<Result<_, _>>()?;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    ca.sign(params)
}

/// A self-signed client certificate that no CA vouches for: the "stranger"
/// of the refusal tests and the demo.
pub fn self_signed_client(name: &str) -> Result<IssuedCert, PkiError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let now = OffsetDateTime::now_utc();
    let mut params = leaf_params(now - BACKDATE, now + Duration::days(30));
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.self_signed(&key)?;
    Ok(IssuedCert {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        fingerprint_sha256: fingerprint(cert.der()),
    })
}

fn leaf_params(not_before: OffsetDateTime, not_after: OffsetDateTime) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.use_authority_key_identifier_extension = true;
    params.serial_number = Some(random_serial());
    params.not_before = not_before;
    params.not_after = not_after;
    params
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}
