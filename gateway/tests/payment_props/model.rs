//! The payment state machine written out plainly, to check the gateway
//! against: payments (state, amount, when created), the codes issued for
//! each (digits if the SMS went out, when, wrong attempts, used, revoked),
//! the customer's lockout counter, both bank balances and the clock. Each
//! step returns the answer the service must give and moves the model.
//!
//! Times are whole seconds of the test clock's offset; every step of the
//! clock is a multiple of 10 s and so are all limits (code TTL 300 s,
//! resend cooldowns 30/60/120 s, payment TTL 1800 s), so the few
//! milliseconds of real time a case takes never cross a limit.

use gateway::domain::PaymentState;

pub const PAYMENT_TTL_S: i64 = 1800;
pub const CODE_TTL_S: i64 = 300;
pub const MAX_ATTEMPTS: u32 = 3;
pub const MAX_PASSWORD_FAILURES: u32 = 2;
pub const RESEND_COOLDOWNS_S: [i64; 3] = [30, 60, 120];
pub const OPENING_BALANCE: i64 = 3000;
pub const AMOUNTS: [i64; 3] = [1250, 2000, 4500];

/// An answer of the payment service, reduced to what the property checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Ok(PaymentState),
    WrongState(PaymentState),
    NotFound,
    SignInFailed,
    SmsUnavailable,
    WrongCode {
        attempts_left: u32,
    },
    CodeRevoked,
    CodeExpired,
    ResendTooSoon,
    ResendLimit,
    /// Anything else: never expected.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// None when the SMS did not go out (nobody knows the digits).
    pub digits: Option<String>,
    pub issued_at: i64,
    pub attempts: u32,
    pub used: bool,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct Pay {
    pub amount: i64,
    pub state: PaymentState,
    pub created_at: i64,
    pub codes: Vec<Code>,
    /// Transfers asked of the bank for this payment.
    pub bank_calls: u32,
}

#[derive(Debug, Default)]
pub struct Model {
    pub now: i64,
    pub pays: Vec<Pay>,
    pub password_failures: u32,
    pub locked: bool,
    pub debited: i64,
    pub sms_down: bool,
    pub bank_down: bool,
}

/// How the shopper signs in.
#[derive(Debug, Clone, Copy)]
pub enum SignIn {
    Right,
    WrongPassword,
    UnknownIdentity,
}

impl Model {
    pub fn create(&mut self, amount: i64) -> Answer {
        self.pays.push(Pay {
            amount,
            state: PaymentState::Created,
            created_at: self.now,
            codes: Vec::new(),
            bank_calls: 0,
        });
        Answer::Ok(PaymentState::Created)
    }

    fn expire_if_due(&mut self, i: usize) {
        let p = &mut self.pays[i];
        if !p.state.is_final() && self.now - p.created_at >= PAYMENT_TTL_S {
            p.state = PaymentState::Expired;
        }
    }

    /// A new code (earlier unused ones revoked), sent unless the SMS is down;
    /// `digits` are read from the fake SMS sender by the caller afterwards.
    fn send_code(&mut self, i: usize) -> Answer {
        let (now, sms_down) = (self.now, self.sms_down);
        let p = &mut self.pays[i];
        for c in p.codes.iter_mut().filter(|c| !c.used) {
            c.revoked = true;
        }
        p.codes.push(Code {
            digits: None,
            issued_at: now,
            attempts: 0,
            used: false,
            revoked: sms_down,
        });
        if sms_down {
            return Answer::SmsUnavailable;
        }
        p.state = PaymentState::CodeSent;
        Answer::Ok(PaymentState::CodeSent)
    }

    pub fn identify(&mut self, i: usize, how: SignIn) -> Answer {
        self.expire_if_due(i);
        let state = self.pays[i].state;
        if !matches!(state, PaymentState::Created | PaymentState::Identified) {
            return Answer::WrongState(state);
        }
        match how {
            SignIn::UnknownIdentity => return Answer::SignInFailed,
            _ if self.locked => return Answer::SignInFailed,
            SignIn::WrongPassword => {
                self.password_failures += 1;
                self.locked = self.password_failures >= MAX_PASSWORD_FAILURES;
                return Answer::SignInFailed;
            }
            SignIn::Right => self.password_failures = 0,
        }
        self.pays[i].state = PaymentState::Identified;
        self.send_code(i)
    }

    pub fn resend(&mut self, i: usize) -> Answer {
        self.expire_if_due(i);
        let p = &self.pays[i];
        if !matches!(p.state, PaymentState::CodeSent | PaymentState::Identified) {
            return Answer::WrongState(p.state);
        }
        if let Some(last) = p.codes.last() {
            let resends = p.codes.len() - 1;
            let Some(wait) = RESEND_COOLDOWNS_S.get(resends) else {
                return Answer::ResendLimit;
            };
            if self.now - last.issued_at < *wait {
                return Answer::ResendTooSoon;
            }
        }
        self.send_code(i)
    }

    pub fn confirm(&mut self, i: usize, entered: &str) -> Answer {
        self.expire_if_due(i);
        let (now, bank_down) = (self.now, self.bank_down);
        let balance = OPENING_BALANCE - self.debited;
        let p = &mut self.pays[i];
        if p.state != PaymentState::CodeSent {
            return Answer::WrongState(p.state);
        }
        let code = p.codes.last_mut().expect("code_sent has a code");
        if code.used || code.revoked {
            return Answer::CodeRevoked;
        }
        if now - code.issued_at >= CODE_TTL_S {
            return Answer::CodeExpired;
        }
        if code.digits.as_deref() != Some(entered) {
            code.attempts += 1;
            if code.attempts >= MAX_ATTEMPTS {
                code.revoked = true;
                return Answer::CodeRevoked;
            }
            return Answer::WrongCode {
                attempts_left: MAX_ATTEMPTS - code.attempts,
            };
        }
        code.used = true;
        p.bank_calls += 1;
        p.state = if bank_down {
            PaymentState::Failed
        } else if balance >= p.amount {
            self.debited += p.amount;
            PaymentState::Succeeded
        } else {
            PaymentState::Declined
        };
        Answer::Ok(p.state)
    }

    pub fn cancel(&mut self, i: usize, by_other_merchant: bool) -> Answer {
        let p = &mut self.pays[i];
        if by_other_merchant {
            return Answer::NotFound;
        }
        if p.state.is_final() {
            return Answer::WrongState(p.state);
        }
        p.state = PaymentState::Cancelled;
        Answer::Ok(PaymentState::Cancelled)
    }

    /// The digits a confirm step enters (see [`super::ops::Entry`]).
    pub fn latest_digits(&self, i: usize) -> Option<String> {
        self.pays[i]
            .codes
            .iter()
            .rev()
            .find_map(|c| c.digits.clone())
    }

    pub fn older_digits(&self, i: usize) -> Option<String> {
        let known = self.pays[i].codes.iter().filter_map(|c| c.digits.clone());
        let known: Vec<String> = known.collect();
        known.len().checked_sub(2).map(|k| known[k].clone())
    }
}
