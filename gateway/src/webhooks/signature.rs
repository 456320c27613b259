//! Webhook signatures: HMAC-SHA256 over `"{timestamp}.{body}"` with the merchant's secret.
//!
//! The gateway sends `Switchboard-Signature: t=<unix s>,v1=<hex>` with every webhook
//! ([`signature_header`]); a merchant (and our own tests) checks it with [`verify`], which
//! recomputes the MAC, compares in constant time and refuses timestamps outside a tolerance
//! so that a captured request cannot be replayed later. Several `v1=` entries are accepted
//! so a merchant can check against a header signed while secrets rotate.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header carrying `t=<unix s>,v1=<hex>`.
pub const SIGNATURE_HEADER: &str = "Switchboard-Signature";
/// The header carrying the outbox event's id, stable across retries (receivers dedupe on it).
pub const EVENT_ID_HEADER: &str = "Switchboard-Event-Id";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Lower-case hex of HMAC-SHA256(secret, `"{timestamp}.{body}"`); `timestamp` is Unix seconds.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    to_hex(&mac(secret, timestamp, body))
}

/// The full header value `t=<timestamp>,v1=<hex>` for [`SIGNATURE_HEADER`].
pub fn signature_header(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// Whether `header` carries a valid signature of `body` made with `secret` at a time within
/// `tolerance` of `now` (Unix seconds, either direction). Malformed headers are simply invalid.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64, tolerance: Duration) -> bool {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => candidates.extend(from_hex(value)),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return false;
    };
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now.abs_diff(timestamp) > tolerance.unsigned_abs() {
        return false;
    }
    let expected = mac(secret, timestamp, body);
    // Check every candidate so the time taken does not depend on which one matched.
    candidates
        .iter()
        .fold(false, |ok, c| ok | bool::from(expected.ct_eq(c)))
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Exactly 64 hex digits (either case) into 32 bytes; anything else is `None`.
fn from_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.as_bytes();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(hi << 4 | lo).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const BODY: &[u8] = br#"{"event":"payment.succeeded","payment_id":"pay_1"}"#;
    const TOL: Duration = Duration::from_secs(300);

    #[test]
    fn known_vector() {
        // Obtained independently with:
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test_secret",
        //   b"1700000000." + b"{\"event\":\"payment.succeeded\",\"payment_id\":\"pay_1\"}",
        //   hashlib.sha256).hexdigest())'
        let expected = "456c034abdfa4c0764ade0da4646c9a4cf21c32134439f9458052f0c2ac2afcc";
        assert_eq!(sign(SECRET, 1_700_000_000, BODY), expected);
        assert_eq!(
            signature_header(SECRET, 1_700_000_000, BODY),
            format!("t=1700000000,v1={expected}")
        );
    }

    #[test]
    fn accepts_own_signature_within_tolerance() {
        let header = signature_header(SECRET, 1_000, BODY);
        assert!(verify(SECRET, &header, BODY, 1_000, TOL));
        assert!(verify(SECRET, &header, BODY, 1_300, TOL));
        assert!(verify(SECRET, &header, BODY, 700, TOL));
        let upper_hex = format!("t=1000,v1={}", sign(SECRET, 1_000, BODY).to_uppercase());
        assert!(verify(SECRET, &upper_hex, BODY, 1_000, TOL));
    }

    #[test]
    fn rejects_tampering_and_old_or_malformed_headers() {
        let header = signature_header(SECRET, 1_000, BODY);
        assert!(!verify(
            SECRET,
            &header,
            b"{\"event\":\"payment.failed\"}",
            1_000,
            TOL
        ));
        assert!(!verify(b"other secret", &header, BODY, 1_000, TOL));
        let moved = header.replace("t=1000", "t=1001");
        assert!(!verify(SECRET, &moved, BODY, 1_000, TOL));
        assert!(!verify(SECRET, &header, BODY, 1_301, TOL), "too old");
        assert!(
            !verify(SECRET, &header, BODY, 699, TOL),
            "too far in the future"
        );
        for bad in [
            "",
            "t=1000",
            "v1=00",
            "t=x,v1=00",
            &header.replace(",v1=", ",v2="),
        ] {
            assert!(!verify(SECRET, bad, BODY, 1_000, TOL), "{bad:?}");
        }
    }

    #[test]
    fn any_of_several_v1_entries_may_match() {
        let good = sign(SECRET, 1_000, BODY);
        let header = format!("t=1000,v1={},v1={good}", "0".repeat(64));
        assert!(verify(SECRET, &header, BODY, 1_000, TOL));
    }

    proptest! {
        #[test]
        fn round_trip(secret in proptest::collection::vec(any::<u8>(), 0..80),
                      body in proptest::collection::vec(any::<u8>(), 0..300),
                      t in 0i64..4_000_000_000, flip in 0usize..300) {
            let header = signature_header(&secret, t, &body);
            prop_assert!(verify(&secret, &header, &body, t, TOL));
            if !body.is_empty() {
                let mut tampered = body.clone();
                tampered[flip % body.len()] ^= 1;
                prop_assert!(!verify(&secret, &header, &tampered, t, TOL));
            }
            prop_assert_eq!(from_hex(&sign(&secret, t, &body)), Some(mac(&secret, t, &body)));
        }
    }
}
