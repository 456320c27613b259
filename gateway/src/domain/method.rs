//! How a payment is authorized: the [`PaymentMethod`] modes of the seeds.
//!
//! `sms_code` is the checkout with a dynamic code by SMS; `handset_confirm`
//! is a merchant terminal's push confirmed from the phone with a PIN;
//! `carrier` charges the phone bill through the operator; `voucher` pays
//! from a prepaid voucher. A payment starts as `sms_code` (the checkout
//! default) and records another method when that mode takes it over.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::DomainError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    SmsCode,
    HandsetConfirm,
    Carrier,
    Voucher,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::SmsCode,
        PaymentMethod::HandsetConfirm,
        PaymentMethod::Carrier,
        PaymentMethod::Voucher,
    ];

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::SmsCode => "sms_code",
            PaymentMethod::HandsetConfirm => "handset_confirm",
            PaymentMethod::Carrier => "carrier",
            PaymentMethod::Voucher => "voucher",
        }
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaymentMethod {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        PaymentMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| DomainError::Method(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_refused() {
        for m in PaymentMethod::ALL {
            assert_eq!(m.as_str().parse::<PaymentMethod>(), Ok(m));
        }
        assert_eq!(
            "cash".parse::<PaymentMethod>(),
            Err(DomainError::Method("cash".into()))
        );
    }
}
