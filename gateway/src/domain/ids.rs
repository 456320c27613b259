//! Identifiers. Payment and merchant ids are opaque strings with a type
//! prefix ("pay_", "mer_") and random base62 characters from the operating
//! system's CSPRNG, so they cannot be guessed or enumerated; customer ids
//! are the database's row ids and never leave the gateway's admin surface.

use std::fmt;
use std::str::FromStr;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::DomainError;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Random characters in a generated payment id: 22 base62 characters carry
/// about 131 bits.
pub const PAYMENT_ID_RANDOM_LEN: usize = 22;

fn random_base62(n: usize) -> String {
    // rand::rng() is a ChaCha CSPRNG seeded from the OS and reseeded.
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())]))
        .collect()
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, DomainError> {
                let check: fn(&str) -> bool = $check;
                if check(s) {
                    Ok($name(s.to_owned()))
                } else {
                    Err(DomainError::Id { what: $what, input: s.chars().take(64).collect() })
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, DomainError> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

string_id!(
    /// "pay_" followed by 22 base62 characters.
    PaymentId,
    "payment id",
    |s| s.strip_prefix("pay_").is_some_and(|r| {
        r.len() == PAYMENT_ID_RANDOM_LEN && r.bytes().all(|b| b.is_ascii_alphanumeric())
    })
);

string_id!(
    /// "mer_" followed by 1 to 40 of `[A-Za-z0-9_]`: generated ids carry 16
    /// random base62 characters; fixture ids may be readable ("mer_acme").
    MerchantId,
    "merchant id",
    |s| s.strip_prefix("mer_").is_some_and(|r| {
        (1..=40).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
);

impl PaymentId {
    /// A fresh random id.
    pub fn generate() -> PaymentId {
        PaymentId(format!("pay_{}", random_base62(PAYMENT_ID_RANDOM_LEN)))
    }
}

impl MerchantId {
    /// A fresh random id.
    pub fn generate() -> MerchantId {
        MerchantId(format!("mer_{}", random_base62(16)))
    }
}

/// A customer's row id in the store.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(pub i64);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
