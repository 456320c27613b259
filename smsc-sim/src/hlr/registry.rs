//! The live part of the HLR: handset subscribers and where they are.
//!
//! A [`HandsetSubscriber`] is provisioned from config (`profile = "handset"`)
//! or, with `auto_provision`, by its first attach. The air link moves it
//! between [`Presence`] states (attach, detach, memory full, memory
//! available); the admin API sets the administrative flags (barred,
//! roaming). Attaching with an IMSI other than the one on record is a SIM
//! swap, kept with its time for fraud checks (see [`super::swap`]).

use std::collections::HashMap;

use serde::Serialize;

/// Where a handset is, as the network last learned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Switched off, out of coverage, or its cell is gone: absent subscriber.
    Detached,
    /// Reachable through the cell it attached through.
    Attached,
    /// Attached, but the terminal refused the last message: memory capacity exceeded.
    MemoryFull,
}

/// The cell connection a handset attached through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellRef {
    /// Connection id, unique for the life of the process.
    pub link: u64,
    /// The name the cell gave in its Hello.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimSwap {
    /// Unix milliseconds.
    pub at: i64,
    pub old_imsi: String,
    pub new_imsi: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandsetSubscriber {
    pub msisdn: String,
    pub imsi: Option<String>,
    pub kind: Option<String>,
    pub operator: String,
    pub presence: Presence,
    pub barred: bool,
    pub roaming: bool,
    pub cell: Option<CellRef>,
    /// Unix milliseconds of the last attach and detach.
    pub attached_at: Option<i64>,
    pub detached_at: Option<i64>,
    pub sim_swaps: Vec<SimSwap>,
}

impl HandsetSubscriber {
    pub fn new(msisdn: String, operator: String) -> Self {
        Self {
            msisdn,
            imsi: None,
            kind: None,
            operator,
            presence: Presence::Detached,
            barred: false,
            roaming: false,
            cell: None,
            attached_at: None,
            detached_at: None,
            sim_swaps: Vec::new(),
        }
    }

    /// The one state word the admin API shows: barred wins, then memory
    /// full, detached, roaming, attached.
    pub fn state(&self) -> &'static str {
        match (self.barred, self.presence, self.roaming) {
            (true, _, _) => "barred",
            (_, Presence::MemoryFull, _) => "memory_full",
            (_, Presence::Detached, _) => "detached",
            (_, Presence::Attached, true) => "roaming",
            (_, Presence::Attached, false) => "attached",
        }
    }
}

/// Handset subscribers by MSISDN (digits, no '+').
#[derive(Debug, Default)]
pub struct Registry {
    pub(super) subscribers: HashMap<String, HandsetSubscriber>,
}

/// What an attach did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attached {
    Accepted {
        swap: Option<SimSwap>,
    },
    /// Barred subscribers may attach (they are still detectable on the
    /// network) but nothing is delivered to them; an unknown number without
    /// auto-provisioning is refused.
    UnknownSubscriber,
}

impl Registry {
    /// Add (or replace) a provisioned subscriber.
    pub fn provision(&mut self, sub: HandsetSubscriber) {
        self.subscribers.insert(sub.msisdn.clone(), sub);
    }

    pub fn attach(
        &mut self,
        msisdn: &str,
        imsi: &str,
        kind: &str,
        cell: CellRef,
        now: i64,
        provision: Option<String>,
    ) -> Attached {
        let sub = match (self.subscribers.contains_key(msisdn), provision) {
            (true, _) => self.subscribers.get_mut(msisdn),
            (false, Some(operator)) => Some(
                self.subscribers
                    .entry(msisdn.to_owned())
                    .or_insert_with(|| HandsetSubscriber::new(msisdn.to_owned(), operator)),
            ),
            (false, None) => None,
        };
        let Some(sub) = sub else {
            return Attached::UnknownSubscriber;
        };
        let swap = match &sub.imsi {
            Some(old) if old != imsi => Some(SimSwap {
                at: now,
                old_imsi: old.clone(),
                new_imsi: imsi.to_owned(),
            }),
            _ => None,
        };
        if let Some(s) = &swap {
            sub.sim_swaps.push(s.clone());
        }
        sub.imsi = Some(imsi.to_owned());
        sub.kind = Some(kind.to_owned());
        sub.presence = Presence::Attached;
        sub.cell = Some(cell);
        sub.attached_at = Some(now);
        Attached::Accepted { swap }
    }

    /// Detach `msisdn` if it is attached through `link` (a stale detach from
    /// a cell the handset already left is ignored).
    pub fn detach(&mut self, msisdn: &str, link: u64, now: i64) -> bool {
        match self.subscribers.get_mut(msisdn) {
            Some(s) if s.cell.as_ref().is_some_and(|c| c.link == link) => {
                s.presence = Presence::Detached;
                s.cell = None;
                s.detached_at = Some(now);
                true
            }
            _ => false,
        }
    }

    /// Detach every handset of a cell whose link went down.
    pub fn detach_cell(&mut self, link: u64, now: i64) -> Vec<String> {
        let mut gone = Vec::new();
        for s in self.subscribers.values_mut() {
            if s.cell.as_ref().is_some_and(|c| c.link == link) {
                s.presence = Presence::Detached;
                s.cell = None;
                s.detached_at = Some(now);
                gone.push(s.msisdn.clone());
            }
        }
        gone
    }

    pub fn set_presence(&mut self, msisdn: &str, presence: Presence) -> bool {
        match self.subscribers.get_mut(msisdn) {
            Some(s) if s.cell.is_some() => {
                s.presence = presence;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(link: u64) -> CellRef {
        CellRef {
            link,
            name: format!("cell-{link}"),
        }
    }

    #[test]
    fn attach_records_presence_and_sim_swaps() {
        let mut r = Registry::default();
        let op = Some("Op".to_owned());
        assert_eq!(
            r.attach("4477", "2341", "phone", cell(1), 10, op.clone()),
            Attached::Accepted { swap: None }
        );
        assert_eq!(r.subscribers["4477"].state(), "attached");
        // The same SIM again: no swap.
        r.attach("4477", "2341", "phone", cell(1), 20, op.clone());
        assert!(r.subscribers["4477"].sim_swaps.is_empty());
        let Attached::Accepted { swap: Some(s) } =
            r.attach("4477", "9999", "phone", cell(2), 30, op)
        else {
            panic!("a new IMSI is a swap");
        };
        assert_eq!(
            (s.at, s.old_imsi.as_str(), s.new_imsi.as_str()),
            (30, "2341", "9999")
        );
        // A detach from the cell the handset left is stale.
        assert!(!r.detach("4477", 1, 40));
        assert!(r.detach("4477", 2, 40));
        assert_eq!(r.subscribers["4477"].state(), "detached");
    }

    #[test]
    fn unknown_numbers_need_provisioning_and_cells_detach_together() {
        let mut r = Registry::default();
        assert_eq!(
            r.attach("1", "123456", "pager", cell(1), 0, None),
            Attached::UnknownSubscriber
        );
        r.attach("1", "123456", "pager", cell(1), 0, Some("Op".into()));
        r.attach("2", "123457", "phone", cell(1), 0, Some("Op".into()));
        r.attach("3", "123458", "phone", cell(2), 0, Some("Op".into()));
        let mut gone = r.detach_cell(1, 5);
        gone.sort();
        assert_eq!(gone, ["1", "2"]);
        assert_eq!(r.subscribers["3"].state(), "attached");
        assert!(r.set_presence("3", Presence::MemoryFull));
        assert_eq!(r.subscribers["3"].state(), "memory_full");
        assert!(
            !r.set_presence("1", Presence::Attached),
            "detached stays detached"
        );
    }
}
