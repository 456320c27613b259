//! Sealed messages for dedicated terminals (issue 8 §3): an authorization
//! code encrypted end to end from the gateway to one set-top card, so no hop
//! in between (SMSC, switch, cell) can read it.
//!
//! Cipher: XChaCha20-Poly1305 (RustCrypto `chacha20poly1305`) under a
//! 32-byte [`TerminalKey`] provisioned at registration, with a random
//! 24-byte nonce per message (random nonces of that size never repeat in
//! practice, so the sender keeps no counter). Layout of a sealed message:
//!
//! ```text
//! version (1) | key id (4) | nonce (24) | ciphertext + tag (16)
//! ```
//!
//! The key id is a key check value ([`TerminalKey::key_id`]): it tells a
//! terminal holding another key that the message is not for its key
//! ([`OpenError::WrongKey`]) without revealing anything about the key. The
//! associated data binds version, key id and the recipient MSISDN, so a
//! message replayed to another terminal (even one sharing the key) fails as
//! [`OpenError::Tampered`]. The plaintext is a [`CodeMessage`]
//! ([`plaintext`]); the whole sealed message fits one 8-bit SMS with the
//! 16-bit application port UDH ([`MAX_SEALED_LEN`]) to [`CODE_PORT`].

mod key;
pub mod plaintext;

#[cfg(test)]
mod tests;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

pub use key::{KEY_LEN, KeyParseError, TerminalKey};
pub use plaintext::{CodeMessage, PlaintextError};

use crate::msisdn::Msisdn;

/// The format version this module writes and reads.
pub const VERSION: u8 = 1;
/// Octets of the key id (key check value).
pub const KEY_ID_LEN: usize = 4;
/// Octets of the XChaCha20 nonce.
pub const NONCE_LEN: usize = 24;
/// Octets of the Poly1305 tag.
pub const TAG_LEN: usize = 16;
/// Octets a sealed message adds to its plaintext.
pub const OVERHEAD: usize = 1 + KEY_ID_LEN + NONCE_LEN + TAG_LEN;
/// The application port (TS 23.040 §9.2.3.24.4, 16-bit addressing) sealed
/// codes are sent to; a terminal reads sealed codes only on this port.
pub const CODE_PORT: u16 = 9200;
/// Octets of the port-addressing user data header: UDHL, IEI 0x05, IEDL 4,
/// destination and originator ports.
pub const PORT_UDH_LEN: usize = 7;
/// Largest sealed message that fits one 140-octet 8-bit SMS with the port UDH.
pub const MAX_SEALED_LEN: usize = 140 - PORT_UDH_LEN;
/// Largest plaintext that still fits one SMS once sealed.
pub const MAX_PLAINTEXT_LEN: usize = MAX_SEALED_LEN - OVERHEAD;

/// Why a message could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("plaintext of {len} octets exceeds the {MAX_PLAINTEXT_LEN} that fit one SMS")]
    TooLong { len: usize },
    #[error("the cipher refused the message")]
    Cipher,
}

/// Why a sealed message could not be opened. The texts never include key
/// material or plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("sealed message of {len} octets is shorter than the {OVERHEAD}-octet minimum")]
    Truncated { len: usize },
    #[error("sealed message version {0} is not supported (expected {VERSION})")]
    UnknownVersion(u8),
    #[error("sealed for another key (key id {})", hex(.message_key_id))]
    WrongKey { message_key_id: [u8; KEY_ID_LEN] },
    #[error("sealed message failed authentication: altered, or addressed to another terminal")]
    Tampered,
}

/// Seals `plaintext` for the terminal `recipient` under `key`, with a fresh
/// random nonce from the operating system.
pub fn seal(key: &TerminalKey, recipient: &Msisdn, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    seal_with_nonce(key, recipient, nonce.into(), plaintext)
}

/// [`seal`] with a given nonce (tests, golden vectors). A nonce must never
/// be used twice with one key.
pub fn seal_with_nonce(
    key: &TerminalKey,
    recipient: &Msisdn,
    nonce: [u8; NONCE_LEN],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(SealError::TooLong {
            len: plaintext.len(),
        });
    }
    let key_id = key.key_id();
    let aad = associated_data(VERSION, key_id, recipient);
    let cipher = XChaCha20Poly1305::new(key.as_key());
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Cipher)?;
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(VERSION);
    out.extend_from_slice(&key_id);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a message sealed for `recipient`, with the terminal's `key`.
pub fn open(key: &TerminalKey, recipient: &Msisdn, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
    let Some((&version, rest)) = sealed.split_first() else {
        return Err(OpenError::Truncated { len: 0 });
    };
    if version != VERSION {
        return Err(OpenError::UnknownVersion(version));
    }
    if sealed.len() < OVERHEAD {
        return Err(OpenError::Truncated { len: sealed.len() });
    }
    let (id, rest) = rest.split_at(KEY_ID_LEN);
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let message_key_id: [u8; KEY_ID_LEN] = id.try_into().expect("split at KEY_ID_LEN");
    if message_key_id != key.key_id() {
        return Err(OpenError::WrongKey { message_key_id });
    }
    let aad = associated_data(version, message_key_id, recipient);
    XChaCha20Poly1305::new(key.as_key())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| OpenError::Tampered)
}

/// Domain label, version, key id and the recipient's digits.
fn associated_data(version: u8, key_id: [u8; KEY_ID_LEN], recipient: &Msisdn) -> Vec<u8> {
    let mut aad = b"switchboard sealed code\0".to_vec();
    aad.push(version);
    aad.extend_from_slice(&key_id);
    aad.extend_from_slice(recipient.as_str().as_bytes());
    aad
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
