//! The journal in front of SQLite: records round-trip and damage is
//! detected, and what a kill leaves unapplied (including a torn last write)
//! is replayed exactly once at the next open.

use super::{delivered, message, messages, open, receipt};
use crate::message::MessageState;
use crate::store::journal::{Op, Segment, decode, encode};
use crate::store::{Backend, Replacement, Store, StoreError, SyncMode};

fn every_op() -> Vec<Op> {
    let mut r = receipt("gateway", "m-1", MessageState::Delivered);
    r.receipt_id = 42;
    vec![
        Op::Insert(messages("m", 4, "4790")),
        Op::Update {
            id: "m-1".into(),
            update: delivered(9),
            receipt: Some(r.clone()),
        },
        Op::Update {
            id: "m-2".into(),
            update: delivered(10),
            receipt: None,
        },
        Op::Replace {
            id: "m-3".into(),
            replacement: Replacement {
                payload: vec![0, 1, 2],
                data_coding: Some(8),
                deliver_at: None,
                expires_at: Some(77),
                registered_delivery: 0,
            },
        },
        Op::Cancel {
            id: "m-0".into(),
            done_at: 11,
        },
        Op::Receipt(r),
        Op::Ack(42),
        Op::IdBlock {
            first: 1000,
            n: 100,
        },
    ]
}

#[test]
fn every_op_round_trips_and_damage_is_detected() {
    for (seq, op) in (1..).zip(every_op()) {
        let mut buf = Vec::new();
        encode(&mut buf, seq, &op);
        assert_eq!(decode(&buf), Some((seq, op.clone(), buf.len())));
        for cut in 0..buf.len() {
            assert_eq!(decode(&buf[..cut]), None, "{op:?} cut at {cut}");
        }
        for at in [4, 8, buf.len() - 1] {
            let mut bad = buf.clone();
            bad[at] ^= 0x40;
            assert_eq!(decode(&bad), None, "{op:?} with byte {at} flipped");
        }
    }
}

/// Stops the applier as a kill would: later writes reach only the journal.
fn halt_applier(store: &Store) {
    let Backend::Sqlite(sqlite) = &store.backend else {
        panic!("the journal exists only in the SQLite backend");
    };
    sqlite.front.queue().halt();
}

#[tokio::test]
async fn writes_acknowledged_but_not_applied_survive_a_kill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    store.insert(messages("old", 2, "1")).await.expect("insert");
    let old_receipt = store
        .enqueue_receipt(receipt("gateway", "old-0", MessageState::Enroute))
        .await
        .expect("receipt");
    store.get("old-0").await.expect("applied before the kill");
    halt_applier(&store);

    store.insert(messages("new", 3, "2")).await.expect("insert");
    let kept = store
        .finish(
            "new-0",
            delivered(5),
            Some(receipt("gateway", "new-0", MessageState::Delivered)),
        )
        .await
        .expect("finish")
        .expect("receipt id");
    let gone = store
        .finish(
            "new-1",
            delivered(6),
            Some(receipt("gateway", "new-1", MessageState::Delivered)),
        )
        .await
        .expect("finish")
        .expect("receipt id");
    store
        .ack_receipt(gone)
        .await
        .expect("ack in the same batch");
    store
        .ack_receipt(old_receipt)
        .await
        .expect("ack of an applied one");
    store
        .cancel("old-1", 8)
        .await
        .expect("cancel an applied message");
    let block = store.next_id_block(50).await.expect("ids");
    assert!(matches!(
        store.get("new-0").await,
        Err(StoreError::WriterGone)
    ));

    // The killed process's files as they are; its threads end with the handle.
    let after = open(&dir);
    drop(store);
    let new0 = after.get("new-0").await.expect("get").expect("replayed");
    assert_eq!(
        (new0.state, new0.done_at),
        (MessageState::Delivered, Some(5))
    );
    let old1 = after.get("old-1").await.expect("get").expect("present");
    assert_eq!(old1.state, MessageState::Deleted);
    let open_ids: Vec<_> = after.unfinished().await.expect("unfinished");
    let open_ids: Vec<_> = open_ids.into_iter().map(|m| m.id).collect();
    assert_eq!(open_ids, ["old-0", "new-2"]);
    let pending = after
        .pending_receipts("gateway", 10)
        .await
        .expect("pending");
    assert_eq!(
        pending.iter().map(|r| r.receipt_id).collect::<Vec<_>>(),
        [kept]
    );
    let fresh = after
        .enqueue_receipt(receipt("gateway", "new-2", MessageState::Enroute))
        .await
        .expect("receipt");
    assert!(fresh > gone, "an acknowledged receipt id is never reused");
    assert!(after.next_id_block(1).await.expect("ids") >= block + 50);
    after.close().await.expect("close");
}

#[tokio::test]
async fn a_torn_last_record_is_dropped_and_applied_ones_are_not_replayed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    store.insert(messages("a", 1, "1")).await.expect("insert");
    store.close().await.expect("close");
    // A leftover segment: seq 1 was applied above (replaying it would
    // duplicate a-0), seq 2 is new, seq 3 was cut short by the kill.
    let mut segment = Segment::create(dir.path(), 1, SyncMode::Normal).expect("segment");
    let mut records = Vec::new();
    encode(&mut records, 1, &Op::Insert(messages("a", 1, "1")));
    encode(
        &mut records,
        2,
        &Op::Insert(vec![message("b", "gateway", "2", 1)]),
    );
    let whole = records.len();
    encode(
        &mut records,
        3,
        &Op::Insert(vec![message("c", "gateway", "3", 2)]),
    );
    segment.append(&records[..whole + 20]).expect("append");
    let path = segment.path().to_path_buf();
    drop(segment);

    let store = open(&dir);
    assert!(!path.exists(), "replayed segments are removed");
    assert!(store.get("b").await.expect("get").is_some());
    assert!(store.get("c").await.expect("get").is_none());
    let counts = store.counts_by_state().await.expect("counts");
    assert_eq!(counts.get(&MessageState::Enroute), Some(&2));
    // Sequence numbers go on after the replayed ones.
    store
        .insert(vec![message("c", "gateway", "3", 2)])
        .await
        .expect("insert");
    store.close().await.expect("close");
    let store = open(&dir);
    assert!(store.get("c").await.expect("get").is_some());
    store.close().await.expect("close");
    let mut leftover = std::fs::read_dir(dir.path()).expect("dir").filter_map(|e| {
        let name = e.ok()?.file_name().into_string().ok()?;
        name.starts_with("journal-").then_some(name)
    });
    assert_eq!(leftover.next(), None, "a clean close leaves no journal");
}
