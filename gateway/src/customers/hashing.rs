//! argon2id hashing of passwords and backup codes with the configured
//! parameters, as PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
//! Verification reads the parameters from the stored string, so hashes made
//! under old parameters still verify, and [`Hasher::needs_rehash`] says when
//! to replace them. The async methods run argon2 on the hashing threads of
//! [`hash_pool`](super::hash_pool): one hash takes tens of milliseconds and
//! would stall the runtime. Every hash, async or blocking, fills the calling
//! thread's reused argon2 memory instead of allocating m KiB each time.

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use zeroize::Zeroizing;

use super::hash_pool::{self, PoolGone};
use crate::config::PasswordParams;

/// Hashes and verifies with one parameter set. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Hasher {
    params: PasswordParams,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(String),
    #[error("hashing task failed: {0}")]
    Task(#[from] PoolGone),
}

fn argon2(params: &PasswordParams) -> Result<Argon2<'static>, HashError> {
    let p = Params::new(params.m_kib, params.t, params.p, None)
        .map_err(|e| HashError::Argon2(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, p))
}

impl Hasher {
    /// Refuses parameters argon2 cannot use.
    pub fn new(params: PasswordParams) -> Result<Hasher, HashError> {
        argon2(&params)?;
        Ok(Hasher { params })
    }

    pub fn params(&self) -> PasswordParams {
        self.params
    }

    /// A PHC string for `secret` with a fresh 16-byte salt. Blocking.
    pub fn hash_blocking(&self, secret: &[u8]) -> Result<String, HashError> {
        let mut salt = [0u8; 16];
        rand::rng().fill(&mut salt);
        let argon = argon2(&self.params)?;
        let output = compute(&argon, secret, &salt, Params::DEFAULT_OUTPUT_LEN)?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| HashError::Argon2(e.to_string()))?;
        let phc = PasswordHash {
            algorithm: argon2::ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon.params())
                .map_err(|e| HashError::Argon2(e.to_string()))?,
            salt: Some(Salt::from(&salt)),
            hash: Some(output),
        };
        Ok(phc.to_string())
    }

    /// True when `secret` matches `phc` (constant-time compare of the
    /// outputs). A string that does not parse never matches. Blocking.
    pub fn verify_blocking(phc: &str, secret: &[u8]) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return false;
        };
        let Some(expected) = hash.hash else {
            return false;
        };
        // The algorithm and parameters come from the PHC string, so hashes
        // made under older parameters still verify.
        let argon = match (
            Algorithm::try_from(hash.algorithm),
            hash.version
                .map_or(Ok(Version::default()), Version::try_from),
            Params::try_from(&hash),
        ) {
            (Ok(alg), Ok(version), Ok(params)) => Argon2::new(alg, version, params),
            _ => return false,
        };
        let mut salt = [0u8; 64];
        let Some(Ok(salt)) = hash.salt.map(|s| s.decode_b64(&mut salt)) else {
            return false;
        };
        // Output's equality is constant-time.
        compute(&argon, secret, salt, expected.len()).is_ok_and(|out| out == expected)
    }

    /// True when `phc` was not made by argon2id v19 with these parameters.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return true;
        };
        let same = |p: Params| {
            p.m_cost() == self.params.m_kib
                && p.t_cost() == self.params.t
                && p.p_cost() == self.params.p
        };
        hash.algorithm != argon2::ARGON2ID_IDENT
            || hash.version != Some(Version::V0x13.into())
            || !Params::try_from(&hash).is_ok_and(same)
    }

    /// [`Hasher::hash_blocking`] on a hashing thread.
    pub async fn hash(&self, secret: Zeroizing<String>) -> Result<String, HashError> {
        let hasher = self.clone();
        hash_pool::run(move || hasher.hash_blocking(secret.as_bytes())).await?
    }

    /// [`Hasher::verify_blocking`] on a hashing thread.
    pub async fn verify(phc: String, secret: Zeroizing<String>) -> Result<bool, HashError> {
        Ok(hash_pool::run(move || Hasher::verify_blocking(&phc, secret.as_bytes())).await?)
    }
}

/// The raw argon2 output of `len` bytes, in this thread's reused memory.
fn compute(
    argon: &Argon2<'_>,
    secret: &[u8],
    salt: &[u8],
    len: usize,
) -> Result<Output, HashError> {
    let blocks = argon.params().block_count();
    hash_pool::with_memory(blocks, |memory| {
        Output::init_with(len, |out| {
            argon
                .hash_password_into_with_memory(secret, salt, out, memory)
                .map_err(Into::into)
        })
    })
    .map_err(|e| HashError::Argon2(e.to_string()))
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    fn small() -> PasswordParams {
        PasswordParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    }

    #[test]
    fn our_hashes_and_the_argon2_crates_verify_each_other() {
        let ours = Hasher::new(small()).expect("params");
        let phc = ours.hash_blocking(b"pw-1").expect("hash");
        let parsed = PasswordHash::new(&phc).expect("phc");
        assert!(Argon2::default().verify_password(b"pw-1", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"pw-2", &parsed).is_err());

        let salt = SaltString::encode_b64(b"sixteen byte slt").expect("salt");
        let theirs = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(32, 3, 2, Some(24)).expect("params"),
        )
        .hash_password(b"pw-1", &salt)
        .expect("hash")
        .to_string();
        assert!(Hasher::verify_blocking(&theirs, b"pw-1"));
        assert!(!Hasher::verify_blocking(&theirs, b"pw-2"));
    }

    #[test]
    fn a_changed_parameter_or_a_missing_part_never_verifies() {
        let phc = Hasher::new(small())
            .expect("params")
            .hash_blocking(b"pw")
            .expect("hash");
        assert!(Hasher::verify_blocking(&phc, b"pw"));
        assert!(!Hasher::verify_blocking(&phc.replace("t=1", "t=2"), b"pw"));
        let without_hash = phc.rsplit_once('$').expect("hash part").0;
        assert!(!Hasher::verify_blocking(without_hash, b"pw"));
        assert!(!Hasher::verify_blocking(
            "$argon2id$v=19$m=64,t=1,p=1",
            b"pw"
        ));
    }
}
