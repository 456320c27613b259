//! Keys of dedicated terminals (issue 8 part 3). A terminal of kind
//! stb-card, and any terminal registered with a key, is dedicated: codes to
//! it go sealed ([`wire::sealed`]) instead of in clear. At registration
//! [`CustomerService::provision_terminal_keys`] gives every dedicated
//! terminal its key (the one the registrar supplied, else a fresh one from
//! the CSPRNG) and returns them once, for provisioning into the card; later
//! only the key id is shown. The sealing path reads a key with
//! [`CustomerService::terminal_key`]. Keys are never logged.

use wire::sealed::TerminalKey;

use super::{CustomerError, CustomerService};
use crate::domain::CustomerId;
use crate::store::TerminalKind;

/// Whether a terminal of `kind` gets a key at registration without being
/// given one.
pub fn dedicated_kind(kind: TerminalKind) -> bool {
    kind == TerminalKind::StbCard
}

/// A key just provisioned: shown once to the registrar.
#[derive(Debug, Clone)]
pub struct ProvisionedKey {
    pub terminal_id: i64,
    pub msisdn: String,
    /// `Debug` shows only the key id; [`ProvisionedKey::key_hex`] the key.
    pub key: TerminalKey,
}

impl ProvisionedKey {
    /// The key as 64 hex digits, for the card.
    pub fn key_hex(&self) -> String {
        self.key.to_hex()
    }

    /// The key check value as hex, safe to show and log.
    pub fn key_id_hex(&self) -> String {
        key_id_hex(&self.key)
    }

    /// `{"msisdn", "key", "key_id"}` for the admin API and `--json` output.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "msisdn": self.msisdn,
            "key": self.key_hex(),
            "key_id": self.key_id_hex(),
        })
    }
}

fn key_id_hex(key: &TerminalKey) -> String {
    key.key_id().iter().map(|b| format!("{b:02x}")).collect()
}

impl CustomerService {
    /// Gives each terminal of customer `id` that is dedicated, or that has a
    /// key in `given` (by MSISDN digits), its key; returns what it set.
    pub async fn provision_terminal_keys(
        &self,
        id: CustomerId,
        given: &[(String, TerminalKey)],
        now: i64,
    ) -> Result<Vec<ProvisionedKey>, CustomerError> {
        let keyed: Vec<i64> = self
            .store
            .terminal_key_ids(id)
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let mut out = Vec::new();
        for t in self.store.terminals(id).await? {
            if keyed.contains(&t.id) {
                continue;
            }
            let supplied = given.iter().find(|(m, _)| *m == t.msisdn);
            let key = match supplied {
                Some((_, k)) => k.clone(),
                None if dedicated_kind(t.kind) => TerminalKey::generate(),
                None => continue,
            };
            self.store
                .set_terminal_key(t.id, *key.as_bytes(), key_id_hex(&key), now)
                .await?;
            tracing::info!(customer = %id, terminal = t.id, key_id = %key_id_hex(&key),
                "terminal key provisioned");
            out.push(ProvisionedKey {
                terminal_id: t.id,
                msisdn: t.msisdn,
                key,
            });
        }
        Ok(out)
    }

    /// The key of customer `id`'s terminal `msisdn`; `None`: not dedicated.
    pub async fn terminal_key(
        &self,
        id: CustomerId,
        msisdn: &str,
    ) -> Result<Option<TerminalKey>, CustomerError> {
        let key = self.store.terminal_key(id, msisdn.to_owned()).await?;
        Ok(key.map(TerminalKey::from_bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{LockoutConfig, PasswordParams};
    use crate::customers::Registration;
    use crate::domain::{OnlineIdentity, Password};
    use crate::store::{NewTerminal, Store};

    fn terminal(msisdn: &str, kind: TerminalKind) -> NewTerminal {
        NewTerminal {
            msisdn: msisdn.into(),
            kind,
            label: String::new(),
        }
    }

    #[tokio::test]
    async fn stb_cards_and_given_keys_are_keyed_once() {
        let store = Store::memory().expect("store");
        let params = PasswordParams {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let svc = CustomerService::new(store, params, LockoutConfig::default())
            .await
            .expect("service");
        let reg = Registration {
            name: "Carol".into(),
            id_document: "C1234567".into(),
            identities: vec![OnlineIdentity::parse("carol").expect("alias")],
            password: Password::new("carol-pass-1".into()).expect("password"),
            backup_code: None,
            terminals: vec![
                terminal("447700900104", TerminalKind::StbCard),
                terminal("447700900105", TerminalKind::Phone),
                terminal("447700900106", TerminalKind::Pager),
            ],
            accounts: vec!["GB00CAROL".into()],
            limit_per_payment: None,
            limit_per_day: None,
            locale: crate::sms::Locale::En,
        };
        let (id, _) = svc.register(reg, 1).await.expect("registered");
        let pager_key = TerminalKey::from_bytes([5; 32]);
        let given = vec![("447700900106".to_owned(), pager_key.clone())];
        let keys = svc
            .provision_terminal_keys(id, &given, 2)
            .await
            .expect("keys");
        let numbers: Vec<&str> = keys.iter().map(|k| k.msisdn.as_str()).collect();
        assert_eq!(numbers, ["447700900104", "447700900106"]);
        assert_eq!(keys[1].key, pager_key);
        assert_eq!(keys[0].key_hex().len(), 64);
        assert!(!format!("{keys:?}").contains(&keys[0].key_hex()));
        let stored = svc.terminal_key(id, "447700900104").await.expect("read");
        assert_eq!(stored.as_ref(), Some(&keys[0].key));
        assert!(
            svc.terminal_key(id, "447700900105")
                .await
                .expect("read")
                .is_none()
        );
        let again = svc
            .provision_terminal_keys(id, &[], 3)
            .await
            .expect("again");
        assert!(again.is_empty(), "a key is provisioned once");
    }
}
