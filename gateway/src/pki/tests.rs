//! Unit tests of the CA: persistence, issuing, and webpki verification of the
//! issued certificates without a network (the handshakes are in
//! `tests/pki_mtls.rs`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::{CertificateError, Error as TlsError, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use time::{Duration, OffsetDateTime};

use super::*;

fn der(pem: &str) -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(pem.as_bytes()).expect("test PEM parses")
}

fn roots(ca: &Ca) -> Arc<RootCertStore> {
    let mut roots = RootCertStore::empty();
    roots
        .add(ca.cert_der().clone())
        .expect("CA cert is a valid trust anchor");
    Arc::new(roots)
}

/// What the merchant listener's verifier says about `cert_pem`.
fn verify_client(ca: &Ca, cert_pem: &str) -> Result<(), TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiClientVerifier::builder_with_provider(roots(ca), provider)
        .build()
        .expect("verifier builds");
    verifier
        .verify_client_cert(&der(cert_pem), &[], UnixTime::now())
        .map(|_| ())
}

fn verify_server(ca: &Ca, cert_pem: &str, name: &str) -> Result<(), TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(roots(ca), provider)
        .build()
        .expect("verifier builds");
    let name = ServerName::try_from(name.to_owned()).expect("test server name");
    verifier
        .verify_server_cert(&der(cert_pem), &[], &name, &[], UnixTime::now())
        .map(|_| ())
}

fn is_cert_error(result: Result<(), TlsError>, want: fn(&CertificateError) -> bool) -> bool {
    matches!(result, Err(TlsError::InvalidCertificate(ref e)) if want(e))
}

#[test]
fn fingerprint_is_lowercase_hex_sha256() {
    // FIPS 180-2 test vector for "abc".
    let want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(fingerprint(b"abc"), want);
}

#[test]
fn ca_is_created_once_then_reloaded_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let first = Ca::load_or_create(&data).expect("create");
    let key_mode = fs::metadata(data.join(CA_KEY_FILE))
        .expect("key file")
        .permissions()
        .mode();
    assert_eq!(key_mode & 0o777, 0o600);
    let key_before = fs::read(data.join(CA_KEY_FILE)).expect("key");
    assert_eq!(
        fs::read_to_string(data.join(CA_CERT_FILE)).expect("cert"),
        first.cert_pem()
    );

    let again = Ca::load_or_create(&data).expect("reload");
    assert_eq!(again.cert_pem(), first.cert_pem());
    assert_eq!(fs::read(data.join(CA_KEY_FILE)).expect("key"), key_before);
    // The reloaded CA signs certificates the original CA certificate accepts.
    let issued = again.issue_merchant("ACME", "mer_acme", 30).expect("issue");
    verify_client(&first, &issued.cert_pem).expect("reloaded CA's cert verifies");
}

#[test]
fn merchant_cert_verifies_and_carries_name_and_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::load_or_create(dir.path()).expect("create");
    let issued = ca
        .issue_merchant("Tea House 茶", "mer_7Qx9", 365)
        .expect("issue");
    verify_client(&ca, &issued.cert_pem).expect("issued cert chains to the CA");
    let leaf = der(&issued.cert_pem);
    assert_eq!(issued.fingerprint_sha256, fingerprint(&leaf));
    let contains = |needle: &[u8]| leaf.windows(needle.len()).any(|w| w == needle);
    assert!(
        contains("Tea House 茶".as_bytes()),
        "CN holds the merchant name"
    );
    assert!(
        contains(b"urn:switchboard:merchant:mer_7Qx9"),
        "URI SAN holds the id"
    );
    // A client certificate is not a server certificate (EKU clientAuth only).
    assert!(verify_server(&ca, &issued.cert_pem, "localhost").is_err());

    let other = ca
        .issue_merchant("Tea House 茶", "mer_7Qx9", 365)
        .expect("issue");
    assert_ne!(
        other.fingerprint_sha256, issued.fingerprint_sha256,
        "fresh key and serial"
    );
    assert_ne!(other.key_pem, issued.key_pem);
}

#[test]
fn foreign_and_expired_certs_are_rejected_by_the_verifier() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::load_or_create(&dir.path().join("a")).expect("create a");
    let other = Ca::load_or_create(&dir.path().join("b")).expect("create b");
    let foreign = other
        .issue_merchant("Other", "mer_other", 30)
        .expect("issue");
    let unknown = |e: &CertificateError| *e == CertificateError::UnknownIssuer;
    assert!(is_cert_error(
        verify_client(&ca, &foreign.cert_pem),
        unknown
    ));
    let stranger = self_signed_client("Stranger").expect("self-signed");
    assert!(is_cert_error(
        verify_client(&ca, &stranger.cert_pem),
        unknown
    ));

    let now = OffsetDateTime::now_utc();
    let expired = ca
        .issue_merchant_valid(
            "Old",
            "mer_old",
            now - Duration::days(10),
            now - Duration::days(1),
        )
        .expect("issue");
    let is_expired = |e: &CertificateError| {
        matches!(
            e,
            CertificateError::Expired | CertificateError::ExpiredContext { .. }
        )
    };
    assert!(is_cert_error(
        verify_client(&ca, &expired.cert_pem),
        is_expired
    ));
}

#[test]
fn server_cert_names_localhost_loopback_and_given_hosts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::load_or_create(dir.path()).expect("create");
    let server = server_cert(&ca, &["pay.example.com", "10.0.0.7", "localhost"]).expect("issue");
    for name in ["localhost", "127.0.0.1", "pay.example.com", "10.0.0.7"] {
        verify_server(&ca, &server.cert_pem, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(verify_server(&ca, &server.cert_pem, "evil.example.com").is_err());
    // A server certificate cannot log in as a merchant (EKU serverAuth only).
    assert!(verify_client(&ca, &server.cert_pem).is_err());
    assert!(matches!(
        server_cert(&ca, &["bad host!"]),
        Err(PkiError::InvalidHost(_))
    ));
}

#[test]
fn bad_names_and_ids_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = Ca::load_or_create(dir.path()).expect("create");
    for name in ["", "   ", "a\nb", &"x".repeat(65)] {
        assert!(matches!(
            ca.issue_merchant(name, "mer_1", 1),
            Err(PkiError::InvalidName(_))
        ));
    }
    for id in ["", "mer 1", "mer/1", "mér_1", &"x".repeat(65)] {
        assert!(matches!(
            ca.issue_merchant("ACME", id, 1),
            Err(PkiError::InvalidMerchantId(_))
        ));
    }
}

#[test]
fn damaged_ca_dirs_are_refused_not_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    Ca::load_or_create(&a).expect("create a");
    Ca::load_or_create(&b).expect("create b");

    fs::set_permissions(a.join(CA_KEY_FILE), fs::Permissions::from_mode(0o644)).expect("chmod");
    assert!(matches!(
        Ca::load_or_create(&a),
        Err(PkiError::KeyPermissions { mode: 0o644, .. })
    ));
    fs::set_permissions(a.join(CA_KEY_FILE), fs::Permissions::from_mode(0o600)).expect("chmod");

    fs::copy(b.join(CA_KEY_FILE), a.join(CA_KEY_FILE)).expect("swap key");
    assert!(matches!(Ca::load_or_create(&a), Err(PkiError::KeyMismatch)));

    fs::remove_file(a.join(CA_KEY_FILE)).expect("rm key");
    assert!(matches!(
        Ca::load_or_create(&a),
        Err(PkiError::Incomplete(_))
    ));
    assert!(
        a.join(CA_CERT_FILE).exists() && !a.join(CA_KEY_FILE).exists(),
        "nothing recreated"
    );
}
