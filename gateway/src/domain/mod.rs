//! Domain values, parsed once at the edges (HTTP, config, CLI) and trusted
//! everywhere after: [`Money`] in minor units of an ISO 4217 [`Currency`],
//! the identifiers [`PaymentId`], [`MerchantId`] and [`CustomerId`], the
//! shopper's [`OnlineIdentity`], the secrets [`Password`] and [`AuthCode`]
//! (zeroized on drop, never printed by `Debug`), [`PaymentState`] and
//! [`PaymentMethod`].
//!
//! A value of one of these types is valid by construction: a `Money` parsed
//! from "1.234" GBP or an alias with a space never exists, so code holding
//! one does not check it again. Parse failures are [`DomainError`]s whose
//! messages are safe to show to the person who typed the input.

mod identity;
mod ids;
mod method;
mod money;
mod secret;
mod state;

#[cfg(test)]
mod tests;

pub use identity::{IdentityKind, OnlineIdentity};
pub use ids::{CustomerId, MerchantId, PaymentId};
pub use method::PaymentMethod;
pub use money::{Currency, Money};
pub use secret::{AuthCode, Password};
pub use state::PaymentState;

/// Why a value was refused. Messages describe the expected form and never
/// echo secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("unknown currency {0:?} (expected an ISO 4217 code such as GBP or CNY)")]
    Currency(String),
    #[error("invalid amount {input:?}: {reason}")]
    Amount { input: String, reason: &'static str },
    #[error("invalid {what} {input:?}")]
    Id { what: &'static str, input: String },
    #[error("invalid online identity: {0}")]
    Identity(&'static str),
    #[error("password must be 8 to 128 characters")]
    Password,
    #[error("authorization code must be 4 to 10 digits")]
    AuthCode,
    #[error("unknown payment state {0:?}")]
    State(String),
    #[error("unknown payment method {0:?}")]
    Method(String),
}
