//! Fault injection: rules that make the SMSC misbehave on purpose, so a
//! client's error handling can be tested. [`FaultRule`]s come from the config
//! file and change at run time through the admin API; the [`FaultEngine`]
//! holds them with a seeded generator, so the same seed and the same sequence
//! of calls give the same faults and a failing run repeats.
//!
//! The session asks [`FaultEngine::on_submit`] before answering a submit
//! ([`SubmitFault`]: delay, reject, throttle, disconnect); the delivery engine
//! asks [`FaultEngine::on_receipt`] before finishing a message
//! ([`ReceiptFault`]: forced final state, delay, drop). Rules are tried in
//! order and the first rule of each kind that matches and fires decides that
//! kind; a rule whose probability is 0 or 1 draws nothing from the generator,
//! so adding a certain rule does not shift the random ones. With no rules,
//! both calls are one atomic load.

mod outcome;
mod rule;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::{FaultsConfig, Probability};

pub use crate::config::Pattern;
pub use outcome::{ReceiptFault, SubmitFault, SubmitOutcome};
pub use rule::{FaultAction, FaultRule};

/// Independent decisions; each is made by the first rule of its kind.
#[derive(Clone, Copy)]
enum Kind {
    SubmitDelay = 1,
    SubmitOutcome = 2,
    ReceiptState = 4,
    ReceiptDelay = 8,
    ReceiptDrop = 16,
}

const SUBMIT_KINDS: u8 = Kind::SubmitDelay as u8 | Kind::SubmitOutcome as u8;
const RECEIPT_KINDS: u8 =
    Kind::ReceiptState as u8 | Kind::ReceiptDelay as u8 | Kind::ReceiptDrop as u8;

fn kind(action: &FaultAction) -> Kind {
    match action {
        FaultAction::DelayResponse(_) => Kind::SubmitDelay,
        FaultAction::Reject(_) | FaultAction::Throttle | FaultAction::Disconnect => {
            Kind::SubmitOutcome
        }
        FaultAction::Receipt { .. } => Kind::ReceiptState,
        FaultAction::ReceiptDelay(_) => Kind::ReceiptDelay,
        FaultAction::ReceiptDrop => Kind::ReceiptDrop,
    }
}

struct Inner {
    rules: Vec<FaultRule>,
    next_id: u64,
    rng: StdRng,
}

impl Inner {
    fn fires(&mut self, p: Probability) -> bool {
        match p.get() {
            p if p <= 0.0 => false,
            p if p >= 1.0 => true,
            p => self.rng.random::<f64>() < p,
        }
    }

    /// The actions that fire for this message, one per kind within `wanted`.
    fn decide(&mut self, wanted: u8, account: &str, dest: &str) -> Vec<FaultAction> {
        let mut decided = 0u8;
        let mut fired = Vec::new();
        for i in 0..self.rules.len() {
            let (k, p) = (kind(&self.rules[i].action) as u8, self.rules[i].probability);
            if wanted & k == 0 || decided & k != 0 || !self.rules[i].selects(account, dest) {
                continue;
            }
            if self.fires(p) {
                decided |= k;
                fired.push(self.rules[i].action);
                if decided == wanted {
                    break;
                }
            }
        }
        fired
    }
}

/// The rule set and its generator, shared by all sessions.
pub struct FaultEngine {
    /// Mirrors `rules.is_empty()` so the common no-rule case takes no lock.
    empty: AtomicBool,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for FaultEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultEngine")
            .field("rules", &self.list())
            .finish_non_exhaustive()
    }
}

impl Default for FaultEngine {
    fn default() -> Self {
        Self::new(0)
    }
}

impl FaultEngine {
    pub fn new(seed: u64) -> Self {
        let inner = Inner {
            rules: Vec::new(),
            next_id: 1,
            rng: StdRng::seed_from_u64(seed),
        };
        Self {
            empty: AtomicBool::new(true),
            inner: Mutex::new(inner),
        }
    }

    /// An engine with the config's seed and rules (ids 1, 2, ... in order).
    pub fn from_config(config: &FaultsConfig) -> Self {
        let engine = Self::new(config.seed);
        engine.replace_all(config.rules.clone());
        engine
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the rule list half
        // edited (every change is a single Vec operation), so poison is moot.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn publish(&self, inner: &Inner) {
        self.empty.store(inner.rules.is_empty(), Ordering::Release);
    }

    /// Append a rule; returns the id it was given (any id in `rule` is ignored).
    pub fn add(&self, mut rule: FaultRule) -> u64 {
        let mut inner = self.lock();
        rule.id = inner.next_id;
        inner.next_id += 1;
        inner.rules.push(rule);
        self.publish(&inner);
        inner.next_id - 1
    }

    /// Remove the rule with this id; false if there is none.
    pub fn remove(&self, id: u64) -> bool {
        let mut inner = self.lock();
        let before = inner.rules.len();
        inner.rules.retain(|r| r.id != id);
        self.publish(&inner);
        inner.rules.len() != before
    }

    /// The rules in evaluation order, with their ids.
    pub fn list(&self) -> Vec<FaultRule> {
        self.lock().rules.clone()
    }

    /// Replace every rule; returns the new ids in order.
    pub fn replace_all(&self, rules: Vec<FaultRule>) -> Vec<u64> {
        let mut inner = self.lock();
        let first = inner.next_id;
        inner.rules = rules
            .into_iter()
            .zip(first..)
            .map(|(rule, id)| FaultRule { id, ..rule })
            .collect();
        inner.next_id = first + inner.rules.len() as u64;
        self.publish(&inner);
        inner.rules.iter().map(|r| r.id).collect()
    }

    /// Restart the generator, so a test can replay a sequence from a known point.
    pub fn reseed(&self, seed: u64) {
        self.lock().rng = StdRng::seed_from_u64(seed);
    }

    pub fn is_empty(&self) -> bool {
        self.empty.load(Ordering::Acquire)
    }

    /// Faults for a submit from `account` to `dest`.
    pub fn on_submit(&self, account: &str, dest: &str) -> SubmitFault {
        let mut fault = SubmitFault::default();
        if self.is_empty() {
            return fault;
        }
        for action in self.lock().decide(SUBMIT_KINDS, account, dest) {
            match action {
                FaultAction::DelayResponse(d) => fault.delay = Some(d),
                FaultAction::Reject(s) => fault.outcome = SubmitOutcome::Reject(s),
                FaultAction::Throttle => fault.outcome = SubmitOutcome::Throttle,
                FaultAction::Disconnect => fault.outcome = SubmitOutcome::Disconnect,
                _ => {}
            }
        }
        fault
    }

    /// Faults for the receipt of a message `account` submitted to `dest`.
    pub fn on_receipt(&self, account: &str, dest: &str) -> ReceiptFault {
        let mut fault = ReceiptFault::default();
        if self.is_empty() {
            return fault;
        }
        for action in self.lock().decide(RECEIPT_KINDS, account, dest) {
            match action {
                FaultAction::Receipt { state, error } => {
                    fault.override_state = Some((state, error))
                }
                FaultAction::ReceiptDelay(d) => fault.delay = Some(d),
                FaultAction::ReceiptDrop => fault.drop = true,
                _ => {}
            }
        }
        fault
    }
}

#[cfg(test)]
mod tests;
