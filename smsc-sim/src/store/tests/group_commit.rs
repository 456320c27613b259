//! Group commit: concurrent writes share transactions, a bad job fails
//! alone, and the throughput figure (printed, not asserted).

use std::sync::mpsc;
use std::time::Instant;

use futures::future::join_all;
use futures::poll;

use super::{message, messages, open};
use crate::message::MessageState;
use crate::store::{Backend, Store, StoreError};

/// Parks the writer thread inside a job until the returned sender is used,
/// so the test can queue work behind it and know exactly what one batch holds.
async fn park_writer(store: &Store) -> (mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
    let (started_tx, started) = mpsc::channel();
    let (release, parked) = mpsc::channel::<()>();
    let store = store.clone();
    let job = tokio::spawn(async move {
        let Backend::Sqlite(sqlite) = &store.backend else {
            panic!("group commit exists only in the SQLite backend");
        };
        let park = move |_: &rusqlite::Transaction<'_>| {
            started_tx.send(()).expect("test waits for the start");
            parked.recv().expect("test releases the writer");
            Ok(())
        };
        sqlite
            .writer
            .call(0, park)
            .await
            .expect("parking job commits");
    });
    tokio::task::spawn_blocking(move || started.recv().expect("writer runs the parking job"))
        .await
        .expect("wait for the writer");
    (release, job)
}

#[tokio::test]
async fn queued_inserts_share_one_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let (release, parked) = park_writer(&store).await;
    let before = store.commits();
    let mut calls: Vec<_> = (0..100)
        .map(|c| Box::pin(store.insert(messages(&format!("g{c}"), 10, "1"))))
        .collect();
    for call in &mut calls {
        assert!(poll!(call).is_pending(), "queued behind the parked writer");
    }
    release.send(()).expect("writer is parked");
    parked.await.expect("parking job");
    for result in join_all(calls).await {
        result.expect("insert");
    }
    assert_eq!(
        store.commits() - before,
        2,
        "the parking job, then one batch of 100 calls"
    );
    let counts = store.counts_by_state().await.expect("counts");
    assert_eq!(counts.get(&MessageState::Enroute), Some(&1000));
}

#[tokio::test]
async fn a_failing_job_does_not_fail_its_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    store.insert(messages("old", 1, "1")).await.expect("insert");
    let (release, parked) = park_writer(&store).await;
    let mut first = Box::pin(store.insert(messages("new1", 1, "1")));
    let mut dup = Box::pin(store.insert(messages("old", 1, "1")));
    let mut last = Box::pin(store.cancel("old-0", 5));
    assert!(
        poll!(&mut first).is_pending()
            && poll!(&mut dup).is_pending()
            && poll!(&mut last).is_pending()
    );
    release.send(()).expect("writer is parked");
    parked.await.expect("parking job");
    first.await.expect("first insert commits");
    assert!(matches!(dup.await, Err(StoreError::DuplicateId(id)) if id == "old-0"));
    last.await.expect("cancel commits");
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
        let commits = store.commits();
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
        let commits = store.commits() - commits;
        println!(
            "store {name}: 100 000 single-message inserts from 100 callers in {elapsed:?} \
             ({:.0} msg/s, {commits} commits)",
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
            assert!(commits < 100_000, "group commit batched concurrent calls");
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
