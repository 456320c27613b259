//! The shopper's requests as the property makes them, and the service's
//! answers reduced to the model's [`Answer`].

use gateway::domain::{Password, PaymentState};
use gateway::payments::{IdentifyRequest, PaymentError};

use super::harness::PASSWORD;
use super::model::{Answer, SignIn};

pub const IP: &str = "203.0.113.7";

pub fn answer(r: Result<PaymentState, PaymentError>) -> Answer {
    let e = match r {
        Ok(state) => return Answer::Ok(state),
        Err(e) => e,
    };
    match e {
        PaymentError::WrongState(s) => Answer::WrongState(s),
        PaymentError::NotFound => Answer::NotFound,
        PaymentError::SignInFailed => Answer::SignInFailed,
        PaymentError::SmsUnavailable => Answer::SmsUnavailable,
        PaymentError::WrongCode { attempts_left } => Answer::WrongCode { attempts_left },
        PaymentError::CodeRevoked => Answer::CodeRevoked,
        PaymentError::CodeExpired => Answer::CodeExpired,
        PaymentError::ResendTooSoon(_) => Answer::ResendTooSoon,
        PaymentError::ResendLimit => Answer::ResendLimit,
        other => Answer::Other(other.to_string()),
    }
}

pub fn identify_request(how: SignIn) -> IdentifyRequest {
    let (identity, password) = match how {
        SignIn::Right => ("alice", PASSWORD),
        SignIn::WrongPassword => ("alice", "not-alices-pass"),
        SignIn::UnknownIdentity => ("mallory", PASSWORD),
    };
    IdentifyRequest {
        identity: identity.into(),
        password: Password::new(password.into()).expect("password"),
        terminal: None,
        account: None,
        send_to: None,
        ip: IP.into(),
    }
}
