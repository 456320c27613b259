//! The ESME side of at-least-once receipts: an SMSC may send a receipt
//! again after a crash (its record of our deliver_sm_resp was lost), with
//! the same message id and stat. [`SeenReceipts`] remembers the last
//! `capacity` (smsc, message_id, stat) triples so a repeat is recognised
//! and not written to the payment's timeline twice; a different stat for
//! the same message (ENROUTE, then DELIVRD) is news and passes.

use std::collections::{HashSet, VecDeque};

type Key = (String, String, String);

#[derive(Debug)]
pub struct SeenReceipts {
    capacity: usize,
    set: HashSet<Key>,
    order: VecDeque<Key>,
}

impl SeenReceipts {
    pub fn new(capacity: usize) -> Self {
        SeenReceipts {
            capacity: capacity.max(1),
            set: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// True the first time a triple is seen (within the capacity), false
    /// for a repeat.
    pub fn first_time(&mut self, smsc: &str, message_id: &str, stat: &str) -> bool {
        let key = (smsc.to_owned(), message_id.to_owned(), stat.to_owned());
        if self.set.contains(&key) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(key.clone());
        self.order.push_back(key);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_recognised_and_news_passes() {
        let mut seen = SeenReceipts::new(3);
        assert!(seen.first_time("sim", "17", "ENROUTE"));
        assert!(
            seen.first_time("sim", "17", "DELIVRD"),
            "a new stat is news"
        );
        assert!(!seen.first_time("sim", "17", "DELIVRD"), "the same again");
        assert!(
            seen.first_time("other", "17", "DELIVRD"),
            "ids are per SMSC"
        );
        // Capacity 3: the oldest is forgotten.
        assert!(seen.first_time("sim", "18", "DELIVRD"));
        assert!(seen.first_time("sim", "17", "ENROUTE"));
        assert!(seen.set.len() <= 3 && seen.order.len() <= 3);
    }
}
