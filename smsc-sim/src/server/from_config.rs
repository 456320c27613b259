//! The runtime values [`super::Smsc::build`] derives from the configuration:
//! the SMPP settings and the HLR (profile entries plus the provisioned
//! handset subscribers).

use std::time::Duration;

use crate::config::{Config, HlrProfile, SubscriberMatch};
use crate::core::SmppSettings;
use crate::hlr::{HandsetSubscriber, Hlr, HlrEntry, Profile, Registry};

/// Far enough to mean "never" without overflowing `Instant` arithmetic.
const NEVER: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

fn profile(p: HlrProfile, delay: Duration) -> Profile {
    match p {
        HlrProfile::Auto => Profile::Auto {
            delay_ms: delay.as_millis() as u64,
        },
        HlrProfile::Unknown => Profile::Unknown,
        HlrProfile::Handset => Profile::Handset,
    }
}

pub(super) fn hlr_from(config: &Config) -> Hlr {
    let h = &config.hlr;
    let entries = h
        .subscribers
        .iter()
        .map(|s| {
            let (number, prefix) = match &s.target {
                SubscriberMatch::Number(n) => (n.clone(), false),
                SubscriberMatch::Prefix(p) => (p.clone(), true),
            };
            HlrEntry {
                number,
                prefix,
                profile: profile(s.profile, s.delay.unwrap_or(h.auto_delay)),
            }
        })
        .collect();
    let mut registry = Registry::default();
    for s in &h.subscribers {
        if let (HlrProfile::Handset, SubscriberMatch::Number(n)) = (s.profile, &s.target) {
            let operator = s
                .handset
                .operator
                .clone()
                .unwrap_or_else(|| h.operator.clone());
            let mut sub = HandsetSubscriber::new(n.clone(), operator);
            sub.imsi = s.handset.imsi.clone();
            sub.kind = s.handset.kind.clone();
            sub.barred = s.handset.barred;
            sub.roaming = s.handset.roaming;
            registry.provision(sub);
        }
    }
    let auto_provision = h.auto_provision.then(|| h.operator.clone());
    Hlr::with_registry(
        profile(h.default_profile, h.auto_delay),
        entries,
        registry,
        auto_provision,
    )
}

pub(super) fn settings_from(config: &Config) -> SmppSettings {
    let s = &config.smpp;
    SmppSettings {
        max_pdu_len: s.max_pdu_len as usize,
        bind_timeout: s.bind_timeout,
        inactivity_timeout: s.inactivity_timeout.unwrap_or(NEVER),
        enquire_link_interval: s.enquire_link.unwrap_or(NEVER),
        response_timeout: s.response_timeout,
        drain_timeout: s.drain_timeout,
        default_validity: config.delivery.default_validity,
        max_validity: config.delivery.max_validity,
        system_id: "smsc-sim".into(),
        max_connections: s.max_connections,
    }
}
