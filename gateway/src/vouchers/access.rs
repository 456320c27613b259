//! Proving a voucher: number + password for paying, the balance query and
//! the password change; number + backup password to unlock. Each check
//! runs one argon2 verification whatever the outcome (against a dummy hash
//! for an unknown or malformed number), counts a wrong password in the
//! store before answering (the `max_password_failures`-th locks the
//! voucher, the `max_backup_failures`-th wrong backup password leaves only
//! an administrator), and refuses with one answer, [`VoucherError::Refused`].

use zeroize::Zeroizing;

use super::{VoucherError, VoucherNumber, VoucherPassword, VoucherService, texts};
use crate::customers::BackupCode;
use crate::store::{Voucher, VoucherStatus};

/// How a password change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    /// The holder's chosen password is set.
    Chosen,
    /// A random one was drawn and sent by SMS (true if an SMSC took it).
    SentBySms(bool),
}

impl VoucherService {
    /// The voucher when `password` is its payment password and it may be
    /// used (active, or returning/returned for the balance query).
    pub async fn check_password(
        &self,
        number: &str,
        password: &str,
    ) -> Result<Voucher, VoucherError> {
        let typed = VoucherPassword::typed(password);
        let found = match VoucherNumber::parse(number) {
            Ok(n) => self.store().voucher(n.as_str()).await?,
            Err(_) => None,
        };
        let Some(v) = found else {
            self.verify(self.inner.dummy_hash.clone(), typed.secret())
                .await?;
            return Err(VoucherError::Refused);
        };
        let ok = self.verify(v.password_hash.clone(), typed.secret()).await?;
        match v.status {
            VoucherStatus::Active | VoucherStatus::Returning | VoucherStatus::Returned => {}
            _ => return Err(VoucherError::Refused),
        }
        let now = self.now();
        if !ok {
            let max = self.config().max_password_failures;
            let after = self
                .store()
                .record_voucher_failure(&v.number, false, max, now)
                .await?;
            if after.status == VoucherStatus::Locked {
                tracing::info!(voucher = %v.number, "voucher locked by wrong passwords");
            }
            return Err(VoucherError::Refused);
        }
        self.store().record_voucher_success(&v.number, now).await?;
        Ok(v)
    }

    /// The balance, for the holder.
    pub async fn balance(&self, number: &str, password: &str) -> Result<Voucher, VoucherError> {
        self.check_password(number, password).await
    }

    /// Unlocks a voucher locked by wrong passwords with its backup password.
    /// A right backup password for a voucher that is not locked changes
    /// nothing.
    pub async fn unlock(&self, number: &str, backup: &str) -> Result<Voucher, VoucherError> {
        let secret = match BackupCode::parse(backup) {
            Ok(code) => Zeroizing::new(code.expose().to_owned()),
            Err(_) => Zeroizing::new(String::from("-")),
        };
        let found = match VoucherNumber::parse(number) {
            Ok(n) => self.store().voucher(n.as_str()).await?,
            Err(_) => None,
        };
        let Some(v) = found else {
            self.verify(self.inner.dummy_hash.clone(), secret).await?;
            return Err(VoucherError::Refused);
        };
        let ok = self.verify(v.backup_hash.clone(), secret).await?;
        if !matches!(v.status, VoucherStatus::Active | VoucherStatus::Locked) {
            return Err(VoucherError::Refused);
        }
        let now = self.now();
        if !ok {
            let max = self.config().max_backup_failures;
            self.store()
                .record_voucher_failure(&v.number, true, max, now)
                .await?;
            return Err(VoucherError::Refused);
        }
        if v.status == VoucherStatus::Locked && !self.store().unlock_voucher(&v.number, now).await?
        {
            return Err(VoucherError::Refused);
        }
        tracing::info!(voucher = %v.number, "voucher unlocked with its backup password");
        Ok(self.store().voucher(&v.number).await?.unwrap_or(v))
    }

    /// Changes the payment password: to `new` when given (10 characters
    /// of the password alphabet), else to a random one sent by SMS.
    pub async fn change_password(
        &self,
        number: &str,
        old: &str,
        new: Option<&str>,
    ) -> Result<PasswordChange, VoucherError> {
        let chosen = match new.filter(|n| !n.trim().is_empty()) {
            Some(n) => {
                let p = VoucherPassword::typed(n);
                if !VoucherPassword::well_formed(p.expose()) {
                    return Err(VoucherError::Invalid(
                        "a voucher password is 10 letters and digits without 0, 1, I or O".into(),
                    ));
                }
                Some(p)
            }
            None => None,
        };
        let v = self.check_password(number, old).await?;
        if v.status != VoucherStatus::Active {
            return Err(VoucherError::Refused);
        }
        let (password, random) = match chosen {
            Some(p) => (p, false),
            None => (VoucherPassword::generate(), true),
        };
        let hash = self.hasher().hash(password.secret()).await?;
        self.store()
            .set_voucher_password(&v.number, hash, self.now())
            .await?;
        tracing::info!(voucher = %v.number, random, "voucher password changed");
        if !random {
            return Ok(PasswordChange::Chosen);
        }
        let text = texts::new_password(&v.number, password.expose());
        Ok(PasswordChange::SentBySms(
            self.notify(v.msisdn.as_deref(), &text, &v.number).await,
        ))
    }
}
