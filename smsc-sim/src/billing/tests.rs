//! The books without HTTP: limits, prepaid balance, PIN lockout, the
//! charge state machine, idempotent references and month rollover under a
//! clock the test moves.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use super::*;
use crate::config::billing::{BillingAccountConfig, BillingPartner, PlanKind};

/// 2026-01-31T23:00:00Z.
const JAN_31: i64 = 1_769_900_400_000;
const HOUR: i64 = 3_600_000;

fn config() -> BillingConfig {
    BillingConfig {
        partners: vec![BillingPartner {
            id: "gateway".into(),
            token: "gateway-token-0123456789".into(),
        }],
        accounts: vec![
            BillingAccountConfig {
                msisdn: "+447700900101".into(),
                plan: PlanKind::Postpaid,
                currency: "GBP".into(),
                credit_limit: 5_000,
                balance: 0,
                pin: "1234".into(),
            },
            BillingAccountConfig {
                msisdn: "447700900102".into(),
                plan: PlanKind::Prepaid,
                currency: "GBP".into(),
                credit_limit: 0,
                balance: 1_000,
                pin: "5678".into(),
            },
        ],
        ..BillingConfig::default()
    }
}

fn books(dir: Option<&Path>) -> (Billing, Arc<AtomicI64>) {
    let clock = Arc::new(AtomicI64::new(JAN_31));
    let c = Arc::clone(&clock);
    let billing = Billing::open(&config(), dir, Arc::new(move || c.load(Ordering::SeqCst)))
        .expect("books open");
    (billing, clock)
}

fn req(msisdn: &str, pin: &str, amount: i64, reference: &str) -> AuthorizeRequest {
    AuthorizeRequest {
        msisdn: msisdn.into(),
        pin: pin.into(),
        amount,
        currency: "GBP".into(),
        merchant: "Demo Shop".into(),
        reference: reference.into(),
    }
}

fn approved(d: Decision) -> Charge {
    match d {
        Decision::Approved { charge, .. } => charge,
        other => panic!("expected approval, got {other:?}"),
    }
}

#[test]
fn postpaid_limit_counts_the_month_and_rolls_over() {
    let (b, clock) = books(None);
    let first = approved(
        b.authorize("gateway", &req("447700900101", "1234", 3_000, "r1"), false)
            .unwrap(),
    );
    b.capture("gateway", &first.id).unwrap();
    let over = b
        .authorize("gateway", &req("447700900101", "1234", 2_001, "r2"), false)
        .unwrap();
    assert_eq!(over, Decision::Declined(DeclineReason::OverCreditLimit));
    approved(
        b.authorize("gateway", &req("447700900101", "1234", 2_000, "r3"), false)
            .unwrap(),
    );
    // An hour later it is February: the limit is whole again.
    clock.fetch_add(HOUR, Ordering::SeqCst);
    approved(
        b.authorize("gateway", &req("447700900101", "1234", 5_000, "r4"), false)
            .unwrap(),
    );
    let jan = b
        .statement("+447700900101", "2026-01".parse().unwrap())
        .expect("known");
    assert_eq!(jan.charges.len(), 2);
    assert_eq!(jan.total_billed, 3_000);
    assert_eq!(jan.total_pending, 2_000);
    assert_eq!(jan.credit_remaining, Some(0));
    let feb = b
        .statement("447700900101", "2026-02".parse().unwrap())
        .expect("known");
    assert_eq!((feb.charges.len(), feb.total_pending), (1, 5_000));
}

#[test]
fn prepaid_balance_is_held_released_and_refunded() {
    let (b, _) = books(None);
    let c = approved(
        b.authorize("gateway", &req("447700900102", "5678", 600, "p1"), false)
            .unwrap(),
    );
    let short = b
        .authorize("gateway", &req("447700900102", "5678", 401, "p2"), false)
        .unwrap();
    assert_eq!(
        short,
        Decision::Declined(DeclineReason::InsufficientBalance)
    );
    b.void("gateway", &c.id).unwrap();
    // The voided reference may be used again, for a new charge.
    let again = approved(
        b.authorize("gateway", &req("447700900102", "5678", 100, "p1"), false)
            .unwrap(),
    );
    assert_ne!(again.id, c.id);
    b.void("gateway", &again.id).unwrap();
    let c = approved(
        b.authorize("gateway", &req("447700900102", "5678", 1_000, "p3"), false)
            .unwrap(),
    );
    b.capture("gateway", &c.id).unwrap();
    assert_eq!(b.accounts()[1].available, 0);
    let part = b.refund("gateway", &c.id, Some(300)).unwrap();
    assert_eq!((part.state, part.refunded), (ChargeState::Captured, 300));
    assert_eq!(b.accounts()[1].available, 300);
    let rest = b.refund("gateway", &c.id, None).unwrap();
    assert_eq!(rest.state, ChargeState::Refunded);
    assert_eq!(b.accounts()[1].available, 1_000);
}

#[test]
fn three_wrong_pins_lock_and_a_right_one_resets_the_count() {
    let (b, _) = books(None);
    let wrong = |r: &str| {
        b.authorize("gateway", &req("447700900101", "0000", 100, r), false)
            .unwrap()
    };
    assert_eq!(
        wrong("a"),
        Decision::Declined(DeclineReason::WrongPin { attempts_left: 2 })
    );
    approved(
        b.authorize("gateway", &req("447700900101", "1234", 100, "b"), false)
            .unwrap(),
    );
    assert_eq!(
        wrong("c"),
        Decision::Declined(DeclineReason::WrongPin { attempts_left: 2 })
    );
    assert_eq!(
        wrong("d"),
        Decision::Declined(DeclineReason::WrongPin { attempts_left: 1 })
    );
    assert_eq!(wrong("e"), Decision::Declined(DeclineReason::Locked));
    let right = b
        .authorize("gateway", &req("447700900101", "1234", 100, "f"), false)
        .unwrap();
    assert_eq!(
        right,
        Decision::Declined(DeclineReason::Locked),
        "locked even with the PIN"
    );
    assert!(b.unlock("+447700900101").unwrap());
    approved(
        b.authorize("gateway", &req("447700900101", "1234", 100, "g"), false)
            .unwrap(),
    );
}

#[test]
fn unknown_barred_and_bad_input() {
    let (b, _) = books(None);
    let unknown = b
        .authorize("gateway", &req("447700900999", "1234", 100, "u"), false)
        .unwrap();
    assert_eq!(
        unknown,
        Decision::Declined(DeclineReason::UnknownSubscriber)
    );
    let barred = b
        .authorize("gateway", &req("447700900101", "1234", 100, "b"), true)
        .unwrap();
    assert_eq!(barred, Decision::Declined(DeclineReason::Barred));
    let mut eur = req("447700900101", "1234", 100, "e");
    eur.currency = "EUR".into();
    assert!(matches!(
        b.authorize("gateway", &eur, false),
        Err(BillingError::Invalid(_))
    ));
    assert!(matches!(
        b.authorize("gateway", &req("447700900101", "1234", 0, "z"), false),
        Err(BillingError::Invalid(_))
    ));
}

#[test]
fn state_machine_conflicts_and_idempotent_references() {
    let (b, _) = books(None);
    let c = approved(
        b.authorize("gateway", &req("447700900101", "1234", 700, "ref"), false)
            .unwrap(),
    );
    match b
        .authorize("gateway", &req("447700900101", "1234", 700, "ref"), false)
        .unwrap()
    {
        Decision::Approved { charge, replayed } => assert!(replayed && charge.id == c.id),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        b.authorize("gateway", &req("447700900101", "1234", 701, "ref"), false),
        Err(BillingError::Conflict(_))
    ));
    assert!(matches!(
        b.refund("gateway", &c.id, None),
        Err(BillingError::Conflict(_))
    ));
    assert!(matches!(
        b.capture("other", &c.id),
        Err(BillingError::NoSuchCharge(_))
    ));
    b.capture("gateway", &c.id).unwrap();
    b.capture("gateway", &c.id)
        .expect("capturing twice is fine");
    assert!(matches!(
        b.void("gateway", &c.id),
        Err(BillingError::Conflict(_))
    ));
    assert!(matches!(
        b.refund("gateway", &c.id, Some(701)),
        Err(BillingError::Invalid(_))
    ));
    assert_eq!(
        b.statement("447700900101", Month::of(JAN_31))
            .unwrap()
            .total_billed,
        700
    );
}

#[test]
fn a_reopened_data_dir_keeps_charges_balances_and_locks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = {
        let (b, _) = books(Some(dir.path()));
        let c = approved(
            b.authorize("gateway", &req("447700900102", "5678", 250, "k"), false)
                .unwrap(),
        );
        b.capture("gateway", &c.id).unwrap();
        for r in ["x", "y", "z"] {
            b.authorize("gateway", &req("447700900101", "9", 1, r), false)
                .unwrap();
        }
        c.id
    };
    let (b, _) = books(Some(dir.path()));
    let s = b.statement("447700900102", Month::of(JAN_31)).unwrap();
    assert_eq!(
        (s.charges[0].charge_id.as_str(), s.total_billed),
        (id.as_str(), 250)
    );
    assert_eq!(s.account.available, 750);
    assert!(b.accounts()[0].locked);
}

#[test]
fn partners_are_found_by_token_only() {
    let (b, _) = books(None);
    assert_eq!(b.partner("gateway-token-0123456789"), Some("gateway"));
    assert_eq!(b.partner("gateway-token-012345678"), None);
    assert_eq!(b.partner(""), None);
}
