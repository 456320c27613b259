//! The voucher's secrets: the payment password (10 characters) and the
//! backup password that unlocks a locked voucher (the customers' backup
//! code, 12 characters), both from the CSPRNG over an alphabet without
//! look-alikes (no 0/O, 1/I), stored only as argon2id hashes, zeroized on
//! drop and never in `Debug`. Typing ignores case, spaces and hyphens.

use std::fmt;

use rand::Rng;
use zeroize::Zeroizing;

pub use crate::customers::BACKUP_ALPHABET as ALPHABET;

/// Characters in a payment password: 10 of 32 symbols, 50 bits.
pub const PASSWORD_LEN: usize = 10;

/// A voucher payment password in canonical form (upper case, no spaces).
#[derive(Clone, PartialEq, Eq)]
pub struct VoucherPassword(Zeroizing<String>);

impl VoucherPassword {
    /// A fresh random password.
    pub fn generate() -> VoucherPassword {
        let mut rng = rand::rng();
        let s: String = (0..PASSWORD_LEN)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        VoucherPassword(Zeroizing::new(s))
    }

    /// What someone typed, canonical; anything outside the form becomes a
    /// value that never matches (still hashed, so it takes as long).
    pub fn typed(s: &str) -> VoucherPassword {
        let canonical: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if Self::well_formed(&canonical) {
            VoucherPassword(Zeroizing::new(canonical))
        } else {
            VoucherPassword(Zeroizing::new("-".into()))
        }
    }

    /// Whether `s` (canonical) has the length and alphabet of a password.
    pub fn well_formed(s: &str) -> bool {
        s.len() == PASSWORD_LEN && s.bytes().all(|b| ALPHABET.contains(&b))
    }

    /// The canonical text, for hashing and for the one SMS that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn secret(&self) -> Zeroizing<String> {
        self.0.clone()
    }
}

impl fmt::Debug for VoucherPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VoucherPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_use_the_alphabet_and_length() {
        for _ in 0..200 {
            let p = VoucherPassword::generate();
            assert!(VoucherPassword::well_formed(p.expose()), "{}", p.expose());
            for bad in ['0', 'O', '1', 'I'] {
                assert!(!p.expose().contains(bad));
            }
        }
        assert_ne!(VoucherPassword::generate(), VoucherPassword::generate());
        assert_eq!(
            format!("{:?}", VoucherPassword::generate()),
            "VoucherPassword(<redacted>)"
        );
    }

    #[test]
    fn typing_is_forgiving_and_malformed_never_matches() {
        let p = VoucherPassword::generate();
        let typed = format!("{} {}", &p.expose()[..5].to_lowercase(), &p.expose()[5..]);
        assert_eq!(VoucherPassword::typed(&typed), p);
        for bad in ["", "SHORT", "ABCDEFGHJ0", "ABCDEFGHJKLM"] {
            assert!(!VoucherPassword::well_formed(
                VoucherPassword::typed(bad).expose()
            ));
        }
    }
}
