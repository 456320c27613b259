//! Dynamic authorization codes: how they are made, bound to a payment,
//! checked and rationed.
//!
//! A [`CodePolicy`] (validated from [`CodePolicySettings`], the `[codes]`
//! config section) says how long codes are and how long they live. When a
//! code is due, [`generate`] (or [`CodePolicy::generate`]) draws it uniformly
//! from a CSPRNG; [`bind`] turns it into an HMAC-SHA256 tag under the
//! gateway's [`CodeKey`] over payment id, amount, currency, payee and code,
//! and only that tag is stored. The clear code goes into the SMS and is then
//! dropped (it is zeroized and never printed). When the shopper types a code,
//! [`verify`] recomputes the tag from the payment as it stands and compares it
//! in constant time, so a changed amount or payee, or another payment's code,
//! fails. [`RateLimiter`] rations sends per number and attempts per client IP
//! with sliding windows; [`ResendSchedule`] spaces resends by the policy's
//! cooldowns. Attempt counting, single use and expiry live with the stored
//! code (store and payments modules), using the policy's values.

mod bind;
mod generate;
mod key;
mod limiter;
mod policy;
mod resend;

pub use bind::{TAG_LEN, bind, verify};
pub use generate::generate;
pub use key::{CodeKey, KEY_FILE, KeyError};
pub use limiter::{DEFAULT_MAX_KEYS, InvalidLimit, Limit, RateLimiter, RetryAfter};
pub use policy::{CodePolicy, CodePolicySettings, PolicyError};
pub use resend::{ResendDenied, ResendSchedule};

use crate::domain::AuthCode;

/// Allowed code lengths, in digits.
pub const CODE_DIGITS: std::ops::RangeInclusive<u8> = 4..=10;

impl CodePolicy {
    /// A fresh code of the policy's length.
    pub fn generate(&self) -> AuthCode {
        generate(self.digits())
    }

    /// The policy's resend cooldowns and budget.
    pub fn resend_schedule(&self) -> ResendSchedule {
        ResendSchedule::new(self)
    }
}
