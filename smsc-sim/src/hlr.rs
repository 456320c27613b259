//! The home location register: what the switch knows about each number.
//!
//! Entries map an exact number or a prefix to a [`Profile`]; the longest
//! match wins, then the configured default. Entries change at run time
//! through the admin API.

use std::sync::RwLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How the switch treats a subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "profile", rename_all = "snake_case")]
pub enum Profile {
    /// The network acknowledges delivery itself after `delay_ms`.
    Auto { delay_ms: u64 },
    /// No such subscriber: delivery fails at once.
    Unknown,
}

impl Profile {
    pub fn delay(&self) -> Duration {
        match self {
            Profile::Auto { delay_ms } => Duration::from_millis(*delay_ms),
            Profile::Unknown => Duration::ZERO,
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
}

/// MAP error "unknown subscriber" as reported in receipts.
pub const ERR_UNKNOWN_SUBSCRIBER: u16 = 1;

fn digits(n: &str) -> &str {
    n.trim_start_matches('+')
}

impl Hlr {
    pub fn new(default: Profile, entries: Vec<HlrEntry>) -> Self {
        let entries = entries.into_iter().map(|mut e| {
            e.number = digits(&e.number).to_owned();
            e
        });
        Self {
            default,
            entries: RwLock::new(entries.collect()),
        }
    }

    pub fn lookup(&self, number: &str) -> Profile {
        let number = digits(number);
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
mod tests {
    use super::*;

    #[test]
    fn longest_match_then_default() {
        let hlr = Hlr::new(
            Profile::Auto { delay_ms: 5 },
            vec![
                HlrEntry {
                    number: "+4477".into(),
                    prefix: true,
                    profile: Profile::Unknown,
                },
                HlrEntry {
                    number: "447700900123".into(),
                    prefix: false,
                    profile: Profile::Auto { delay_ms: 1 },
                },
            ],
        );
        assert_eq!(hlr.lookup("+447700900123"), Profile::Auto { delay_ms: 1 });
        assert_eq!(hlr.lookup("447700900999"), Profile::Unknown);
        assert_eq!(hlr.lookup("33612345678"), Profile::Auto { delay_ms: 5 });
        assert!(hlr.remove("4477"));
        assert_eq!(hlr.lookup("447700900999"), Profile::Auto { delay_ms: 5 });
    }
}
