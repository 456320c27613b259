//! `[[accounts]]`: the ESMEs allowed to bind, with their credentials, bind
//! rules, limits, message_id format and MO routing range.

use std::fmt;
use std::num::NonZeroU32;

use serde::{Deserialize, Deserializer};

use super::pattern::AddressRange;
use super::types::{Password, SystemId};

/// The three ways an ESME binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BindType {
    Transmitter,
    Receiver,
    Transceiver,
}

/// The bind types an account may use: a non-empty set, all three by default.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BindTypes(u8);

impl BindTypes {
    pub const ALL: Self = Self(0b111);

    fn bit(t: BindType) -> u8 {
        match t {
            BindType::Transmitter => 1,
            BindType::Receiver => 2,
            BindType::Transceiver => 4,
        }
    }

    /// The set of the given types; None when empty.
    pub fn of(types: &[BindType]) -> Option<Self> {
        let bits = types.iter().fold(0, |acc, t| acc | Self::bit(*t));
        (bits != 0).then_some(Self(bits))
    }

    pub fn allows(self, t: BindType) -> bool {
        self.0 & Self::bit(t) != 0
    }
}

impl Default for BindTypes {
    fn default() -> Self {
        Self::ALL
    }
}

impl fmt::Debug for BindTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = [
            BindType::Transmitter,
            BindType::Receiver,
            BindType::Transceiver,
        ];
        f.debug_set()
            .entries(all.iter().filter(|t| self.allows(**t)))
            .finish()
    }
}

impl<'de> Deserialize<'de> for BindTypes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let types = Vec::<BindType>::deserialize(d)?;
        Self::of(&types).ok_or_else(|| {
            serde::de::Error::custom(
                "bind_types must list at least one of \"transmitter\", \"receiver\", \"transceiver\"",
            )
        })
    }
}

/// How the SMSC formats the message_id it hands out in submit_sm_resp and
/// receipts; real SMSCs differ, and ESMEs must cope with each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageIdFormat {
    /// Decimal digits, e.g. `1234567`.
    #[default]
    Decimal,
    /// Lower-case hexadecimal, e.g. `12d687`.
    Hex,
    /// A random UUID, e.g. `5f0c…-…`.
    Uuid,
}

fn default_max_binds() -> NonZeroU32 {
    NonZeroU32::new(8).expect("8 is non-zero")
}

fn default_window() -> NonZeroU32 {
    NonZeroU32::new(100).expect("100 is non-zero")
}

fn yes() -> bool {
    true
}

/// `max_rate`: 0 means unlimited.
fn rate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NonZeroU32>, D::Error> {
    u32::deserialize(d).map(NonZeroU32::new)
}

/// One `[[accounts]]` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The system_id the ESME binds with (1–15 ASCII characters).
    pub system_id: SystemId,
    /// The bind password (at most 8 ASCII characters, SMPP's limit).
    pub password: Password,
    /// Allowed bind types; default all three.
    #[serde(default)]
    pub bind_types: BindTypes,
    /// Concurrent binds allowed for this account (default 8); one more gets
    /// ESME_RBINDFAIL.
    #[serde(default = "default_max_binds")]
    pub max_binds: NonZeroU32,
    /// Outstanding requests per session (default 100); one more gets
    /// ESME_RMSGQFUL.
    #[serde(default = "default_window")]
    pub window: NonZeroU32,
    /// Messages per second across all the account's binds; more get
    /// ESME_RTHROTTLED. 0 in the file (the default) means unlimited: None.
    #[serde(default, deserialize_with = "rate")]
    pub max_rate: Option<NonZeroU32>,
    /// `"decimal"` (default), `"hex"` or `"uuid"`.
    #[serde(default)]
    pub message_id_format: MessageIdFormat,
    /// MO messages whose destination matches go to this account; empty (the
    /// default) routes none here. See [`AddressRange`] for the syntax.
    #[serde(default)]
    pub address_range: AddressRange,
    /// Whether receipts are sent at all when registered_delivery asks for
    /// them (default true); false models an SMSC that never sends them.
    #[serde(default = "yes")]
    pub receipts_enabled: bool,
    /// `outbind`: the address of an ESME listener. While deliver_sm wait for
    /// this account and no receiver is bound, the SMSC connects there and
    /// sends outbind (with this account's system_id and password); the ESME
    /// answers with bind_receiver on that connection.
    #[serde(default)]
    pub outbind: Option<std::net::SocketAddr>,
}

impl Account {
    /// An account with every optional field at its default.
    pub fn new(system_id: SystemId, password: Password) -> Self {
        Self {
            system_id,
            password,
            bind_types: BindTypes::ALL,
            max_binds: default_max_binds(),
            window: default_window(),
            max_rate: None,
            message_id_format: MessageIdFormat::default(),
            address_range: AddressRange::default(),
            receipts_enabled: true,
            outbind: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_type_sets() {
        assert_eq!(BindTypes::of(&[]), None);
        let rx = BindTypes::of(&[BindType::Receiver]).expect("non-empty");
        assert!(rx.allows(BindType::Receiver));
        assert!(!rx.allows(BindType::Transmitter));
        assert!(!rx.allows(BindType::Transceiver));
        assert_eq!(
            format!("{:?}", BindTypes::ALL),
            "{Transmitter, Receiver, Transceiver}"
        );
    }
}
