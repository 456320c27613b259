//! Backup codes: shown once at registration, stored only as an argon2id
//! hash, typed to unlock an identity after too many wrong passwords.
//! 12 characters from an alphabet without look-alikes (no 0/O, 1/I), shown
//! in groups of four ("7KQM-X2PD-RA9F"): 60 bits from the CSPRNG. Typing is
//! forgiving: case, spaces and hyphens do not matter.

use std::fmt;

use rand::Rng;
use zeroize::Zeroizing;

/// Characters a backup code is made of.
pub const BACKUP_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Characters in a backup code, without the hyphens.
pub const BACKUP_LEN: usize = 12;

/// A backup code in its display form "ABCD-EFGH-JKLM". Never in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode(Zeroizing<String>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a backup code is 12 letters and digits, as in ABCD-EFGH-JKLM (no 0, 1, I or O)")]
pub struct BadBackupCode;

impl BackupCode {
    /// A fresh random code.
    pub fn generate() -> BackupCode {
        let mut rng = rand::rng();
        let chars: Zeroizing<Vec<u8>> = Zeroizing::new(
            (0..BACKUP_LEN)
                .map(|_| BACKUP_ALPHABET[rng.random_range(0..BACKUP_ALPHABET.len())])
                .collect(),
        );
        BackupCode::from_chars(&chars)
    }

    /// Reads what someone typed, ignoring case, spaces and hyphens.
    pub fn parse(s: &str) -> Result<BackupCode, BadBackupCode> {
        let chars: Zeroizing<Vec<u8>> = Zeroizing::new(
            s.bytes()
                .filter(|b| !matches!(b, b'-' | b' '))
                .map(|b| b.to_ascii_uppercase())
                .collect(),
        );
        if chars.len() == BACKUP_LEN && chars.iter().all(|b| BACKUP_ALPHABET.contains(b)) {
            Ok(BackupCode::from_chars(&chars))
        } else {
            Err(BadBackupCode)
        }
    }

    fn from_chars(chars: &[u8]) -> BackupCode {
        let mut s = Zeroizing::new(String::with_capacity(BACKUP_LEN + 2));
        for (i, group) in chars.chunks(4).enumerate() {
            if i > 0 {
                s.push('-');
            }
            s.extend(group.iter().map(|&b| char::from(b)));
        }
        BackupCode(s)
    }

    /// "ABCD-EFGH-JKLM": to show the customer once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The form that is hashed: the 12 characters without hyphens.
    pub(super) fn canonical(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.replace('-', ""))
    }
}

impl fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
