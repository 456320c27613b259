//! The payment PIN a customer types on the phone to confirm a pushed
//! payment (handset confirmation). [`PaymentPin`] is 4 to 8 digits, wiped
//! on drop and `<redacted>` in `Debug`. It is stored argon2id like the
//! password ([`Hasher`]), and checked like it: one argon2 run whatever the
//! outcome (a malformed PIN or a customer without one verifies against the
//! dummy hash), then the failure is counted in the store, and the
//! `max`-th wrong PIN locks the PIN until it is set again (`gateway
//! customers pin`, the admin API) or an administrator unlocks the customer.

use std::fmt;

use zeroize::Zeroizing;

use super::{CustomerError, CustomerService, Hasher};
use crate::domain::CustomerId;

/// Shortest and longest PIN, in digits.
pub const PIN_DIGITS: std::ops::RangeInclusive<usize> = 4..=8;

/// A payment PIN of 4 to 8 ASCII digits.
#[derive(Clone)]
pub struct PaymentPin(Zeroizing<String>);

/// Why a PIN was refused as a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a payment PIN is 4 to 8 digits")]
pub struct BadPin;

impl PaymentPin {
    /// Takes ownership so the only copy is the zeroizing one.
    pub fn new(s: String) -> Result<PaymentPin, BadPin> {
        let s = Zeroizing::new(s);
        if PIN_DIGITS.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PaymentPin(s))
        } else {
            Err(BadPin)
        }
    }

    /// The digits, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PaymentPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> serde::Deserialize<'de> for PaymentPin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PaymentPin::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The outcome of a PIN check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinCheck {
    Right,
    /// Wrong; this many tries are left before the PIN locks.
    Wrong {
        left: u32,
    },
    /// Locked (now or before): no PIN is accepted until it is unlocked.
    Locked,
    /// The customer has no PIN: handset confirmation is not set up.
    NotSet,
}

impl CustomerService {
    /// Sets (or replaces) the customer's PIN; this also lifts a PIN lock.
    pub async fn set_pin(
        &self,
        id: CustomerId,
        pin: &PaymentPin,
        now: i64,
    ) -> Result<(), CustomerError> {
        let hash = self.hasher.hash(pin.0.clone()).await?;
        self.store
            .set_pin_hash(id, hash, now)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::NotFound { .. } => CustomerError::NotFound(id),
                other => other.into(),
            })
    }

    /// Checks `typed` against the customer's PIN (see the module docs);
    /// `max` wrong PINs in a row lock it.
    pub async fn check_pin(
        &self,
        id: CustomerId,
        typed: &str,
        max: u32,
        now: i64,
    ) -> Result<PinCheck, CustomerError> {
        let record = self
            .store
            .customer_pin(id)
            .await?
            .ok_or(CustomerError::NotFound(id))?;
        let pin = PaymentPin::new(typed.to_owned()).ok();
        // A malformed PIN is still verified, against a value that cannot
        // match, so it takes as long as a wrong one.
        let secret = Zeroizing::new(pin.map_or_else(|| "-".to_owned(), |p| p.0.to_string()));
        let hash = record
            .hash
            .clone()
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = Hasher::verify(hash, secret).await?;
        if record.hash.is_none() {
            return Ok(PinCheck::NotSet);
        }
        if record.locked {
            return Ok(PinCheck::Locked);
        }
        if ok {
            self.store.record_pin_success(id, now).await?;
            return Ok(PinCheck::Right);
        }
        let after = self.store.record_pin_failure(id, max, now).await?;
        Ok(if after.locked {
            PinCheck::Locked
        } else {
            PinCheck::Wrong {
                left: max.saturating_sub(after.failures),
            }
        })
    }

    /// Lifts a PIN lock without changing the PIN (administrators).
    pub async fn unlock_pin(&self, id: CustomerId, now: i64) -> Result<(), CustomerError> {
        self.store.unlock_pin(id, now).await.map_err(|e| match e {
            crate::store::StoreError::NotFound { .. } => CustomerError::NotFound(id),
            other => other.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{LockoutConfig, PasswordParams};
    use crate::customers::Registration;
    use crate::domain::{OnlineIdentity, Password};
    use crate::sms::Locale;
    use crate::store::Store;

    async fn service() -> (CustomerService, CustomerId) {
        let params = PasswordParams {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let store = Store::memory().expect("memory store");
        let s = CustomerService::new(store, params, LockoutConfig::default())
            .await
            .expect("service");
        let reg = Registration {
            name: "Pat".into(),
            id_document: "P123456".into(),
            identities: vec![OnlineIdentity::parse("pat").expect("alias")],
            password: Password::new("pat-pass-1".into()).expect("password"),
            backup_code: None,
            terminals: vec![crate::store::NewTerminal {
                msisdn: "447700900555".into(),
                kind: crate::store::TerminalKind::Phone,
                label: String::new(),
            }],
            accounts: vec![],
            limit_per_payment: None,
            limit_per_day: None,
            locale: Locale::En,
        };
        let (id, _) = s.register(reg, 1).await.expect("registered");
        (s, id)
    }

    #[test]
    fn pins_are_4_to_8_digits_and_never_printed() {
        for ok in ["0000", "4821", "12345678"] {
            assert!(PaymentPin::new(ok.into()).is_ok(), "{ok}");
        }
        for bad in ["", "123", "123456789", "12a4", " 4821", "４８２１"] {
            assert_eq!(PaymentPin::new(bad.into()).err(), Some(BadPin), "{bad:?}");
        }
        let pin = PaymentPin::new("4821".into()).expect("pin");
        assert_eq!(format!("{pin:?}"), "<redacted>");
    }

    #[tokio::test]
    async fn wrong_pins_lock_and_setting_a_new_pin_unlocks() {
        let (s, id) = service().await;
        assert_eq!(
            s.check_pin(id, "4821", 3, 2).await.expect("check"),
            PinCheck::NotSet
        );
        s.set_pin(id, &PaymentPin::new("4821".into()).expect("pin"), 2)
            .await
            .expect("set");
        assert_eq!(
            s.check_pin(id, "4821", 3, 3).await.expect("c"),
            PinCheck::Right
        );
        assert_eq!(
            s.check_pin(id, "1111", 3, 4).await.expect("c"),
            PinCheck::Wrong { left: 2 }
        );
        // A right PIN resets the count, so three more wrong ones are needed.
        assert_eq!(
            s.check_pin(id, "4821", 3, 5).await.expect("c"),
            PinCheck::Right
        );
        assert_eq!(
            s.check_pin(id, "12", 3, 6).await.expect("c"),
            PinCheck::Wrong { left: 2 }
        );
        assert_eq!(
            s.check_pin(id, "2222", 3, 7).await.expect("c"),
            PinCheck::Wrong { left: 1 }
        );
        assert_eq!(
            s.check_pin(id, "3333", 3, 8).await.expect("c"),
            PinCheck::Locked
        );
        // Locked: even the right PIN is refused.
        assert_eq!(
            s.check_pin(id, "4821", 3, 9).await.expect("c"),
            PinCheck::Locked
        );
        s.unlock_pin(id, 10).await.expect("unlock");
        assert_eq!(
            s.check_pin(id, "4821", 3, 11).await.expect("c"),
            PinCheck::Right
        );
        for t in 12..15 {
            s.check_pin(id, "0000", 3, t).await.expect("c");
        }
        s.set_pin(id, &PaymentPin::new("55667788".into()).expect("pin"), 16)
            .await
            .expect("set");
        assert_eq!(
            s.check_pin(id, "55667788", 3, 17).await.expect("c"),
            PinCheck::Right
        );
    }
}
