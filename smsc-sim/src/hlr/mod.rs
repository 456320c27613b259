//! The home location register: what the switch knows about each number.
//!
//! Entries map an exact number or a prefix to a [`Profile`]; the longest
//! match wins, then the configured default. Entries change at run time
//! through the admin API. Handset subscribers live in the [`Registry`]
//! beside them: a number in the registry is a handset, and [`Hlr::route`]
//! tells the switch whether it is attached (and through which cell), absent,
//! out of memory or barred. SIM swaps recorded on attach answer the
//! CAMARA-style checks ([`Hlr::sim_swapped_within`], [`Hlr::latest_sim_swap`]).

pub mod registry;

use std::sync::RwLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use registry::{Attached, CellRef, HandsetSubscriber, Presence, Registry, SimSwap};

/// How the switch treats a subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "profile", rename_all = "snake_case")]
pub enum Profile {
    /// The network acknowledges delivery itself after `delay_ms`.
    Auto { delay_ms: u64 },
    /// No such subscriber: delivery fails at once.
    Unknown,
    /// Delivered over the air link to the attached terminal only.
    Handset,
}

/// How the switch can reach a number right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Auto(Duration),
    Unknown,
    Handset(Reach),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Attached(CellRef),
    Absent,
    MemoryFull,
    Barred,
}

impl Profile {
    pub fn delay(&self) -> Duration {
        match self {
            Profile::Auto { delay_ms } => Duration::from_millis(*delay_ms),
            Profile::Unknown | Profile::Handset => Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlrEntry {
    /// Digits without '+'; `prefix` entries match any number that starts with them.
    pub number: String,
    #[serde(default)]
    pub prefix: bool,
    #[serde(flatten)]
    pub profile: Profile,
}

#[derive(Debug)]
pub struct Hlr {
    default: Profile,
    entries: RwLock<Vec<HlrEntry>>,
    registry: RwLock<Registry>,
    /// Operator name for auto-provisioned subscribers; None refuses unknown numbers.
    auto_provision: Option<String>,
}

/// GSM MAP error codes (3GPP TS 29.002) as reported in receipts' `err:`
/// field and the network_error_code TLV.
pub const ERR_UNKNOWN_SUBSCRIBER: u16 = 1;
pub const ERR_ABSENT_SUBSCRIBER_SM: u16 = 6;
pub const ERR_CALL_BARRED: u16 = 13;
pub const ERR_SM_DELIVERY_FAILURE: u16 = 32;
pub const ERR_SYSTEM_FAILURE: u16 = 34;

fn digits(n: &str) -> &str {
    n.trim_start_matches('+')
}

impl Hlr {
    pub fn new(default: Profile, entries: Vec<HlrEntry>) -> Self {
        Self::with_registry(default, entries, Registry::default(), None)
    }

    /// `auto_provision`: the operator name given to numbers that attach
    /// without being provisioned, or None to refuse them.
    pub fn with_registry(
        default: Profile,
        entries: Vec<HlrEntry>,
        registry: Registry,
        auto_provision: Option<String>,
    ) -> Self {
        let entries = entries.into_iter().map(|mut e| {
            e.number = digits(&e.number).to_owned();
            e
        });
        Self {
            default,
            entries: RwLock::new(entries.collect()),
            registry: RwLock::new(registry),
            auto_provision,
        }
    }

    fn registry(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.registry.read().expect("hlr registry lock poisoned")
    }

    fn registry_mut(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry.write().expect("hlr registry lock poisoned")
    }

    /// The profile that decides `number`: a handset subscriber is a
    /// handset whatever the entries say.
    pub fn lookup(&self, number: &str) -> Profile {
        let number = digits(number);
        if self.registry().subscribers.contains_key(number) {
            return Profile::Handset;
        }
        self.entry_profile(number)
    }

    fn entry_profile(&self, number: &str) -> Profile {
        let entries = self.entries.read().expect("hlr lock poisoned");
        entries
            .iter()
            .filter(|e| {
                if e.prefix {
                    number.starts_with(&e.number)
                } else {
                    number == e.number
                }
            })
            // An exact entry beats any prefix of the same length.
            .max_by_key(|e| (e.number.len(), !e.prefix))
            .map_or(self.default, |e| e.profile)
    }

    /// How to reach `number` now.
    pub fn route(&self, number: &str) -> Route {
        let number = digits(number);
        if let Some(s) = self.registry().subscribers.get(number) {
            return Route::Handset(match (s.barred, s.presence, &s.cell) {
                (true, _, _) => Reach::Barred,
                (_, Presence::MemoryFull, _) => Reach::MemoryFull,
                (_, Presence::Attached, Some(cell)) => Reach::Attached(cell.clone()),
                _ => Reach::Absent,
            });
        }
        match self.entry_profile(number) {
            p @ Profile::Auto { .. } => Route::Auto(p.delay()),
            Profile::Unknown => Route::Unknown,
            // Covered by a handset entry but never attached: absent.
            Profile::Handset => Route::Handset(Reach::Absent),
        }
    }

    /// A terminal attaches through `cell`. Numbers covered by a `handset`
    /// entry are provisioned on the spot; `unknown` ones are refused; others
    /// follow `auto_provision`.
    pub fn attach(
        &self,
        msisdn: &str,
        imsi: &str,
        kind: &str,
        cell: CellRef,
        now: i64,
    ) -> Attached {
        let msisdn = digits(msisdn);
        let provision = match self.entry_profile(msisdn) {
            Profile::Unknown => None,
            Profile::Handset => Some(
                self.auto_provision
                    .clone()
                    .unwrap_or_else(|| "Switchboard Mobile".into()),
            ),
            Profile::Auto { .. } => self.auto_provision.clone(),
        };
        self.registry_mut()
            .attach(msisdn, imsi, kind, cell, now, provision)
    }

    pub fn detach(&self, msisdn: &str, link: u64, now: i64) -> bool {
        self.registry_mut().detach(digits(msisdn), link, now)
    }

    pub fn detach_cell(&self, link: u64, now: i64) -> Vec<String> {
        self.registry_mut().detach_cell(link, now)
    }

    pub fn set_presence(&self, msisdn: &str, presence: Presence) -> bool {
        self.registry_mut().set_presence(digits(msisdn), presence)
    }

    /// Change the administrative flags; None leaves a flag as it is.
    pub fn set_flags(
        &self,
        msisdn: &str,
        barred: Option<bool>,
        roaming: Option<bool>,
    ) -> Option<HandsetSubscriber> {
        let mut r = self.registry_mut();
        let s = r.subscribers.get_mut(digits(msisdn))?;
        if let Some(b) = barred {
            s.barred = b;
        }
        if let Some(x) = roaming {
            s.roaming = x;
        }
        Some(s.clone())
    }

    /// Handset subscribers by state word (attached, detached, ...).
    pub fn handset_states(&self) -> std::collections::BTreeMap<&'static str, u64> {
        let mut counts = std::collections::BTreeMap::new();
        for s in self.registry().subscribers.values() {
            *counts.entry(s.state()).or_insert(0) += 1;
        }
        counts
    }

    pub fn handsets(&self) -> Vec<HandsetSubscriber> {
        let mut all: Vec<_> = self.registry().subscribers.values().cloned().collect();
        all.sort_by(|a, b| a.msisdn.cmp(&b.msisdn));
        all
    }

    pub fn handset(&self, msisdn: &str) -> Option<HandsetSubscriber> {
        self.registry().subscribers.get(digits(msisdn)).cloned()
    }

    /// The time of the last SIM change of `msisdn`, if any was seen.
    /// None when the number is not a handset subscriber.
    pub fn latest_sim_swap(&self, msisdn: &str) -> Option<Option<i64>> {
        self.registry()
            .subscribers
            .get(digits(msisdn))
            .map(|s| s.sim_swaps.last().map(|w| w.at))
    }

    /// Whether the SIM of `msisdn` changed within `max_age_ms` before `now`.
    pub fn sim_swapped_within(&self, msisdn: &str, max_age_ms: i64, now: i64) -> Option<bool> {
        self.latest_sim_swap(msisdn)
            .map(|last| last.is_some_and(|at| now.saturating_sub(at) <= max_age_ms))
    }

    pub fn list(&self) -> Vec<HlrEntry> {
        self.entries.read().expect("hlr lock poisoned").clone()
    }

    /// Add or replace the entry for the same number and kind.
    pub fn upsert(&self, mut entry: HlrEntry) {
        entry.number = digits(&entry.number).to_owned();
        let mut entries = self.entries.write().expect("hlr lock poisoned");
        entries.retain(|e| !(e.number == entry.number && e.prefix == entry.prefix));
        entries.push(entry);
    }

    pub fn remove(&self, number: &str) -> bool {
        let number = digits(number);
        let mut entries = self.entries.write().expect("hlr lock poisoned");
        let before = entries.len();
        entries.retain(|e| e.number != number);
        entries.len() != before
    }
}

#[cfg(test)]
mod tests;
