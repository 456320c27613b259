//! [`TerminalKey`]: the 32-byte key a dedicated terminal shares with the
//! gateway, written as exactly 64 hexadecimal digits wherever a person or a
//! config file sees it (no prefix, no spaces; either case). `Debug` is
//! redacted and the bytes are overwritten on drop; [`TerminalKey::to_hex`]
//! is the one way to show a key, for provisioning it into the card.

use std::fmt;
use std::str::FromStr;

use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload, rand_core::RngCore};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use super::KEY_ID_LEN;

/// Octets of a terminal key.
pub const KEY_LEN: usize = 32;

/// Why a key text was refused. The text never repeats the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    #[error("a terminal key is {expected} hexadecimal digits, found {found} characters", expected = KEY_LEN * 2)]
    Length { found: usize },
    #[error(
        "a terminal key is hexadecimal digits only (0-9, a-f); character {position} is not one"
    )]
    NotHex { position: usize },
}

/// A dedicated terminal's key; see the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct TerminalKey([u8; KEY_LEN]);

impl fmt::Debug for TerminalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TerminalKey(id {})", super::hex(&self.key_id()))
    }
}

impl Drop for TerminalKey {
    fn drop(&mut self) {
        self.0.fill(0);
        // Keeps the wipe from being optimised away as a dead store.
        std::hint::black_box(&self.0);
    }
}

impl TerminalKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> TerminalKey {
        TerminalKey(bytes)
    }

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> TerminalKey {
        let mut bytes = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        TerminalKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key as 64 lowercase hexadecimal digits, to show once.
    pub fn to_hex(&self) -> String {
        super::hex(&self.0)
    }

    /// The key check value: the first [`KEY_ID_LEN`] octets of the
    /// authentication tag of an empty message under a fixed nonce and label.
    /// It identifies the key and, like a banking KCV, reveals nothing of it.
    pub fn key_id(&self) -> [u8; KEY_ID_LEN] {
        let tag = XChaCha20Poly1305::new(self.as_key())
            .encrypt(
                XNonce::from_slice(&[0u8; super::NONCE_LEN]),
                Payload {
                    msg: &[],
                    aad: b"switchboard terminal key check",
                },
            )
            .expect("an empty message always encrypts");
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(&tag[..KEY_ID_LEN]);
        id
    }

    pub(super) fn as_key(&self) -> &Key {
        Key::from_slice(&self.0)
    }
}

impl FromStr for TerminalKey {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<TerminalKey, KeyParseError> {
        let found = s.chars().count();
        if found != KEY_LEN * 2 || s.len() != KEY_LEN * 2 {
            return Err(KeyParseError::Length { found });
        }
        let digit = |i: usize| {
            char::from(s.as_bytes()[i])
                .to_digit(16)
                .map(|d| d as u8)
                .ok_or(KeyParseError::NotHex { position: i + 1 })
        };
        let mut bytes = [0u8; KEY_LEN];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = digit(2 * i)? << 4 | digit(2 * i + 1)?;
        }
        Ok(TerminalKey(bytes))
    }
}
