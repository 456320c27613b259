//! Group commit: concurrent writes share an fsync, a refused write fails
//! alone, the applier folds writes into few transactions, and the
//! throughput figure (printed, not asserted).

use std::sync::mpsc;
use std::time::Instant;

use futures::future::join_all;
use futures::poll;

use super::{message, messages, open};
use crate::message::MessageState;
use crate::store::{Backend, Store, StoreError, SyncMode};

/// Holds the syncer's lock on a blocking thread until the returned sender
/// is used, so the test can queue writes behind a sync in progress.
async fn hold_syncer(store: &Store) -> (mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
    let (started_tx, started) = mpsc::channel();
    let (release, held) = mpsc::channel::<()>();
    let store = store.clone();
    let holder = tokio::task::spawn_blocking(move || {
        let Backend::Sqlite(sqlite) = &store.backend else {
            panic!("group commit exists only in the SQLite backend");
        };
        let syncer = sqlite.front.syncer().expect("Full mode syncs");
        let _guard = syncer.lock();
        started_tx.send(()).expect("test waits for the start");
        held.recv().expect("test releases the syncer");
    });
    tokio::task::spawn_blocking(move || started.recv().expect("holder runs"))
        .await
        .expect("wait for the holder");
    (release, holder)
}

#[tokio::test]
async fn writes_waiting_for_one_fsync_share_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_dir(dir.path(), SyncMode::Full).expect("open");
    store
        .insert(messages("warm", 1, "1"))
        .await
        .expect("insert");
    let (release, holder) = hold_syncer(&store).await;
    let (commits, syncs) = (store.commits(), store.syncs());
    let mut calls: Vec<_> = (0..100)
        .map(|c| Box::pin(store.insert(messages(&format!("g{c}"), 10, "1"))))
        .collect();
    for call in &mut calls {
        assert!(poll!(call).is_pending(), "journaled, waiting for the fsync");
    }
    assert_eq!(store.commits() - commits, 100, "each call wrote its record");
    release.send(()).expect("syncer is held");
    holder.await.expect("holder");
    for result in join_all(calls).await {
        result.expect("insert");
    }
    assert_eq!(
        store.syncs() - syncs,
        1,
        "the 100 calls queued behind one fsync share the next"
    );
    let counts = store.counts_by_state().await.expect("counts");
    assert_eq!(counts.get(&MessageState::Enroute), Some(&1001));
}

#[tokio::test]
async fn a_refused_write_does_not_fail_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    store.insert(messages("old", 1, "1")).await.expect("insert");
    let (first, dup, last) = tokio::join!(
        store.insert(messages("new1", 1, "1")),
        store.insert(messages("old", 1, "1")),
        store.cancel("old-0", 5),
    );
    first.expect("first insert commits");
    assert!(matches!(dup, Err(StoreError::DuplicateId(id)) if id == "old-0"));
    last.expect("cancel commits");
    assert!(store.get("new1-0").await.expect("get").is_some());
    let old = store.get("old-0").await.expect("get").expect("present");
    assert_eq!(old.state, MessageState::Deleted);
}

/// 100 callers each submit 1000 messages one call at a time, as 100 SMPP
/// sessions with window 1 would. Prints the figure; run with
/// `cargo test --release -p smsc-sim group_commit -- --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_thousand_inserts_from_a_hundred_callers() {
    for (name, store, _dir) in backends() {
        // Ids as a session hands them out (a shared counter, in arrival
        // order) and destinations spread over many numbers, as in real traffic.
        let batches: Vec<Vec<_>> = (0..100u64)
            .map(|c| {
                (0..1000u64)
                    .map(|i| {
                        let id = 1 + i * 100 + c;
                        let dest = format!("4790{:06}", id * 7919 % 20_011);
                        message(&id.to_string(), "gateway", &dest, (i % 200) as u8)
                    })
                    .collect()
            })
            .collect();
        let applied = store.applied_transactions();
        let start = Instant::now();
        let callers: Vec<_> = batches
            .into_iter()
            .map(|batch| {
                let store = store.clone();
                tokio::spawn(async move {
                    for m in batch {
                        store.insert(vec![m]).await.expect("insert");
                    }
                })
            })
            .collect();
        for caller in callers {
            caller.await.expect("caller task");
        }
        let elapsed = start.elapsed();
        println!(
            "store {name}: 100 000 single-message inserts from 100 callers in {elapsed:?} \
             ({:.0} msg/s)",
            100_000.0 / elapsed.as_secs_f64()
        );
        let counts = store.counts_by_state().await.expect("counts");
        assert_eq!(counts.get(&MessageState::Enroute), Some(&100_000));
        let last = store.get("100000").await.expect("get").expect("present");
        assert_eq!(
            last.dest.addr,
            format!("4790{:06}", 100_000 * 7919 % 20_011)
        );
        if store.is_durable() {
            let applied = store.applied_transactions() - applied;
            println!("store {name}: {applied} SQLite transactions");
            assert!(applied < 1000, "the applier folds writes together");
        }
        store.close().await.expect("close");
    }
}

fn backends() -> Vec<(&'static str, Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = open(&dir);
    vec![
        ("sqlite", sqlite, Some(dir)),
        ("memory", Store::memory(), None),
    ]
}
