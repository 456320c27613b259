//! Property tests of the payment state machine, driven through the real
//! [`PaymentService`] in process (memory store, simulated bank, fake SMS,
//! a clock the test moves): random sequences of create, identify (right
//! or wrong password, unknown identity), resend, confirm (the right code,
//! an older one, another payment's, garbage, a guess), merchant cancel
//! (own or another merchant), time passing beyond the code TTL and the
//! payment expiry, and the SMS sender or the bank going down.
//!
//! Each step must give the answer of the model in `payment_props/model.rs`,
//! and after each step: every payment is in the model's state and a final
//! state never changes; each code's attempts, used and revoked flags are
//! the model's (so wrong codes lock at the configured limit and a used code
//! never works again); the bank was asked at most once per payment, and the
//! customer's account is debited by exactly the amounts of the payments that
//! succeeded (the merchant's credited the same); the webhook outbox holds
//! exactly one event per final payment, naming that state, and none for
//! the others.

mod payment_props {
    pub mod calls;
    pub mod check;
    pub mod harness;
    pub mod model;
    pub mod ops;
}

use std::time::Duration;

use gateway::domain::{PaymentId, PaymentState};
use gateway::payments::CreatePayment;
use payment_props::calls::{IP, answer, identify_request};
use payment_props::check::check;
use payment_props::harness::World;
use payment_props::model::{AMOUNTS, Answer, Model};
use payment_props::ops::{Op, ops, payment};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Runs `op` on the gateway and on the model: (what the model says, what
/// the gateway said), or None for steps without an answer.
async fn step(
    w: &World,
    m: &mut Model,
    ids: &mut Vec<PaymentId>,
    op: &Op,
) -> Result<Option<(Answer, Answer)>, TestCaseError> {
    let s = &w.payments;
    let pick = |i: usize| payment(i, ids.len());
    let pair = match *op {
        Op::Create(a) => {
            let amount = AMOUNTS[a];
            let req = CreatePayment {
                order_id: format!("ord-{}", ids.len()),
                amount: format!("{}.{:02}", amount / 100, amount % 100),
                currency: "GBP".into(),
                description: String::new(),
                return_url: None,
                customer_hint: None,
            };
            let got = s.create(&w.merchant, req, None).await;
            let got = got.map(|(p, _)| {
                ids.push(p.id.clone());
                p.state
            });
            (m.create(amount), answer(got))
        }
        Op::Identify(i, how) => {
            let i = pick(i);
            let got = s.identify(&ids[i], identify_request(how)).await;
            let pair = (m.identify(i, how), answer(got.map(|x| x.payment.state)));
            learn_code(w, m, &ids[i], i, &pair)?;
            pair
        }
        Op::Resend(i) => {
            let i = pick(i);
            let got = s.resend(&ids[i], None, IP).await;
            let pair = (m.resend(i), answer(got.map(|p| p.state)));
            learn_code(w, m, &ids[i], i, &pair)?;
            pair
        }
        Op::Confirm(i, entry) => {
            let i = pick(i);
            let digits = entry.digits(m, i);
            let got = s.confirm(&ids[i], &digits, IP).await;
            (m.confirm(i, &digits), answer(got.map(|c| c.payment.state)))
        }
        Op::Cancel(i, by_other) => {
            let i = pick(i);
            let who = if by_other {
                &w.other_merchant
            } else {
                &w.merchant
            };
            let got = s.cancel(who, &ids[i]).await;
            (m.cancel(i, by_other), answer(got.map(|p| p.state)))
        }
        Op::Advance(secs) => {
            w.clock
                .advance(Duration::from_secs(u64::try_from(secs).expect("forward")));
            m.now += secs;
            return Ok(None);
        }
        Op::SmsDown(down) => {
            w.sms.down.store(down, std::sync::atomic::Ordering::SeqCst);
            m.sms_down = down;
            return Ok(None);
        }
        Op::BankDown(down) => {
            w.bank.down.store(down, std::sync::atomic::Ordering::SeqCst);
            m.bank_down = down;
            return Ok(None);
        }
    };
    Ok(Some(pair))
}

/// A code went out: the model learns its digits from the SMS, as the
/// shopper would.
fn learn_code(
    w: &World,
    m: &mut Model,
    id: &PaymentId,
    i: usize,
    (want, got): &(Answer, Answer),
) -> Result<(), TestCaseError> {
    if want == got && *got == Answer::Ok(PaymentState::CodeSent) {
        let digits = w.sms.last_code(id.as_str());
        prop_assert!(digits.is_some(), "no code SMS for {}", id);
        m.pays[i]
            .codes
            .last_mut()
            .expect("a code was issued")
            .digits = digits;
    }
    Ok(())
}

async fn run_case(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let w = World::start().await;
    let mut m = Model::default();
    let mut ids = Vec::new();
    let mut finals = Vec::new();
    for (n, op) in ops.iter().enumerate() {
        if let Some((want, got)) = step(&w, &mut m, &mut ids, op).await? {
            prop_assert_eq!(got, want, "answer to step {} {:?}", n, op);
        }
        check(&w, &m, &ids, &mut finals).await?;
    }
    Ok(())
}

#[test]
fn payments_follow_the_state_machine() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut runner = TestRunner::new(Config {
        cases: 192,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&ops(), |ops| rt.block_on(run_case(ops)));
    if let Err(e) = result {
        panic!("{e}");
    }
}
