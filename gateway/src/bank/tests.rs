//! SimBank transfer rules: money moves atomically and at most once per payment, declines
//! (funds, limits, currencies, unknown and closed accounts) move nothing. Shared helpers
//! for `sim_tests` live here too.

use super::*;
use crate::domain::Currency;

pub(super) fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

pub(super) fn gbp(minor: i64) -> Money {
    Money::new(minor, cur("GBP"))
}

pub(super) fn pay(from: &str, to: &str, amount: Money) -> Transfer {
    let (from_account, to_account) = (from.to_owned(), to.to_owned());
    Transfer {
        payment_id: PaymentId::generate(),
        from_account,
        to_account,
        amount,
    }
}

pub(super) fn declined(reason: DeclineReason) -> BankOutcome {
    BankOutcome::Declined { reason }
}

/// A bank with customer "C1" (balance `c1`, optional limit) and merchant "M1" (0), in GBP.
pub(super) async fn bank_with(config: SimBankConfig, c1: i64, limit: Option<i64>) -> SimBank {
    let bank = SimBank::memory(config).unwrap();
    assert!(
        bank.open_account("C1", "Alice", gbp(c1), limit)
            .await
            .unwrap()
    );
    assert!(bank.open_account("M1", "ACME", gbp(0), None).await.unwrap());
    bank
}

pub(super) async fn balances(bank: &SimBank) -> (i64, i64) {
    let get = |n: &'static str| async move { bank.balance(n).await.unwrap().unwrap().minor };
    (get("C1").await, get("M1").await)
}

#[tokio::test]
async fn approved_transfer_moves_both_balances() {
    let bank = bank_with(SimBankConfig::default(), 10_000, None).await;
    let outcome = bank.transfer(pay("C1", "M1", gbp(2_550))).await.unwrap();
    let BankOutcome::Approved { reference } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(reference.starts_with("SIM"), "{reference}");
    assert_eq!(balances(&bank).await, (7_450, 2_550));
}

#[tokio::test]
async fn insufficient_funds_is_declined_and_moves_nothing() {
    let bank = bank_with(SimBankConfig::default(), 1_000, None).await;
    let outcome = bank.transfer(pay("C1", "M1", gbp(1_001))).await.unwrap();
    assert_eq!(outcome, declined(DeclineReason::InsufficientFunds));
    assert_eq!(balances(&bank).await, (1_000, 0));
    // The whole balance may go.
    assert!(
        bank.transfer(pay("C1", "M1", gbp(1_000)))
            .await
            .unwrap()
            .is_approved()
    );
    assert_eq!(balances(&bank).await, (0, 1_000));
}

#[tokio::test]
async fn replay_returns_the_first_outcome_without_moving_money() {
    let bank = bank_with(SimBankConfig::default(), 1_000, None).await;
    let t = pay("C1", "M1", gbp(300));
    let first = bank.transfer(t.clone()).await.unwrap();
    assert!(first.is_approved());
    assert_eq!(bank.transfer(t.clone()).await.unwrap(), first);
    assert_eq!(balances(&bank).await, (700, 300));

    let too_much = pay("C1", "M1", gbp(5_000));
    assert_eq!(
        bank.transfer(too_much.clone()).await.unwrap(),
        declined(DeclineReason::InsufficientFunds)
    );
    assert_eq!(
        bank.transfer(too_much).await.unwrap(),
        declined(DeclineReason::InsufficientFunds)
    );

    // The same payment id for different money is a caller bug, not a second transfer.
    let changed = Transfer {
        amount: gbp(301),
        ..t
    };
    assert!(matches!(
        bank.transfer(changed).await,
        Err(BankError::Internal(_))
    ));
    assert_eq!(balances(&bank).await, (700, 300));
}

#[tokio::test]
async fn currency_must_match_both_accounts() {
    let bank = bank_with(SimBankConfig::default(), 1_000, None).await;
    bank.open_account("E1", "Euro shop", Money::new(0, cur("EUR")), None)
        .await
        .unwrap();
    let eur = Money::new(100, cur("EUR"));
    assert_eq!(
        bank.transfer(pay("C1", "M1", eur)).await.unwrap(),
        declined(DeclineReason::CurrencyMismatch)
    );
    assert_eq!(
        bank.transfer(pay("C1", "E1", gbp(100))).await.unwrap(),
        declined(DeclineReason::CurrencyMismatch)
    );
    assert_eq!(
        bank.transfer(pay("C1", "E1", eur)).await.unwrap(),
        declined(DeclineReason::CurrencyMismatch)
    );
    assert_eq!(balances(&bank).await, (1_000, 0));
}

#[tokio::test]
async fn unknown_and_closed_accounts_are_declined() {
    let bank = bank_with(SimBankConfig::default(), 1_000, None).await;
    assert_eq!(
        bank.transfer(pay("C1", "NOPE", gbp(1))).await.unwrap(),
        declined(DeclineReason::UnknownAccount)
    );
    assert_eq!(
        bank.transfer(pay("NOPE", "M1", gbp(1))).await.unwrap(),
        declined(DeclineReason::UnknownAccount)
    );
    assert!(bank.close_account("M1").await.unwrap());
    assert!(!bank.close_account("NOPE").await.unwrap());
    assert_eq!(
        bank.transfer(pay("C1", "M1", gbp(1))).await.unwrap(),
        declined(DeclineReason::AccountClosed)
    );
    assert_eq!(balances(&bank).await, (1_000, 0));
    assert_eq!(bank.balance("NOPE").await.unwrap(), None);
}

#[tokio::test]
async fn daily_limit_counts_approved_debits_of_the_last_24_hours() {
    const HOUR: i64 = 3_600_000;
    let bank = bank_with(SimBankConfig::default(), 100_000, Some(1_000)).await;
    let t0 = 1_700_000_000_000;
    let at = |minor, now| bank.transfer_at(pay("C1", "M1", gbp(minor)), now);
    assert!(at(600, t0).await.unwrap().is_approved());
    assert_eq!(
        at(500, t0 + HOUR).await.unwrap(),
        declined(DeclineReason::LimitExceeded)
    );
    assert!(
        at(400, t0 + 2 * HOUR).await.unwrap().is_approved(),
        "exactly at the limit"
    );
    assert_eq!(
        at(1, t0 + 3 * HOUR).await.unwrap(),
        declined(DeclineReason::LimitExceeded)
    );
    // The first 600 leaves the window; the declined attempts never counted.
    assert!(at(600, t0 + 24 * HOUR + 1).await.unwrap().is_approved());
    assert_eq!(balances(&bank).await, (100_000 - 1_600, 1_600));
}

#[tokio::test]
async fn non_positive_amounts_and_self_transfers_are_refused() {
    let bank = bank_with(SimBankConfig::default(), 1_000, None).await;
    for bad in [
        pay("C1", "M1", gbp(0)),
        pay("C1", "M1", gbp(-5)),
        pay("C1", "C1", gbp(5)),
    ] {
        assert!(matches!(
            bank.transfer(bad).await,
            Err(BankError::Internal(_))
        ));
    }
    assert_eq!(balances(&bank).await, (1_000, 0));
}

#[test]
fn decline_reasons_round_trip_through_their_names() {
    for reason in DeclineReason::ALL {
        assert_eq!(reason.as_str().parse::<DeclineReason>(), Ok(reason));
    }
    assert!("approved".parse::<DeclineReason>().is_err());
}
