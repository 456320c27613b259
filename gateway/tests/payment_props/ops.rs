//! The steps of the payment property and their proptest strategies. Every
//! sequence starts by creating a payment; later steps name payments by
//! index ([`payment`]: half the time the newest, else one by position
//! modulo how many exist), so shrinking keeps them meaningful.

use proptest::prelude::*;

use super::model::{AMOUNTS, Model, SignIn};

/// The code a confirm step enters.
#[derive(Debug, Clone, Copy)]
pub enum Entry {
    /// The last code the shopper received for this payment.
    Latest,
    /// An earlier code of this payment, superseded by a resend.
    Older,
    /// The last code of another payment (maybe this one).
    OtherPayment(usize),
    /// Not a code at all.
    Garbage,
    /// A guess of six digits.
    Guess(u32),
}

#[derive(Debug, Clone)]
pub enum Op {
    Create(usize),
    Identify(usize, SignIn),
    Resend(usize),
    Confirm(usize, Entry),
    /// By the payment's merchant, or by another one (who may not see it).
    Cancel(usize, bool),
    /// Seconds forward on the gateway's clock.
    Advance(i64),
    SmsDown(bool),
    BankDown(bool),
}

/// Payment indexes the strategies draw from: `0..3` name one by position,
/// the rest the newest.
const PAY_CHOICES: usize = 6;

/// The payment an index names, among `count` payments (at least one).
pub fn payment(index: usize, count: usize) -> usize {
    if index >= PAY_CHOICES / 2 {
        count - 1
    } else {
        index % count
    }
}

impl Entry {
    pub fn digits(self, model: &Model, this: usize) -> String {
        let fallback = |s: &str| s.to_owned();
        match self {
            Entry::Latest => model
                .latest_digits(this)
                .unwrap_or_else(|| fallback("000000")),
            Entry::Older => model
                .older_digits(this)
                .unwrap_or_else(|| fallback("111111")),
            Entry::OtherPayment(q) => model
                .latest_digits(payment(q, model.pays.len()))
                .unwrap_or_else(|| fallback("222222")),
            Entry::Garbage => fallback("12a4"),
            Entry::Guess(n) => format!("{:06}", n % 1_000_000),
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    let pay = 0..PAY_CHOICES;
    let sign_in = prop_oneof![
        6 => Just(SignIn::Right),
        2 => Just(SignIn::WrongPassword),
        1 => Just(SignIn::UnknownIdentity),
    ];
    let entry = prop_oneof![
        4 => Just(Entry::Latest),
        1 => Just(Entry::Older),
        2 => (0..PAY_CHOICES).prop_map(Entry::OtherPayment),
        1 => Just(Entry::Garbage),
        1 => any::<u32>().prop_map(Entry::Guess),
    ];
    prop_oneof![
        2 => (0..AMOUNTS.len()).prop_map(Op::Create),
        4 => (pay.clone(), sign_in).prop_map(|(p, s)| Op::Identify(p, s)),
        3 => pay.clone().prop_map(Op::Resend),
        6 => (pay.clone(), entry).prop_map(|(p, e)| Op::Confirm(p, e)),
        1 => (pay, prop::bool::weighted(0.3)).prop_map(|(p, other)| Op::Cancel(p, other)),
        3 => prop_oneof![
            3 => Just(10i64),
            3 => Just(30),
            2 => Just(60),
            2 => Just(120),
            1 => Just(300),
            1 => Just(1800)
        ]
        .prop_map(Op::Advance),
        1 => any::<bool>().prop_map(Op::SmsDown),
        1 => prop::bool::weighted(0.3).prop_map(Op::BankDown),
    ]
}

/// A first payment, then 1 to 40 steps.
pub fn ops() -> impl Strategy<Value = Vec<Op>> {
    (0..AMOUNTS.len(), proptest::collection::vec(op(), 1..40)).prop_map(|(amount, mut rest)| {
        rest.insert(0, Op::Create(amount));
        rest
    })
}
