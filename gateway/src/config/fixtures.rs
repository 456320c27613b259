//! Fixture data the gateway imports at start (`customers::import_fixtures`)
//! and the simulated bank opens: `[[customers]]`, `[[merchants]]` and
//! `[[bank_accounts]]`. Values are parsed into domain types while the file
//! is read, so a bad phone number or amount names its line.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::customers::BackupCode;
use crate::domain::{Currency, IdentityKind, MerchantId, Money, OnlineIdentity, Password};
use crate::sms::Locale;
use crate::store::TerminalKind;

/// `[[customers]]`: a customer to register if none of its identities is
/// known yet.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerFixture {
    pub name: String,
    /// Stored masked (all but the last 4 characters).
    pub id_document: String,
    /// Phone numbers, account numbers or aliases; at least one.
    pub identities: Vec<OnlineIdentity>,
    #[serde(deserialize_with = "password")]
    pub password: Password,
    /// "ABCD-EFGH-JKLM"; generated (and reported once) when absent.
    #[serde(default, deserialize_with = "backup_code")]
    pub backup_code: Option<BackupCode>,
    #[serde(default)]
    pub terminals: Vec<TerminalFixture>,
    /// Linked bank account numbers; the first is the default.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// "GBP 500.00"; absent = no limit.
    #[serde(default, deserialize_with = "money_opt")]
    pub limit_per_payment: Option<Money>,
    #[serde(default, deserialize_with = "money_opt")]
    pub limit_per_day: Option<Money>,
    /// Default: `[sms] locale`.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// Payment PIN (4-8 digits) for confirmation from the handset; none: not set up.
    #[serde(default)]
    pub pin: Option<crate::customers::PaymentPin>,
}

impl fmt::Debug for CustomerFixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerFixture")
            .field("name", &self.name)
            .field("identities", &self.identities)
            .field("terminals", &self.terminals)
            .field("accounts", &self.accounts)
            .finish_non_exhaustive()
    }
}

/// A registered terminal of a fixture customer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminalFixture {
    /// E.164 digits ("+" optional), stored without the "+".
    #[serde(deserialize_with = "msisdn")]
    pub msisdn: String,
    pub kind: TerminalKind,
    #[serde(default)]
    pub label: String,
    /// Key of a dedicated terminal (64 hex digits): codes to it go sealed.
    /// An stb-card without one gets a generated key at import.
    #[serde(default, deserialize_with = "terminal_key")]
    pub key: Option<wire::sealed::TerminalKey>,
}

/// `[[merchants]]`: a merchant to register if its id is not known yet.
/// Its client certificate is issued separately (`gateway merchants cert`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantFixture {
    pub id: MerchantId,
    pub name: String,
    #[serde(default)]
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    /// The account the bank credits.
    pub account: String,
}

impl fmt::Debug for MerchantFixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantFixture")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("webhook_url", &self.webhook_url)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// `[[bank_accounts]]`: an account the simulated bank opens.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawBankAccount")]
pub struct BankAccountFixture {
    pub number: String,
    pub holder: String,
    /// Opening balance in the account's currency.
    pub balance: Money,
}

impl BankAccountFixture {
    pub fn currency(&self) -> Currency {
        self.balance.currency
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBankAccount {
    number: String,
    holder: String,
    currency: Currency,
    /// Decimal, "2500.00".
    balance: String,
}

impl TryFrom<RawBankAccount> for BankAccountFixture {
    type Error = String;
    fn try_from(r: RawBankAccount) -> Result<Self, String> {
        let balance = Money::parse_decimal(&r.balance, r.currency).map_err(|e| e.to_string())?;
        Ok(BankAccountFixture {
            number: r.number,
            holder: r.holder,
            balance,
        })
    }
}

fn password<'de, D: Deserializer<'de>>(d: D) -> Result<Password, D::Error> {
    Password::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn backup_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BackupCode>, D::Error> {
    let s = String::deserialize(d)?;
    BackupCode::parse(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn money_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map(Some).map_err(serde::de::Error::custom)
}

fn terminal_key<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<wire::sealed::TerminalKey>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("key: {e}")))
}

fn msisdn<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    match OnlineIdentity::parse(&s) {
        Ok(id) if id.kind() == IdentityKind::Phone => Ok(id.value().to_owned()),
        _ => Err(serde::de::Error::custom(format!(
            "msisdn {s:?} is not a phone number (8-15 digits, \"+\" optional)"
        ))),
    }
}
