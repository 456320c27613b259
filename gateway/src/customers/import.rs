//! Importing `[[customers]]` and `[[merchants]]` from the configuration.
//! Idempotent: a customer any of whose identities is already registered,
//! and a merchant whose id is already registered, is skipped, so running
//! the import at every start never duplicates anything nor changes what an
//! administrator changed since. (Bank accounts belong to the bank.)

use super::{CustomerError, CustomerService, Registration};
use crate::config::Config;
use crate::domain::CustomerId;
use crate::store::{NewMerchant, NewTerminal};

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Customers registered now, with the backup code generated for those
    /// whose fixture gave none (shown once: print it).
    pub customers_added: Vec<(CustomerId, String, Option<super::BackupCode>)>,
    pub customers_skipped: usize,
    pub merchants_added: Vec<crate::domain::MerchantId>,
    pub merchants_skipped: usize,
}

impl CustomerService {
    /// Registers the fixture customers and merchants not yet in the store.
    pub async fn import_fixtures(
        &self,
        config: &Config,
        now: i64,
    ) -> Result<ImportReport, CustomerError> {
        let mut report = ImportReport::default();
        for c in &config.customers {
            let mut known = false;
            for identity in &c.identities {
                known |= self.store.find_identity(identity).await?.is_some();
            }
            if known {
                report.customers_skipped += 1;
                continue;
            }
            let registration = Registration {
                name: c.name.clone(),
                id_document: c.id_document.clone(),
                identities: c.identities.clone(),
                password: c.password.clone(),
                backup_code: c.backup_code.clone(),
                terminals: c
                    .terminals
                    .iter()
                    .map(|t| NewTerminal {
                        msisdn: t.msisdn.clone(),
                        kind: t.kind,
                        label: t.label.clone(),
                    })
                    .collect(),
                accounts: c.accounts.clone(),
                limit_per_payment: c.limit_per_payment,
                limit_per_day: c.limit_per_day,
                locale: c.locale.unwrap_or(config.sms.locale),
            };
            let (id, code) = self.register(registration, now).await?;
            let keys: Vec<_> = c
                .terminals
                .iter()
                .filter_map(|t| Some((t.msisdn.clone(), t.key.clone()?)))
                .collect();
            self.provision_terminal_keys(id, &keys, now).await?;
            if let Some(pin) = &c.pin {
                self.set_pin(id, pin, now).await?;
            }
            let generated = c.backup_code.is_none().then_some(code);
            report.customers_added.push((id, c.name.clone(), generated));
        }
        for m in &config.merchants {
            if self.store.merchant(&m.id).await?.is_some() {
                report.merchants_skipped += 1;
                continue;
            }
            self.store
                .create_merchant(
                    NewMerchant {
                        id: m.id.clone(),
                        name: m.name.clone(),
                        bank_account: m.account.clone(),
                        webhook_url: m.webhook_url.clone(),
                        webhook_secret: m.webhook_secret.clone(),
                        cert_fingerprint: None,
                    },
                    now,
                )
                .await?;
            report.merchants_added.push(m.id.clone());
        }
        Ok(report)
    }
}
