//! ESME accounts at run time: credentials, bind rules, limits and counters.
//!
//! Built from the configuration; a bind looks its account up here and gets a
//! [`BindGuard`] that holds one of the account's bind slots until the session
//! ends. Each account also owns its token bucket ([`crate::rate`]), its
//! message-id generator and its outbox of deliver_sm ([`crate::outbox`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use wire::smpp::rusmpp::CommandStatus;

use crate::outbox::Outbox;
use crate::rate::TokenBucket;

pub use crate::config::{BindType, MessageIdFormat as IdFormat};

/// What the configuration says about one account.
pub type AccountPolicy = crate::config::Account;

impl BindType {
    pub fn can_submit(self) -> bool {
        !matches!(self, BindType::Receiver)
    }

    pub fn can_receive(self) -> bool {
        !matches!(self, BindType::Transmitter)
    }
}

#[derive(Debug)]
pub struct Account {
    pub policy: AccountPolicy,
    binds: AtomicUsize,
    receivers: AtomicUsize,
    bucket: Option<TokenBucket>,
    pub outbox: Outbox,
}

impl Account {
    pub fn new(policy: AccountPolicy) -> Self {
        let bucket = policy.max_rate.map(|r| TokenBucket::new(r.get()));
        Self {
            policy,
            binds: AtomicUsize::new(0),
            receivers: AtomicUsize::new(0),
            bucket,
            outbox: Outbox::default(),
        }
    }

    /// False when the account's throughput limit is reached.
    pub fn admit(&self, messages: u32) -> bool {
        self.bucket.as_ref().is_none_or(|b| b.try_take(messages))
    }

    pub fn bound_sessions(&self) -> usize {
        self.binds.load(Ordering::Relaxed)
    }

    pub fn bound_receivers(&self) -> usize {
        self.receivers.load(Ordering::Relaxed)
    }
}

/// Holds a bind slot of an account; released on drop.
#[derive(Debug)]
pub struct BindGuard {
    pub account: Arc<Account>,
    pub bind_type: BindType,
}

impl Drop for BindGuard {
    fn drop(&mut self) {
        self.account.binds.fetch_sub(1, Ordering::AcqRel);
        if self.bind_type.can_receive() {
            self.account.receivers.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

#[derive(Debug, Default)]
pub struct Accounts {
    by_id: HashMap<String, Arc<Account>>,
}

impl Accounts {
    pub fn new(policies: impl IntoIterator<Item = AccountPolicy>) -> Self {
        let by_id = policies
            .into_iter()
            .map(|p| (p.system_id.as_str().to_owned(), Arc::new(Account::new(p))))
            .collect();
        Self { by_id }
    }

    pub fn get(&self, system_id: &str) -> Option<&Arc<Account>> {
        self.by_id.get(system_id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Account>> {
        self.by_id.values()
    }

    /// Check credentials and bind rules, and take a bind slot.
    pub fn bind(
        &self,
        system_id: &str,
        password: &str,
        bind_type: BindType,
    ) -> Result<BindGuard, CommandStatus> {
        let account = self
            .by_id
            .get(system_id)
            .ok_or(CommandStatus::EsmeRinvsysid)?;
        if !account.policy.password.verify(password) {
            return Err(CommandStatus::EsmeRinvpaswd);
        }
        if !account.policy.bind_types.allows(bind_type) {
            return Err(CommandStatus::EsmeRbindfail);
        }
        let max = account.policy.max_binds.get() as usize;
        let taken = account
            .binds
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            });
        if taken.is_err() {
            return Err(CommandStatus::EsmeRbindfail);
        }
        if bind_type.can_receive() {
            account.receivers.fetch_add(1, Ordering::AcqRel);
        }
        Ok(BindGuard {
            account: Arc::clone(account),
            bind_type,
        })
    }

    /// The account an MO message to `dest` is routed to: the one whose
    /// address_range matches, the most specific (longest) range first.
    pub fn route_mo(&self, dest: &str) -> Option<&Arc<Account>> {
        self.by_id
            .values()
            .filter(|a| !a.policy.address_range.is_empty() && a.policy.address_range.matches(dest))
            .max_by_key(|a| a.policy.address_range.as_str().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AddressRange, BindTypes, Password, SystemId};

    fn policy(id: &str, max_binds: u32, range: &str) -> AccountPolicy {
        let mut p = AccountPolicy::new(
            SystemId::new(id).expect("valid id"),
            Password::new("pw").expect("valid pw"),
        );
        p.bind_types =
            BindTypes::of(&[BindType::Transmitter, BindType::Transceiver]).expect("non-empty");
        p.max_binds = std::num::NonZeroU32::new(max_binds).expect("non-zero");
        p.address_range = AddressRange::parse(range).expect("valid range");
        p
    }

    #[test]
    fn bind_rules_give_the_spec_statuses() {
        let accounts = Accounts::new([policy("esme", 1, "")]);
        let bind = |id, pw, t| accounts.bind(id, pw, t).map(|_| ()).unwrap_err();
        assert_eq!(
            bind("nobody", "pw", BindType::Transmitter),
            CommandStatus::EsmeRinvsysid
        );
        assert_eq!(
            bind("esme", "bad", BindType::Transmitter),
            CommandStatus::EsmeRinvpaswd
        );
        assert_eq!(
            bind("esme", "pw", BindType::Receiver),
            CommandStatus::EsmeRbindfail
        );
        let guard = accounts
            .bind("esme", "pw", BindType::Transceiver)
            .expect("first bind");
        assert_eq!(guard.account.bound_receivers(), 1);
        assert_eq!(
            bind("esme", "pw", BindType::Transmitter),
            CommandStatus::EsmeRbindfail
        );
        drop(guard);
        assert!(accounts.bind("esme", "pw", BindType::Transmitter).is_ok());
    }

    #[test]
    fn mo_routing_takes_the_most_specific_range() {
        let accounts = Accounts::new([
            policy("a", 1, "4414"),
            policy("b", 1, "441444"),
            policy("c", 1, ""),
        ]);
        let route = |d| {
            accounts
                .route_mo(d)
                .map(|a| a.policy.system_id.as_str().to_owned())
        };
        assert_eq!(route("4414000").as_deref(), Some("a"));
        assert_eq!(route("4414449").as_deref(), Some("b"));
        assert!(route("33").is_none());
    }
}
