//! The billing PIN as stored: a random 16-byte salt and SHA-256 over salt
//! and PIN, compared in constant time.
//!
//! Why not argon2 like the gateway's passwords: the PIN never leaves this
//! process's memory and its small SQLite file, attempts are capped by the
//! account lockout (3 wrong PINs lock it), and smsc-sim serves load tests
//! where a deliberately slow hash on every authorization would be the
//! bottleneck. A salted hash still keeps PINs out of the data file and the
//! logs; the lockout, not the hash cost, is what stops guessing.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A salted PIN digest.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinHash {
    salt: [u8; 16],
    digest: [u8; 32],
}

impl std::fmt::Debug for PinHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinHash(..)")
    }
}

impl PinHash {
    pub fn new(pin: &str) -> Self {
        let salt: [u8; 16] = rand::random();
        Self {
            salt,
            digest: digest(&salt, pin),
        }
    }

    /// Whether `pin` is the PIN this was made from; the time taken does not
    /// depend on how much of the digest matches.
    pub fn verify(&self, pin: &str) -> bool {
        digest(&self.salt, pin).ct_eq(&self.digest).into()
    }
}

fn digest(salt: &[u8; 16], pin: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(pin.as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_same_pin_and_salts_differ() {
        let a = PinHash::new("4821");
        let b = PinHash::new("4821");
        assert!(a.verify("4821"));
        assert!(!a.verify("4822"));
        assert!(!a.verify(""));
        assert_ne!(a, b, "two hashes of one PIN must differ by salt");
        assert_eq!(format!("{a:?}"), "PinHash(..)");
    }
}
