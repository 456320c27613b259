//! `[hlr]`: the subscriber registry the switch consults for each destination.
//! Numbers or prefixes map to a [`HlrProfile`]; unlisted numbers get the
//! default profile. The same [`Subscriber`] type is what the admin API takes
//! and returns as JSON.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::time;

/// What the switch does with a message for a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HlrProfile {
    /// The switch acknowledges delivery itself after the configured delay.
    #[default]
    Auto,
    /// Delivery fails at once: unknown subscriber.
    Unknown,
    /// Delivered only to a terminal attached over the air link; stored and
    /// retried while it is absent or its memory is full.
    Handset,
}

impl fmt::Display for HlrProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HlrProfile::Auto => "auto",
            HlrProfile::Unknown => "unknown",
            HlrProfile::Handset => "handset",
        })
    }
}

/// Longest number: destination_addr is a C-Octet String of 21 octets.
const MAX_DIGITS: usize = 20;

/// Digits after an optional leading `+`, which is dropped.
fn digits(field: &str, s: &str) -> Result<String, String> {
    let d = s.strip_prefix('+').unwrap_or(s);
    if d.is_empty() || d.len() > MAX_DIGITS || !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{field} must be 1 to {MAX_DIGITS} digits after an optional '+', got {s:?}"
        ));
    }
    Ok(d.to_owned())
}

/// Which numbers an entry covers; both forms are stored without the `+`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubscriberMatch {
    Number(String),
    Prefix(String),
}

impl fmt::Display for SubscriberMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubscriberMatch::Number(n) => write!(f, "number +{n}"),
            SubscriberMatch::Prefix(p) => write!(f, "prefix {p}"),
        }
    }
}

impl SubscriberMatch {
    pub fn matches(&self, addr: &str) -> bool {
        let addr = addr.strip_prefix('+').unwrap_or(addr);
        match self {
            SubscriberMatch::Number(n) => addr == n,
            SubscriberMatch::Prefix(p) => addr.starts_with(p.as_str()),
        }
    }
}

/// What the operator provisioned for a `handset` subscriber: the SIM it
/// expects and administrative barring/roaming flags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HandsetProvision {
    /// IMSI of the provisioned SIM; attaching with another records a SIM swap.
    pub imsi: Option<String>,
    /// "phone", "pager", "pda" or "stb-card" (informational until attach).
    pub kind: Option<String>,
    pub operator: Option<String>,
    pub barred: bool,
    pub roaming: bool,
}

/// One `[[hlr.subscribers]]` entry: exactly one of `number` or `prefix`,
/// a `profile`, and an optional `delay_ms` overriding `hlr.auto_delay_ms`.
/// A `handset` entry for a number may add `imsi`, `kind`, `operator`,
/// `barred` and `roaming`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSubscriber", into = "RawSubscriber")]
pub struct Subscriber {
    pub target: SubscriberMatch,
    pub profile: HlrProfile,
    pub delay: Option<Duration>,
    pub handset: HandsetProvision,
}

const KINDS: [&str; 4] = ["phone", "pager", "pda", "stb-card"];

/// The file/JSON shape of a [`Subscriber`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubscriber {
    /// A full number, e.g. `"+447700900123"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    /// A number prefix, e.g. `"44770090"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    /// `"auto"` or `"unknown"`.
    profile: HlrProfile,
    /// For `auto`: how long the switch waits before acknowledging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    /// For `handset`: the provisioned SIM (6 to 15 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imsi: Option<String>,
    /// For `handset`: phone, pager, pda or stb-card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    operator: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    barred: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    roaming: bool,
}

impl RawSubscriber {
    fn handset(&self) -> Result<HandsetProvision, String> {
        let given = self.imsi.is_some()
            || self.kind.is_some()
            || self.operator.is_some()
            || self.barred
            || self.roaming;
        if !given {
            return Ok(HandsetProvision::default());
        }
        if self.profile != HlrProfile::Handset || self.number.is_none() {
            return Err("imsi, kind, operator, barred and roaming apply only to a \
                 profile = \"handset\" entry with a number"
                .into());
        }
        if let Some(imsi) = &self.imsi
            && (!(6..=15).contains(&imsi.len()) || !imsi.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(format!("imsi must be 6 to 15 digits, got {imsi:?}"));
        }
        if let Some(kind) = &self.kind
            && !KINDS.contains(&kind.as_str())
        {
            return Err(format!("kind must be one of {KINDS:?}, got {kind:?}"));
        }
        Ok(HandsetProvision {
            imsi: self.imsi.clone(),
            kind: self.kind.clone(),
            operator: self.operator.clone(),
            barred: self.barred,
            roaming: self.roaming,
        })
    }
}

impl TryFrom<RawSubscriber> for Subscriber {
    type Error = String;
    fn try_from(raw: RawSubscriber) -> Result<Self, String> {
        let handset = raw.handset()?;
        let target = match (raw.number, raw.prefix) {
            (Some(n), None) => SubscriberMatch::Number(digits("number", &n)?),
            (None, Some(p)) => SubscriberMatch::Prefix(digits("prefix", &p)?),
            _ => return Err("a subscriber needs exactly one of number or prefix".into()),
        };
        Ok(Self {
            target,
            profile: raw.profile,
            delay: raw.delay_ms.map(Duration::from_millis),
            handset,
        })
    }
}

impl From<Subscriber> for RawSubscriber {
    fn from(s: Subscriber) -> Self {
        let (number, prefix) = match s.target {
            SubscriberMatch::Number(n) => (Some(format!("+{n}")), None),
            SubscriberMatch::Prefix(p) => (None, Some(p)),
        };
        let delay_ms = s
            .delay
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        RawSubscriber {
            number,
            prefix,
            profile: s.profile,
            delay_ms,
            imsi: s.handset.imsi,
            kind: s.handset.kind,
            operator: s.handset.operator,
            barred: s.handset.barred,
            roaming: s.handset.roaming,
        }
    }
}

fn default_auto_delay() -> Duration {
    Duration::from_millis(100)
}

/// `[hlr]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HlrConfig {
    /// Profile of numbers no entry covers (default `"auto"`).
    pub default_profile: HlrProfile,
    /// `auto_delay_ms`: how long an `auto` subscriber takes to acknowledge.
    #[serde(rename = "auto_delay_ms", deserialize_with = "time::millis")]
    pub auto_delay: Duration,
    /// Listed numbers and prefixes. The switch picks an exact number first,
    /// then the longest matching prefix.
    pub subscribers: Vec<Subscriber>,
    /// A terminal attaching with a number no `handset` entry lists becomes a
    /// handset subscriber (true, the default, suits test rigs), or is
    /// rejected as an unknown subscriber (false, as a real network does).
    pub auto_provision: bool,
    /// Operator name reported for subscribers that do not name one.
    pub operator: String,
}

impl Default for HlrConfig {
    fn default() -> Self {
        Self {
            default_profile: HlrProfile::Auto,
            auto_delay: default_auto_delay(),
            subscribers: Vec::new(),
            auto_provision: true,
            operator: "Switchboard Mobile".into(),
        }
    }
}

impl HlrConfig {
    /// The entry that decides `addr`: an exact number, else the longest
    /// matching prefix, else None (the default profile applies).
    pub fn lookup(&self, addr: &str) -> Option<&Subscriber> {
        let exact = self
            .subscribers
            .iter()
            .find(|s| matches!(s.target, SubscriberMatch::Number(_)) && s.target.matches(addr));
        exact.or_else(|| {
            self.subscribers
                .iter()
                .filter(|s| s.target.matches(addr))
                .max_by_key(|s| match &s.target {
                    SubscriberMatch::Prefix(p) => p.len(),
                    SubscriberMatch::Number(_) => 0,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(json: &str) -> Result<Subscriber, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn number_or_prefix_exactly_once() {
        let s = sub(r#"{"number":"+447700900123","profile":"unknown"}"#).expect("valid");
        assert_eq!(s.target, SubscriberMatch::Number("447700900123".into()));
        assert!(s.target.matches("+447700900123") && s.target.matches("447700900123"));
        let both = sub(r#"{"number":"1","prefix":"1","profile":"auto"}"#).unwrap_err();
        assert!(both.contains("number or prefix"), "{both}");
        assert!(sub(r#"{"profile":"auto"}"#).is_err());
        let bad = sub(r#"{"prefix":"44a","profile":"auto"}"#).unwrap_err();
        assert!(bad.contains("prefix"), "{bad}");
    }

    #[test]
    fn json_round_trip() {
        let s = sub(r#"{"prefix":"4477","profile":"auto","delay_ms":250}"#).expect("valid");
        let back = sub(&serde_json::to_string(&s).expect("serializes")).expect("valid");
        assert_eq!(s, back);
        assert_eq!(s.delay, Some(Duration::from_millis(250)));
    }

    #[test]
    fn lookup_prefers_exact_then_longest_prefix() {
        let entries = [
            r#"{"prefix":"44","profile":"unknown"}"#,
            r#"{"prefix":"4477","profile":"auto","delay_ms":5}"#,
            r#"{"number":"447700900999","profile":"unknown"}"#,
        ];
        let hlr = HlrConfig {
            subscribers: entries.iter().map(|e| sub(e).expect("valid")).collect(),
            ..HlrConfig::default()
        };
        let profile = |a: &str| hlr.lookup(a).map(|s| s.profile);
        assert_eq!(profile("447700900999"), Some(HlrProfile::Unknown));
        assert_eq!(profile("447700900123"), Some(HlrProfile::Auto));
        assert_eq!(profile("4420"), Some(HlrProfile::Unknown));
        assert_eq!(profile("3361"), None);
    }
}
