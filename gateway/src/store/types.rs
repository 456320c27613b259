//! Records for customers and merchants: what goes into the store
//! (`New*`) and what comes out.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{CustomerId, MerchantId, Money, OnlineIdentity};

/// Writes `as_str`/`FromStr` for a fieldless enum stored as text.
macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("unknown {} {s:?}", stringify!($name))),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(super) use text_enum;

/// Whether a customer may log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Active,
    /// Too many wrong passwords: the backup code unlocks.
    Locked,
    /// Too many wrong backup codes: only an administrator unlocks.
    AdminLocked,
    /// Switched off by an administrator.
    Disabled,
}
text_enum!(CustomerStatus { Active = "active", Locked = "locked", AdminLocked = "admin_locked", Disabled = "disabled" });

/// The kinds of terminal handset-sim simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TerminalKind {
    Phone,
    Pda,
    Pager,
    StbCard,
}
text_enum!(TerminalKind { Phone = "phone", Pda = "pda", Pager = "pager", StbCard = "stb-card" });

/// A registered terminal to add: an MSISDN (E.164 digits, no "+").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTerminal {
    pub msisdn: String,
    pub kind: TerminalKind,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terminal {
    pub id: i64,
    pub customer_id: CustomerId,
    pub msisdn: String,
    pub kind: TerminalKind,
    pub label: String,
}

/// A customer to register. Hashes are PHC strings made by `customers`.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: String,
    /// Only the masked form is ever stored ("******4567").
    pub id_document_masked: String,
    pub password_hash: String,
    pub backup_hash: String,
    pub identities: Vec<OnlineIdentity>,
    pub terminals: Vec<NewTerminal>,
    /// Linked bank account numbers, in the order the shopper sees them.
    pub accounts: Vec<String>,
    pub limit_per_payment: Option<Money>,
    pub limit_per_day: Option<Money>,
    pub locale: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub id_document_masked: String,
    pub status: CustomerStatus,
    pub password_hash: String,
    pub backup_hash: String,
    /// Wrong passwords since the last success or unlock.
    pub password_failures: u32,
    /// Wrong backup codes since the last unlock.
    pub backup_failures: u32,
    pub limit_per_payment: Option<Money>,
    pub limit_per_day: Option<Money>,
    pub locale: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A failure counter after it was bumped, and the status it led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub failures: u32,
    pub status: CustomerStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MerchantStatus {
    Active,
    Revoked,
}
text_enum!(MerchantStatus { Active = "active", Revoked = "revoked" });

/// A merchant to register.
#[derive(Clone)]
pub struct NewMerchant {
    pub id: MerchantId,
    pub name: String,
    /// Where the bank credits this merchant's payments.
    pub bank_account: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    /// SHA-256 of the client certificate's DER, lower-case hex.
    pub cert_fingerprint: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Merchant {
    pub id: MerchantId,
    pub name: String,
    pub status: MerchantStatus,
    pub cert_fingerprint: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    pub bank_account: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Leaves the webhook secret out of logs.
impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("status", &self.status)
            .field("cert_fingerprint", &self.cert_fingerprint)
            .field("webhook_url", &self.webhook_url)
            .field("bank_account", &self.bank_account)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for NewMerchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMerchant")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("webhook_url", &self.webhook_url)
            .finish_non_exhaustive()
    }
}
