//! What the flow refuses, typed so the HTTP layer can answer precisely to
//! the merchant and generically to the shopper.

use crate::domain::PaymentState;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("no such payment")]
    NotFound,
    /// The payment is not in a state that allows this step.
    #[error("the payment is {0}")]
    WrongState(PaymentState),
    /// Idempotency-Key reused with a different request.
    #[error("Idempotency-Key was already used with a different request")]
    KeyReused,
    /// Identity or password wrong, unknown or locked: never says which.
    #[error("the identity or password is wrong")]
    SignInFailed,
    #[error("too many attempts; try again in {0} s")]
    RateLimited(u64),
    /// The number's send windows are full; retry after this many seconds.
    #[error("too many codes were sent to this number; try again in {0} s")]
    PhoneLimit(u64),
    /// The number's prefix had too many codes lately (SMS pumping guard).
    #[error("too many codes were sent to numbers like this one; try again in {0} s")]
    PrefixLimit(u64),
    #[error("the SMS could not be sent now; please try again")]
    SmsUnavailable,
    #[error("the code is wrong; {attempts_left} attempt(s) left")]
    WrongCode { attempts_left: u32 },
    #[error("the code can no longer be used; ask for a new one")]
    CodeRevoked,
    #[error("the code has expired; ask for a new one")]
    CodeExpired,
    #[error("a new code can be sent in {0} s")]
    ResendTooSoon(u64),
    #[error("no more codes can be sent for this payment")]
    ResendLimit,
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for PaymentError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::StateConflict { current, .. } => PaymentError::WrongState(current),
            other => PaymentError::Internal(other.to_string()),
        }
    }
}
