//! Registering customers and what administrators do to them afterwards:
//! unlock, new password, new backup code, details for `customers show`.
//! The ID document number is masked before it reaches the store.

use serde::Serialize;
use zeroize::Zeroizing;

use super::{BackupCode, CustomerError, CustomerService};
use crate::domain::{CustomerId, Money, OnlineIdentity, Password};
use crate::sms::Locale;
use crate::store::{Customer, NewCustomer, NewTerminal, Terminal};

/// Everything needed to register a customer.
#[derive(Debug, Clone)]
pub struct Registration {
    pub name: String,
    /// The number in clear; only its masked form is stored.
    pub id_document: String,
    pub identities: Vec<OnlineIdentity>,
    pub password: Password,
    /// Given (fixtures) or `None` to generate one.
    pub backup_code: Option<BackupCode>,
    pub terminals: Vec<NewTerminal>,
    pub accounts: Vec<String>,
    pub limit_per_payment: Option<Money>,
    pub limit_per_day: Option<Money>,
    pub locale: Locale,
}

/// A customer with everything linked to it (admin views, CLI `show`).
#[derive(Debug, Clone)]
pub struct CustomerDetails {
    pub customer: Customer,
    pub identities: Vec<OnlineIdentity>,
    pub terminals: Vec<Terminal>,
    pub accounts: Vec<String>,
}

/// A JSON-friendly summary without hashes.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerSummary {
    pub id: CustomerId,
    pub name: String,
    pub id_document: String,
    pub status: crate::store::CustomerStatus,
    pub identities: Vec<String>,
    pub terminals: Vec<Terminal>,
    pub accounts: Vec<String>,
}

impl CustomerDetails {
    pub fn summary(&self) -> CustomerSummary {
        CustomerSummary {
            id: self.customer.id,
            name: self.customer.name.clone(),
            id_document: self.customer.id_document_masked.clone(),
            status: self.customer.status,
            identities: self.identities.iter().map(ToString::to_string).collect(),
            terminals: self.terminals.clone(),
            accounts: self.accounts.clone(),
        }
    }
}

/// All but the last four characters become '*' ("******4567"); documents
/// of four characters or fewer are masked entirely.
pub fn mask_document(doc: &str) -> String {
    let chars: Vec<char> = doc.trim().chars().collect();
    let keep = if chars.len() > 4 { 4 } else { 0 };
    let masked = chars.len() - keep;
    std::iter::repeat_n('*', masked)
        .chain(chars[masked..].iter().copied())
        .collect()
}

impl CustomerService {
    /// Registers a customer and returns its id and the backup code, which
    /// is shown to the customer once and then exists only as a hash.
    pub async fn register(
        &self,
        r: Registration,
        now: i64,
    ) -> Result<(CustomerId, BackupCode), CustomerError> {
        if r.name.trim().is_empty() {
            return Err(CustomerError::Invalid("name is empty".into()));
        }
        if r.identities.is_empty() {
            return Err(CustomerError::Invalid("no online identity".into()));
        }
        if r.terminals.is_empty() {
            return Err(CustomerError::Invalid(
                "no terminal to send codes to".into(),
            ));
        }
        let backup = r.backup_code.unwrap_or_else(BackupCode::generate);
        let password = Zeroizing::new(r.password.expose().to_owned());
        let (password_hash, backup_hash) = tokio::try_join!(
            self.hasher.hash(password),
            self.hasher.hash(backup.canonical())
        )?;
        let id = self
            .store
            .create_customer(
                NewCustomer {
                    name: r.name.trim().to_owned(),
                    id_document_masked: mask_document(&r.id_document),
                    password_hash,
                    backup_hash,
                    identities: r.identities,
                    terminals: r.terminals,
                    accounts: r.accounts,
                    limit_per_payment: r.limit_per_payment,
                    limit_per_day: r.limit_per_day,
                    locale: r.locale.as_str().to_owned(),
                },
                now,
            )
            .await?;
        Ok((id, backup))
    }

    /// The customer with identities, terminals and accounts.
    pub async fn details(&self, id: CustomerId) -> Result<Option<CustomerDetails>, CustomerError> {
        let Some(customer) = self.store.customer(id).await? else {
            return Ok(None);
        };
        Ok(Some(CustomerDetails {
            customer,
            identities: self.store.identities(id).await?,
            terminals: self.store.terminals(id).await?,
            accounts: self.store.customer_accounts(id).await?,
        }))
    }

    /// Every customer with details, by id.
    pub async fn list(&self) -> Result<Vec<CustomerDetails>, CustomerError> {
        let mut out = Vec::new();
        for c in self.store.list_customers().await? {
            let id = c.id;
            out.push(CustomerDetails {
                customer: c,
                identities: self.store.identities(id).await?,
                terminals: self.store.terminals(id).await?,
                accounts: self.store.customer_accounts(id).await?,
            });
        }
        Ok(out)
    }

    /// Administrator unlock (also after wrong backup codes), audited.
    pub async fn admin_unlock(
        &self,
        id: CustomerId,
        actor: &str,
        now: i64,
    ) -> Result<(), CustomerError> {
        self.store
            .unlock_customer(id, now)
            .await
            .map_err(|e| not_found(e, id))?;
        // The payment PIN (handset confirmation) has its own lock; an
        // administrator's unlock lifts both.
        self.store
            .unlock_pin(id, now)
            .await
            .map_err(|e| not_found(e, id))?;
        self.store
            .audit(now, actor, "customers unlock", &id.to_string())
            .await?;
        Ok(())
    }

    /// Sets a new password (hashed with the current parameters).
    pub async fn set_password(
        &self,
        id: CustomerId,
        password: &Password,
        now: i64,
    ) -> Result<(), CustomerError> {
        let hash = self
            .hasher
            .hash(Zeroizing::new(password.expose().to_owned()))
            .await?;
        self.store
            .set_password_hash(id, hash, now)
            .await
            .map_err(|e| not_found(e, id))?;
        Ok(())
    }

    /// Replaces the backup code; returns the new one to show once.
    pub async fn reset_backup_code(
        &self,
        id: CustomerId,
        now: i64,
    ) -> Result<BackupCode, CustomerError> {
        let code = BackupCode::generate();
        let hash = self.hasher.hash(code.canonical()).await?;
        self.store
            .set_backup_hash(id, hash, now)
            .await
            .map_err(|e| not_found(e, id))?;
        Ok(code)
    }
}

fn not_found(e: crate::store::StoreError, id: CustomerId) -> CustomerError {
    match e {
        crate::store::StoreError::NotFound { .. } => CustomerError::NotFound(id),
        other => CustomerError::Store(other),
    }
}
