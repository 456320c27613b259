//! The secret key of the code HMACs.
//!
//! [`CodeKey`] is 32 random bytes from the operating system. The gateway keeps
//! it in its data dir as the raw file `code-key`, created owner-only (0600 on
//! Unix) on first start and refused later if other users may read it: whoever
//! holds the key and a stored HMAC can brute-force a 6-digit code offline.
//! Creation is atomic (temporary file, then a hard link that never clobbers),
//! so two processes starting together end up with the same key. File access is
//! blocking; call it at startup or from `spawn_blocking`.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::TryRngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

/// File name of the key inside the data dir.
pub const KEY_FILE: &str = "code-key";
const KEY_LEN: usize = 32;

/// Why the key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("code key {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("code key {} must hold exactly {KEY_LEN} bytes, found {len}", path.display())]
    Malformed { path: PathBuf, len: usize },
    #[error("code key {} is accessible to other users (mode {mode:o}); run chmod 600 on it", path.display())]
    Permissions { path: PathBuf, mode: u32 },
    #[error("the operating system's random generator failed: {0}")]
    Rng(String),
}

/// The HMAC key binding codes to payments. Wiped on drop; `Debug` redacted.
pub struct CodeKey(Zeroizing<[u8; KEY_LEN]>);

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
        Self::try_random().expect("the OS random generator must work to make secrets")
    }

    fn try_random() -> Result<CodeKey, KeyError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        OsRng
            .try_fill_bytes(key.as_mut())
            .map_err(|e| KeyError::Rng(e.to_string()))?;
        Ok(CodeKey(key))
    }

    /// The key bytes, for the HMAC only.
    pub(super) fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// Load `data_dir/code-key`, creating the dir and the key on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<CodeKey, KeyError> {
        let path = data_dir.join(KEY_FILE);
        let io_err = |source| KeyError::Io {
            path: path.clone(),
            source,
        };
        match fs::symlink_metadata(&path) {
            Ok(_) => return Self::load(&path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(e)),
        }
        fs::create_dir_all(data_dir).map_err(io_err)?;
        let key = Self::try_random()?;
        let tmp = data_dir.join(format!(".{KEY_FILE}.{}.tmp", std::process::id()));
        let written = write_private(&tmp, key.bytes()).and_then(|()| fs::hard_link(&tmp, &path));
        // The temporary name is only a staging area; losing it is harmless.
        let _ = fs::remove_file(&tmp);
        match written {
            Ok(()) => {
                sync_dir(data_dir).map_err(io_err)?;
                Ok(key)
            }
            // Another process created it first: use theirs so both agree.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Self::load(&path),
            Err(e) => Err(io_err(e)),
        }
    }

    fn load(path: &Path) -> Result<CodeKey, KeyError> {
        let io_err = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        check_private(path)?;
        let bytes = Zeroizing::new(fs::read(path).map_err(io_err)?);
        let len = bytes.len();
        let array: [u8; KEY_LEN] =
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| KeyError::Malformed {
                    path: path.to_owned(),
                    len,
                })?;
        Ok(CodeKey(Zeroizing::new(array)))
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Refuse a key file that group or others may access (Unix).
fn check_private(path: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(|source| KeyError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::Permissions {
                path: path.to_owned(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Make the new directory entry durable (Unix); elsewhere a no-op.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
