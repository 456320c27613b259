//! The checks after every step: the gateway's payments, codes, bank
//! balances, bank calls and webhook outbox against the model, and the
//! invariants that hold whatever the model says (a final state never
//! changes, the bank is asked at most once per payment, money moves only
//! for succeeded payments, one webhook per final payment).

use gateway::domain::{PaymentId, PaymentState};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::harness::{ALICE_ACCOUNT, SHOP_ACCOUNT, World};
use super::model::{Model, OPENING_BALANCE};

/// Everything the gateway holds agrees with the model and the invariants.
pub async fn check(
    w: &World,
    m: &Model,
    ids: &[PaymentId],
    finals: &mut Vec<Option<PaymentState>>,
) -> Result<(), TestCaseError> {
    finals.resize(ids.len(), None);
    let outbox = w.store.webhook_due(i64::MAX, 1000).await.expect("outbox");
    let mut succeeded = 0;
    for (i, id) in ids.iter().enumerate() {
        let p = w.store.payment(id).await.expect("store").expect("payment");
        prop_assert_eq!(p.state, m.pays[i].state, "state of payment {}", i);
        match finals[i] {
            Some(f) => prop_assert_eq!(p.state, f, "final state of payment {} changed", i),
            None if p.state.is_final() => finals[i] = Some(p.state),
            None => {}
        }
        if p.state == PaymentState::Succeeded {
            succeeded += p.amount.minor;
        }
        let codes = w.store.codes_for_payment(id).await.expect("codes");
        let got: Vec<_> = codes
            .iter()
            .map(|c| (c.attempts, c.used, c.revoked))
            .collect();
        let want: Vec<_> = m.pays[i]
            .codes
            .iter()
            .map(|c| (c.attempts, c.used, c.revoked))
            .collect();
        prop_assert_eq!(got, want, "codes of payment {}", i);
        let calls = w.bank_calls(id.as_str());
        prop_assert!(
            calls <= 1,
            "the bank was asked {} times for payment {}",
            calls,
            i
        );
        prop_assert_eq!(calls, m.pays[i].bank_calls, "bank calls for payment {}", i);
        let hooks: Vec<_> = outbox.iter().filter(|j| &j.payment_id == id).collect();
        if p.state.is_final() {
            prop_assert_eq!(hooks.len(), 1, "webhooks of final payment {}", i);
            let body: serde_json::Value = serde_json::from_str(&hooks[0].body).expect("json");
            let want = format!("payment.{}", p.state.as_str());
            prop_assert_eq!(body["type"].as_str(), Some(want.as_str()));
            prop_assert_eq!(body["payment"]["state"].as_str(), Some(p.state.as_str()));
        } else {
            prop_assert!(hooks.is_empty(), "webhook for payment {} in {}", i, p.state);
        }
    }
    prop_assert_eq!(outbox.len(), finals.iter().flatten().count(), "outbox size");
    prop_assert_eq!(w.balance(ALICE_ACCOUNT).await, OPENING_BALANCE - succeeded);
    prop_assert_eq!(w.balance(SHOP_ACCOUNT).await, succeeded);
    Ok(())
}
