//! Binding a code to its payment (dynamic linking) and checking it.
//!
//! The gateway never stores a code: [`bind`] computes HMAC-SHA256 under the
//! [`CodeKey`] over the payment id, the amount in minor units, the currency,
//! the payee merchant id and the code, and the store keeps only that tag.
//! [`verify`] recomputes the tag from the payment as it is *now* and compares
//! in constant time, so a code typed for another payment, or for a payment
//! whose amount or payee changed, fails. Each field is length-prefixed behind
//! a version tag, so no two different field tuples encode to the same bytes
//! (("ab", "c") and ("a", "bc") differ).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::CodeKey;
use crate::domain::{AuthCode, MerchantId, Money, PaymentId};

/// Length of a binding tag in bytes.
pub const TAG_LEN: usize = 32;
/// Names this encoding, so a future change cannot collide with it.
const VERSION: &[u8] = b"switchboard/code-binding/v1";

/// The HMAC tag binding `code` to this payment, amount and payee.
#[must_use]
pub fn bind(
    key: &CodeKey,
    payment: &PaymentId,
    amount: &Money,
    payee: &MerchantId,
    code: &AuthCode,
) -> [u8; TAG_LEN] {
    let minor = amount.minor.to_be_bytes();
    let fields: [&[u8]; 5] = [
        payment.as_str().as_bytes(),
        &minor,
        amount.currency.code().as_bytes(),
        payee.as_str().as_bytes(),
        code.expose().as_bytes(),
    ];
    hmac_sha256(key.bytes(), &encode(&fields))
}

/// Whether `code` matches the `stored` tag for this payment, amount and payee,
/// compared in constant time (a stored value of the wrong length never matches).
#[must_use = "a code check whose result is ignored checks nothing"]
pub fn verify(
    key: &CodeKey,
    payment: &PaymentId,
    amount: &Money,
    payee: &MerchantId,
    code: &AuthCode,
    stored: &[u8],
) -> bool {
    bind(key, payment, amount, payee, code)[..]
        .ct_eq(stored)
        .into()
}

/// The version tag and every field, each behind its length as a u32
/// (big-endian). Zeroized on drop because it holds the code.
fn encode(fields: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let len = 4 + VERSION.len() + fields.iter().map(|f| 4 + f.len()).sum::<usize>();
    let mut out = Zeroizing::new(Vec::with_capacity(len));
    for field in std::iter::once(&VERSION).chain(fields) {
        let n = u32::try_from(field.len()).expect("binding fields are short strings");
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;
    use crate::domain::Currency;

    fn money(minor: i64, currency: &str) -> Money {
        Money::new(minor, Currency::parse(currency).unwrap())
    }

    fn code(s: &str) -> AuthCode {
        AuthCode::parse(s).unwrap()
    }

    #[test]
    fn is_hmac_sha256() {
        // RFC 4231, test case 2.
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn every_field_and_the_key_change_the_tag() {
        let key = CodeKey::random();
        let (pay, mer) = (PaymentId::generate(), MerchantId::generate());
        let amount = money(12_800, "CNY");
        let base = bind(&key, &pay, &amount, &mer, &code("483920"));
        assert_eq!(
            base,
            bind(&key, &pay, &amount, &mer, &code("483920")),
            "deterministic"
        );
        let variants = [
            bind(&key, &PaymentId::generate(), &amount, &mer, &code("483920")),
            bind(&key, &pay, &money(12_801, "CNY"), &mer, &code("483920")),
            bind(&key, &pay, &money(12_800, "EUR"), &mer, &code("483920")),
            bind(
                &key,
                &pay,
                &amount,
                &MerchantId::generate(),
                &code("483920"),
            ),
            bind(&key, &pay, &amount, &mer, &code("483921")),
            bind(&key, &pay, &amount, &mer, &code("0483920")),
            bind(&CodeKey::random(), &pay, &amount, &mer, &code("483920")),
        ];
        let distinct: HashSet<[u8; TAG_LEN]> = variants.iter().copied().chain([base]).collect();
        assert_eq!(distinct.len(), variants.len() + 1);
    }

    #[test]
    fn verify_accepts_only_the_bound_code_and_payment() {
        let key = CodeKey::random();
        let (pay, mer) = (PaymentId::generate(), MerchantId::generate());
        let amount = money(12_800, "GBP");
        let stored = bind(&key, &pay, &amount, &mer, &code("004217"));
        assert!(verify(&key, &pay, &amount, &mer, &code("004217"), &stored));
        assert!(
            verify(&key, &pay, &amount, &mer, &code(" 004217 "), &stored),
            "typed with spaces"
        );
        assert!(!verify(&key, &pay, &amount, &mer, &code("004218"), &stored));
        assert!(
            !verify(&key, &pay, &amount, &mer, &code("4217"), &stored),
            "leading zeros count"
        );
        assert!(!verify(
            &key,
            &PaymentId::generate(),
            &amount,
            &mer,
            &code("004217"),
            &stored
        ));
        assert!(!verify(
            &key,
            &pay,
            &money(12_900, "GBP"),
            &mer,
            &code("004217"),
            &stored
        ));
        assert!(!verify(
            &key,
            &pay,
            &amount,
            &MerchantId::generate(),
            &code("004217"),
            &stored
        ));
        assert!(!verify(
            &CodeKey::random(),
            &pay,
            &amount,
            &mer,
            &code("004217"),
            &stored
        ));
        assert!(!verify(
            &key,
            &pay,
            &amount,
            &mer,
            &code("004217"),
            &stored[..31]
        ));
        assert!(!verify(&key, &pay, &amount, &mer, &code("004217"), &[]));
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        assert_ne!(*encode(&[b"ab", b"c"]), *encode(&[b"a", b"bc"]));
        assert_ne!(*encode(&[b"abc", b""]), *encode(&[b"", b"abc"]));
        let key = CodeKey::random();
        assert_ne!(
            hmac_sha256(key.bytes(), &encode(&[b"ab", b"c"])),
            hmac_sha256(key.bytes(), &encode(&[b"a", b"bc"]))
        );
    }

    /// `bytes` cut into fields at `cuts` (positions clamped to its length).
    fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(bytes.len())).collect();
        cuts.sort_unstable();
        let bounds: Vec<usize> = std::iter::once(0)
            .chain(cuts)
            .chain([bytes.len()])
            .collect();
        bounds
            .windows(2)
            .map(|w| bytes[w[0]..w[1]].to_vec())
            .collect()
    }

    fn encoded(fields: &[Vec<u8>]) -> Vec<u8> {
        encode(&fields.iter().map(Vec::as_slice).collect::<Vec<_>>()).to_vec()
    }

    proptest! {
        #[test]
        fn the_same_bytes_split_differently_encode_differently(
            bytes in proptest::collection::vec(any::<u8>(), 0..12),
            cuts_a in proptest::collection::vec(0usize..13, 0..4),
            cuts_b in proptest::collection::vec(0usize..13, 0..4),
        ) {
            let (a, b) = (split(&bytes, &cuts_a), split(&bytes, &cuts_b));
            prop_assert_eq!(a == b, encoded(&a) == encoded(&b));
        }

        #[test]
        fn different_field_lists_encode_differently(
            a in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..4), 1..5),
            b in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..4), 1..5),
        ) {
            prop_assert_eq!(a == b, encoded(&a) == encoded(&b));
        }
    }
}
