//! Message ids: one canonical form per SMSC, so receipts match submits.
//!
//! SMSCs disagree on the form of the id: decimal, hex or UUID in
//! submit_sm_resp, and some write the receipt text's `id:` in another form
//! than the response (SMPP 3.4 Appendix B even allows it: a hex id in the
//! response, its decimal value in the text), padded with zeros or in upper
//! case. The rule, applied to both sides:
//!
//! 1. [`canonical`]: UUIDs lower case with hyphens; pure hex/decimal digit
//!    strings lower case without leading zeros (`"0"` stays); anything else
//!    is kept as given (trimmed). With the `uuid` hint, 32 bare hex digits
//!    get the hyphens.
//! 2. A submit_sm_resp id is taken in that form ([`submitted`]) and
//!    remembered in the SMSC's [`RecentIds`].
//! 3. A receipt id yields candidates, in the order the SMSC's
//!    [`IdFormat`] hint prefers: `decimal` tries the id as decimal, then the
//!    value of hex text in decimal; `hex` tries as hex, then decimal text
//!    converted to hex; `uuid` tries the UUID form (a decimal 128-bit number
//!    is converted); `auto` tries the id as given, then dec→hex, then hex→dec.
//!    The first candidate that is a remembered id wins; when none is (e.g.
//!    after a restart) the first candidate is used.

use std::{
    collections::{HashSet, VecDeque},
    sync::Mutex,
};

use serde::Deserialize;

/// The SMSC's message-id form, a hint for matching receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdFormat {
    Decimal,
    Hex,
    Uuid,
    #[default]
    Auto,
}

fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_hex(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_decimal(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

fn hyphenate(hex: &str) -> String {
    let h = hex.to_ascii_lowercase();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The canonical form of one id (rule 1 of the module docs).
pub fn canonical(id: &str) -> String {
    let id = id.trim();
    if is_uuid(id) {
        id.to_ascii_lowercase()
    } else if is_hex(id) {
        let stripped = id.trim_start_matches('0');
        if stripped.is_empty() {
            "0".to_string()
        } else {
            stripped.to_ascii_lowercase()
        }
    } else {
        id.to_string()
    }
}

/// The canonical form of a submit_sm_resp id from an SMSC of `format` (rule 1).
pub fn submitted(id: &str, format: IdFormat) -> String {
    let id = id.trim();
    if format == IdFormat::Uuid && id.len() == 32 && is_hex(id) {
        hyphenate(id)
    } else {
        canonical(id)
    }
}

fn dec_to_hex(id: &str) -> Option<String> {
    is_decimal(id)
        .then(|| id.parse::<u128>().ok())
        .flatten()
        .map(|n| format!("{n:x}"))
}

fn hex_to_dec(id: &str) -> Option<String> {
    is_hex(id)
        .then(|| u128::from_str_radix(id, 16).ok())
        .flatten()
        .map(|n| n.to_string())
}

/// Receipt-id candidates in the order `format` prefers (rule 3).
pub fn candidates(id: &str, format: IdFormat) -> Vec<String> {
    let id = id.trim();
    let as_given = Some(submitted(id, format));
    let ordered: Vec<Option<String>> = match format {
        IdFormat::Decimal if is_decimal(id) => vec![as_given, hex_to_dec(id)],
        IdFormat::Decimal => vec![hex_to_dec(id), as_given],
        IdFormat::Hex => vec![as_given, dec_to_hex(id)],
        IdFormat::Uuid => {
            let from_number = dec_to_hex(id).map(|h| hyphenate(&format!("{h:0>32}")));
            vec![as_given, from_number]
        }
        IdFormat::Auto => vec![as_given, dec_to_hex(id), hex_to_dec(id)],
    };
    let mut out: Vec<String> = Vec::new();
    for c in ordered.into_iter().flatten() {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The canonical ids an SMSC gave lately, oldest forgotten first.
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    inner: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl RecentIds {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    pub fn remember(&self, id: &str) {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if set.insert(id.to_string()) {
            order.push_back(id.to_string());
            if order.len() > self.capacity
                && let Some(old) = order.pop_front()
            {
                set.remove(&old);
            }
        }
    }

    fn contains(&self, id: &str) -> bool {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.contains(id)
    }

    /// The canonical id a receipt refers to (rule 3).
    pub fn resolve(&self, receipt_id: &str, format: IdFormat) -> String {
        let all = candidates(receipt_id, format);
        let known = all.iter().find(|c| self.contains(c));
        known
            .or(all.first())
            .cloned()
            .unwrap_or_else(|| receipt_id.trim().to_string())
    }
}

#[cfg(test)]
mod tests;
