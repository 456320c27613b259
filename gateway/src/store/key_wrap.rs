//! Terminal keys at rest. A dedicated terminal's key (issue 8 part 3) is
//! the one secret in `gateway.db` that decrypts traffic, so it is stored
//! wrapped: sealed with XChaCha20-Poly1305 under a key-encryption key kept
//! beside the database in the owner-only file `terminal-kek`
//! ([`crate::key_file`]). A copy of the database alone (a backup, a dump, a
//! support bundle) then reveals no terminal key.
//!
//! A wrapped key is `0x01 ‖ nonce (24) ‖ ciphertext (32) ‖ tag (16)`. The
//! terminal's row id is the associated data, so a wrapped key moved to
//! another terminal's row does not open. A 32-octet value is a key written
//! before wrapping existed: it is read as is and wrapped when the store
//! opens ([`KeyWrap::is_legacy`]).

use std::fmt;
use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::terminal_keys::TERMINAL_KEY_LEN;
use crate::key_file::{self, KeyError, Secret};

/// File name of the key-encryption key inside the data dir.
pub const KEK_FILE: &str = "terminal-kek";
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Octets of a wrapped key.
pub const WRAPPED_LEN: usize = 1 + NONCE_LEN + TERMINAL_KEY_LEN + TAG_LEN;

/// The key-encryption key. Wiped on drop; `Debug` redacted.
pub struct KeyWrap(Secret);

impl fmt::Debug for KeyWrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyWrap(<redacted>)")
    }
}

/// A stored value that does not unwrap: another data directory's
/// `terminal-kek`, or an edited row.
#[derive(Debug, thiserror::Error)]
#[error("the key of terminal {terminal_id} does not unwrap with this data directory's {KEK_FILE}")]
pub struct UnwrapError {
    pub terminal_id: i64,
}

impl KeyWrap {
    /// A fresh key-encryption key (in-memory stores).
    ///
    /// # Panics
    /// If the operating system cannot supply randomness.
    pub fn random() -> KeyWrap {
        KeyWrap(key_file::random().expect("the OS random generator must work to make secrets"))
    }

    /// Loads `data_dir/terminal-kek`, creating it on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<KeyWrap, KeyError> {
        key_file::load_or_create(data_dir, KEK_FILE).map(KeyWrap)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }

    /// `key` of terminal `terminal_id`, wrapped for storage.
    pub fn wrap(&self, terminal_id: i64, key: &[u8; TERMINAL_KEY_LEN]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = terminal_id.to_be_bytes();
        let sealed = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: key,
                    aad: &aad,
                },
            )
            .expect("sealing 32 octets under a 32-octet key cannot fail");
        let mut out = Vec::with_capacity(WRAPPED_LEN);
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The key of terminal `terminal_id` from its stored value.
    pub fn unwrap(
        &self,
        terminal_id: i64,
        stored: &[u8],
    ) -> Result<[u8; TERMINAL_KEY_LEN], UnwrapError> {
        let refused = || UnwrapError { terminal_id };
        if Self::is_legacy(stored) {
            return stored.try_into().map_err(|_| refused());
        }
        if stored.len() != WRAPPED_LEN || stored[0] != VERSION {
            return Err(refused());
        }
        let (nonce, sealed) = stored[1..].split_at(NONCE_LEN);
        let aad = terminal_id.to_be_bytes();
        let clear = zeroize::Zeroizing::new(
            self.cipher()
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: &aad,
                    },
                )
                .map_err(|_| refused())?,
        );
        clear.as_slice().try_into().map_err(|_| refused())
    }

    /// A key stored in clear, before wrapping existed.
    pub fn is_legacy(stored: &[u8]) -> bool {
        stored.len() == TERMINAL_KEY_LEN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_opens_only_for_its_terminal_and_kek() {
        let (kek, other) = (KeyWrap::random(), KeyWrap::random());
        let key = [7u8; TERMINAL_KEY_LEN];
        let stored = kek.wrap(4, &key);
        assert_eq!(stored.len(), WRAPPED_LEN);
        assert!(
            !stored.windows(TERMINAL_KEY_LEN).any(|w| w == key),
            "not in clear"
        );
        assert_eq!(kek.unwrap(4, &stored).expect("opens"), key);
        assert!(kek.unwrap(5, &stored).is_err(), "moved to another row");
        assert!(other.unwrap(4, &stored).is_err(), "another KEK");
        let mut edited = stored.clone();
        edited[30] ^= 1;
        assert!(kek.unwrap(4, &edited).is_err(), "edited");
        assert_ne!(kek.wrap(4, &key), stored, "a fresh nonce each time");
    }

    #[test]
    fn a_clear_legacy_key_is_read_as_is() {
        let kek = KeyWrap::random();
        assert_eq!(kek.unwrap(1, &[9u8; 32]).expect("legacy"), [9u8; 32]);
        assert!(kek.unwrap(1, &[9u8; 31]).is_err());
        assert_eq!(format!("{kek:?}"), "KeyWrap(<redacted>)");
    }

    #[test]
    fn the_kek_file_is_created_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = KeyWrap::load_or_create(dir.path()).expect("created");
        let b = KeyWrap::load_or_create(dir.path()).expect("loaded");
        let stored = a.wrap(1, &[3u8; 32]);
        assert_eq!(b.unwrap(1, &stored).expect("same KEK"), [3u8; 32]);
        assert!(dir.path().join(KEK_FILE).exists());
    }
}
