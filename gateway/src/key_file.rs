//! 32-byte secret files in the gateway's data directory: the code HMAC key
//! ([`crate::codes::CodeKey`], `code-key`) and the key that wraps terminal
//! keys at rest ([`crate::store::KeyWrap`], `terminal-kek`).
//!
//! [`load_or_create`] makes the file from the operating system's CSPRNG on
//! first start, owner-only (0600 on Unix), and refuses it later if other
//! users may read it. Creation is atomic (temporary file, then a hard link
//! that never clobbers), so two processes starting together end up with
//! the same key. File access is blocking; call it at startup or from
//! `spawn_blocking`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::TryRngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

/// Octets of every secret file.
pub const SECRET_LEN: usize = 32;

/// A secret's bytes, wiped on drop.
pub type Secret = Zeroizing<[u8; SECRET_LEN]>;

/// Why a key file could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("key file {} must hold exactly {SECRET_LEN} bytes, found {len}", path.display())]
    Malformed { path: PathBuf, len: usize },
    #[error("key file {} is accessible to other users (mode {mode:o}); run chmod 600 on it", path.display())]
    Permissions { path: PathBuf, mode: u32 },
    #[error("the operating system's random generator failed: {0}")]
    Rng(String),
}

/// Fresh secret bytes from the operating system's CSPRNG.
pub fn random() -> Result<Secret, KeyError> {
    let mut key = Zeroizing::new([0u8; SECRET_LEN]);
    OsRng
        .try_fill_bytes(key.as_mut())
        .map_err(|e| KeyError::Rng(e.to_string()))?;
    Ok(key)
}

/// Loads `data_dir/file`, creating the dir and the secret on first start.
pub fn load_or_create(data_dir: &Path, file: &str) -> Result<Secret, KeyError> {
    let path = data_dir.join(file);
    let io_err = |source| KeyError::Io {
        path: path.clone(),
        source,
    };
    match fs::symlink_metadata(&path) {
        Ok(_) => return load(&path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(e)),
    }
    fs::create_dir_all(data_dir).map_err(io_err)?;
    let key = random()?;
    let tmp = data_dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let written = write_private(&tmp, key.as_ref()).and_then(|()| fs::hard_link(&tmp, &path));
    // The temporary name is only a staging area; losing it is harmless.
    let _ = fs::remove_file(&tmp);
    match written {
        Ok(()) => {
            sync_dir(data_dir).map_err(io_err)?;
            Ok(key)
        }
        // Another process created it first: use theirs so both agree.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => load(&path),
        Err(e) => Err(io_err(e)),
    }
}

fn load(path: &Path) -> Result<Secret, KeyError> {
    let io_err = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    check_private(path)?;
    let bytes = Zeroizing::new(fs::read(path).map_err(io_err)?);
    let len = bytes.len();
    let array: [u8; SECRET_LEN] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::Malformed {
            path: path.to_owned(),
            len,
        })?;
    Ok(Zeroizing::new(array))
}

pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
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
