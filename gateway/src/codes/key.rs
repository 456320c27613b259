//! The secret key of the code HMACs.
//!
//! [`CodeKey`] is 32 random bytes from the operating system, kept in the data
//! dir as the raw owner-only file `code-key` ([`crate::key_file`]): whoever
//! holds the key and a stored HMAC can brute-force a 6-digit code offline.

use std::fmt;
use std::path::Path;

pub use crate::key_file::KeyError;
use crate::key_file::{self, Secret};

/// File name of the key inside the data dir.
pub const KEY_FILE: &str = "code-key";

/// The HMAC key binding codes to payments. Wiped on drop; `Debug` redacted.
pub struct CodeKey(Secret);

impl fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeKey(<redacted>)")
    }
}

impl CodeKey {
    /// A fresh key from the operating system's CSPRNG (tests, ephemeral runs).
    ///
    /// # Panics
    /// If the operating system cannot supply randomness, in which case no
    /// secret the gateway makes would be safe either.
    pub fn random() -> CodeKey {
        CodeKey(key_file::random().expect("the OS random generator must work to make secrets"))
    }

    /// The key bytes, for the HMAC only.
    pub(super) fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// Load `data_dir/code-key`, creating the dir and the key on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<CodeKey, KeyError> {
        key_file::load_or_create(data_dir, KEY_FILE).map(CodeKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key_file::{SECRET_LEN as KEY_LEN, write_private};
    use std::fs;

    #[test]
    fn created_once_then_loaded_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested/data");
        let first = CodeKey::load_or_create(&data).unwrap();
        let again = CodeKey::load_or_create(&data).unwrap();
        assert_eq!(first.bytes(), again.bytes());
        assert_eq!(fs::read(data.join(KEY_FILE)).unwrap(), first.bytes());
        let leftovers: Vec<_> = fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [KEY_FILE], "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(data.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn keys_are_random_and_redacted() {
        let (a, b) = (CodeKey::random(), CodeKey::random());
        assert_ne!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), &[0u8; KEY_LEN]);
        assert_eq!(format!("{a:?}"), "CodeKey(<redacted>)");
    }

    #[test]
    fn wrong_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write_private(&dir.path().join(KEY_FILE), &[7u8; 31]).unwrap();
        let err = CodeKey::load_or_create(dir.path()).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { len: 31, .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        CodeKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = CodeKey::load_or_create(dir.path()).unwrap_err();
        assert!(
            matches!(err, KeyError::Permissions { mode: 0o644, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 600"));
    }
}
