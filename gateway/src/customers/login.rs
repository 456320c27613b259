//! Login and backup-code unlock: the two places a shopper proves who they
//! are. Both run exactly one argon2 verification whatever the outcome, and
//! count failures in the store before answering.

use zeroize::Zeroizing;

use super::{BackupCode, CustomerService, Hasher, LoginError};
use crate::domain::{OnlineIdentity, Password};
use crate::store::{Customer, CustomerStatus};

fn refused(status: CustomerStatus) -> Option<LoginError> {
    match status {
        CustomerStatus::Active => None,
        CustomerStatus::Locked => Some(LoginError::Locked),
        CustomerStatus::AdminLocked | CustomerStatus::Disabled => Some(LoginError::AdminLocked),
    }
}

impl CustomerService {
    /// Checks the online identity and password. On success the failure
    /// count is reset and, if the hash was made with other parameters, the
    /// password is rehashed with the current ones.
    pub async fn login(
        &self,
        identity: &OnlineIdentity,
        password: &Password,
        now: i64,
    ) -> Result<Customer, LoginError> {
        let secret = Zeroizing::new(password.expose().to_owned());
        let Some(customer) = self.store.customer_by_identity(identity).await? else {
            Hasher::verify(self.dummy_hash.to_string(), secret).await?;
            return Err(LoginError::Unknown);
        };
        let ok = Hasher::verify(customer.password_hash.clone(), secret.clone()).await?;
        if let Some(refusal) = refused(customer.status) {
            return Err(refusal);
        }
        if !ok {
            let max = self.lockout.max_password_failures;
            let after = self
                .store
                .record_login_failure(customer.id, max, now)
                .await?;
            return Err(refused(after.status).unwrap_or(LoginError::Wrong));
        }
        self.store.record_login_success(customer.id, now).await?;
        if self.hasher.needs_rehash(&customer.password_hash) {
            // A failed rehash keeps the old, still valid hash: log, go on.
            match self.hasher.hash(secret).await {
                Ok(hash) => {
                    if let Err(e) = self.store.set_password_hash(customer.id, hash, now).await {
                        tracing::warn!(customer = %customer.id, error = %e, "password rehash not stored");
                    }
                }
                Err(e) => {
                    tracing::warn!(customer = %customer.id, error = %e, "password rehash failed")
                }
            }
        }
        self.store
            .customer(customer.id)
            .await?
            .ok_or_else(|| LoginError::Internal("customer vanished during login".into()))
    }

    /// Unlocks an identity locked by wrong passwords with the backup code
    /// shown at registration. Wrong codes are counted; the
    /// `max_backup_failures`-th leaves only an administrator able to unlock.
    /// A right code for an identity that is not locked changes nothing.
    pub async fn unlock_with_backup(
        &self,
        identity: &OnlineIdentity,
        code: &str,
        now: i64,
    ) -> Result<(), LoginError> {
        // A malformed code is still verified (against a value that cannot
        // match) so it takes as long as a wrong one.
        let secret = match BackupCode::parse(code) {
            Ok(code) => code.canonical(),
            Err(_) => Zeroizing::new(String::from("-")),
        };
        let Some(customer) = self.store.customer_by_identity(identity).await? else {
            Hasher::verify(self.dummy_hash.to_string(), secret).await?;
            return Err(LoginError::Unknown);
        };
        let ok = Hasher::verify(customer.backup_hash.clone(), secret).await?;
        if matches!(
            customer.status,
            CustomerStatus::AdminLocked | CustomerStatus::Disabled
        ) {
            return Err(LoginError::AdminLocked);
        }
        if !ok {
            let max = self.lockout.max_backup_failures;
            let after = self
                .store
                .record_backup_failure(customer.id, max, now)
                .await?;
            return Err(match after.status {
                CustomerStatus::AdminLocked | CustomerStatus::Disabled => LoginError::AdminLocked,
                _ => LoginError::Wrong,
            });
        }
        if customer.status == CustomerStatus::Locked
            && !self.store.unlock_with_backup(customer.id, now).await?
        {
            // Someone admin-locked it between the read and the unlock.
            return Err(LoginError::AdminLocked);
        }
        Ok(())
    }
}
