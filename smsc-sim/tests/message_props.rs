//! Property tests of the SMSC message store as a state machine: random
//! sequences of insert, update, finish (with receipts), cancel, replace,
//! ack_receipt and id reservations on a few messages, run at once on the
//! memory backend, on the SQLite backend (closed and reopened at random
//! points) and on a small model in `message_props/model.rs`.
//!
//! After every step both backends must give the model's answer to the step
//! and to every read (each message, counts by state, unfinished messages,
//! each account's pending receipts), and the receipts must obey the rule
//! that a final receipt carries the message's final state while an
//! intermediate one carries a state that is not final.

mod message_props {
    pub mod model;
    pub mod ops;
}

use message_props::model::{Model, Outcome};
use message_props::ops::{ACCOUNTS, IDS, Op, message, ops};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use smsc_sim::message::MessageState;
use smsc_sim::store::{PendingReceipt, Store, SyncMode};

/// Runs one step on a store and reduces the answer to an [`Outcome`].
async fn apply(store: &Store, op: &Op, now: i64) -> Outcome {
    match op {
        Op::Insert(batch) => {
            let msgs = batch.iter().map(|&i| message(i, now)).collect();
            Outcome::from_unit(store.insert(msgs).await)
        }
        Op::Update { msg, update } => Outcome::from_unit(store.update(IDS[*msg], *update).await),
        Op::Finish {
            msg,
            update,
            receipt,
        } => {
            let r = receipt.then(|| Model::receipt_for(*msg, update, now));
            match store.finish(IDS[*msg], *update, r).await {
                Ok(id) => Outcome::Receipt(id),
                Err(e) => Outcome::from_err(e),
            }
        }
        Op::Cancel { msg } => Outcome::from_unit(store.cancel(IDS[*msg], now).await),
        Op::Replace { msg, replacement } => {
            Outcome::from_unit(store.replace(IDS[*msg], replacement.clone()).await)
        }
        Op::Ack(_) => unreachable!("acks are resolved to receipt ids first"),
        Op::IdBlock(n) => match store.next_id_block(*n).await {
            Ok(first) => Outcome::Block(first),
            Err(e) => Outcome::from_err(e),
        },
        Op::Reopen => Outcome::Unit,
    }
}

async fn ack(store: &Store, receipt_id: i64) -> Outcome {
    Outcome::from_unit(store.ack_receipt(receipt_id).await)
}

/// Everything observable, read back from a store, to compare with the model.
#[derive(Debug, PartialEq)]
struct View {
    messages: Vec<Option<smsc_sim::message::Message>>,
    counts: Vec<(MessageState, u64)>,
    unfinished: Vec<String>,
    receipts: Vec<Vec<PendingReceipt>>,
}

async fn view(store: &Store) -> View {
    let mut messages = Vec::new();
    for id in IDS {
        messages.push(store.get(id).await.expect("get"));
    }
    let counts = store.counts_by_state().await.expect("counts");
    let unfinished = store.unfinished().await.expect("unfinished");
    let mut receipts = Vec::new();
    for account in ACCOUNTS {
        receipts.push(
            store
                .pending_receipts(account, 100)
                .await
                .expect("pending receipts"),
        );
    }
    View {
        messages,
        counts: counts.into_iter().collect(),
        unfinished: unfinished.into_iter().map(|m| m.id).collect(),
        receipts,
    }
}

fn model_view(m: &Model) -> View {
    View {
        messages: IDS.iter().map(|id| m.get(id)).collect(),
        counts: m.counts(),
        unfinished: m.unfinished(),
        receipts: ACCOUNTS.iter().map(|a| m.pending(a)).collect(),
    }
}

/// A final receipt carries the final state its message is in for good; an
/// intermediate one a state that is not final.
fn check_receipt_rule(v: &View) -> Result<(), TestCaseError> {
    for r in v.receipts.iter().flatten() {
        let i = IDS
            .iter()
            .position(|id| *id == r.message_id)
            .expect("receipts name known messages");
        let current = v.messages[i].as_ref().map(|m| m.state);
        if r.intermediate {
            prop_assert!(!r.state.is_final(), "intermediate receipt {r:?}");
        } else {
            prop_assert!(
                r.state.is_final(),
                "final receipt of a non-final state {r:?}"
            );
            prop_assert_eq!(current, Some(r.state), "the message left its final state");
        }
    }
    Ok(())
}

async fn run_case(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let open = || Store::open_dir(dir.path(), SyncMode::Normal).expect("open store");
    let memory = Store::memory();
    let mut sqlite = open();
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let now = 1_700_000_000_000 + step as i64 * 1000;
        let (want, got_mem, got_sql) = match op {
            Op::Reopen => {
                sqlite.close().await.expect("close");
                sqlite = open();
                (Outcome::Unit, Outcome::Unit, Outcome::Unit)
            }
            Op::Ack(target) => {
                let id = model.resolve_ack(*target);
                (
                    model.ack(id),
                    ack(&memory, id).await,
                    ack(&sqlite, id).await,
                )
            }
            _ => {
                let want = model.apply(op, now);
                (
                    want,
                    apply(&memory, op, now).await,
                    apply(&sqlite, op, now).await,
                )
            }
        };
        prop_assert_eq!(&got_mem, &want, "memory answer to step {} {:?}", step, op);
        prop_assert_eq!(&got_sql, &want, "sqlite answer to step {} {:?}", step, op);
        let expected = model_view(&model);
        let (vm, vs) = (view(&memory).await, view(&sqlite).await);
        prop_assert_eq!(&vm, &expected, "memory state after step {} {:?}", step, op);
        prop_assert_eq!(&vs, &expected, "sqlite state after step {} {:?}", step, op);
        check_receipt_rule(&vs)?;
    }
    // Whatever the sequence, a restart shows the same store.
    sqlite.close().await.expect("close");
    let reopened = open();
    prop_assert_eq!(view(&reopened).await, model_view(&model), "after reopen");
    let next = reopened.next_id_block(1).await.expect("id block");
    prop_assert_eq!(next, model.next_id(), "id reservations survive a restart");
    reopened.close().await.expect("close");
    Ok(())
}

#[test]
fn both_backends_follow_the_message_state_machine() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&ops(), |ops| rt.block_on(run_case(ops)));
    if let Err(e) = result {
        panic!("{e}");
    }
}
