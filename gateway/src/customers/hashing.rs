//! argon2id hashing of passwords and backup codes with the configured
//! parameters, as PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
//! Verification reads the parameters from the stored string, so hashes made
//! under old parameters still verify, and [`Hasher::needs_rehash`] says when
//! to replace them. The async methods run argon2 on the blocking pool: one
//! hash takes tens of milliseconds and would stall the runtime.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use zeroize::Zeroizing;

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
    Task(#[from] tokio::task::JoinError),
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
        let salt = SaltString::encode_b64(&salt).map_err(|e| HashError::Argon2(e.to_string()))?;
        let hash = argon2(&self.params)?
            .hash_password(secret, &salt)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        Ok(hash.to_string())
    }

    /// True when `secret` matches `phc` (constant-time compare inside
    /// argon2). A string that does not parse never matches. Blocking.
    pub fn verify_blocking(phc: &str, secret: &[u8]) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return false;
        };
        // The parameters come from the PHC string, not from `Argon2::default()`.
        Argon2::default().verify_password(secret, &hash).is_ok()
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

    /// [`Hasher::hash_blocking`] on the blocking pool.
    pub async fn hash(&self, secret: Zeroizing<String>) -> Result<String, HashError> {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.hash_blocking(secret.as_bytes())).await?
    }

    /// [`Hasher::verify_blocking`] on the blocking pool.
    pub async fn verify(phc: String, secret: Zeroizing<String>) -> Result<bool, HashError> {
        Ok(
            tokio::task::spawn_blocking(move || Hasher::verify_blocking(&phc, secret.as_bytes()))
                .await?,
        )
    }
}
