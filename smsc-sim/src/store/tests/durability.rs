//! What only the SQLite backend promises: a restart on the same directory
//! loses nothing that was acknowledged.

use super::{delivered, message, messages, open, receipt};
use crate::message::MessageState;
use crate::store::sql_write::not_final;
use crate::store::{DB_FILE, Store, StoreError, SyncMode};

#[tokio::test]
async fn reopen_finds_messages_receipts_and_id_counter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    let batch: Vec<_> = (0..4)
        .map(|n| message(&format!("p{n}"), "gateway", "47", n))
        .collect();
    store.insert(batch.clone()).await.expect("insert");
    store
        .insert(messages("bulk", 500, "48"))
        .await
        .expect("insert");
    let r = receipt("gateway", "p0", MessageState::Delivered);
    let receipt_id = store
        .finish("p0", delivered(7), Some(r.clone()))
        .await
        .expect("finish");
    store.cancel("p1", 8).await.expect("cancel");
    let block = store.next_id_block(100).await.expect("block");
    let before: Vec<_> = {
        let mut all = Vec::new();
        for m in &batch {
            all.push(store.get(&m.id).await.expect("get").expect("present"));
        }
        all
    };
    store.close().await.expect("close");

    let store = open(&dir);
    for m in &before {
        assert_eq!(store.get(&m.id).await.expect("get").as_ref(), Some(m));
    }
    let open_ids: Vec<_> = store
        .unfinished()
        .await
        .expect("unfinished")
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(open_ids.len(), 2 + 500);
    assert_eq!(&open_ids[..3], ["p2", "p3", "bulk-0"]);
    let mut expected = r;
    expected.receipt_id = receipt_id.expect("queued");
    assert_eq!(
        store
            .pending_receipts("gateway", 10)
            .await
            .expect("pending"),
        [expected.clone()]
    );
    assert!(
        store.next_id_block(1).await.expect("block") >= block + 100,
        "no id handed out twice"
    );
    store
        .ack_receipt(expected.receipt_id)
        .await
        .expect("ack after reopen");
}

#[tokio::test]
async fn dropping_the_last_handle_commits_and_releases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_dir(dir.path(), SyncMode::Full).expect("open");
    let clone = store.clone();
    store.insert(messages("d", 10, "1")).await.expect("insert");
    drop(store);
    clone
        .enqueue_receipt(receipt("tester", "d-3", MessageState::Expired))
        .await
        .expect("clone still works");
    drop(clone);
    assert!(dir.path().join(DB_FILE).exists());

    let store = open(&dir);
    assert_eq!(
        store
            .counts_by_state()
            .await
            .expect("counts")
            .get(&MessageState::Enroute),
        Some(&10)
    );
    assert_eq!(
        store
            .pending_receipts("tester", 5)
            .await
            .expect("pending")
            .len(),
        1
    );
}

#[tokio::test]
async fn updates_after_reopen_keep_their_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir);
    store.insert(messages("q", 2, "1")).await.expect("insert");
    store.update("q-0", delivered(1)).await.expect("deliver");
    drop(store);
    let store = open(&dir);
    assert!(matches!(
        store.cancel("q-0", 2).await,
        Err(StoreError::Final { .. })
    ));
    store.cancel("q-1", 2).await.expect("cancel the open one");
    assert!(store.unfinished().await.expect("unfinished").is_empty());
    assert!(matches!(
        store.insert(messages("q", 1, "1")).await,
        Err(StoreError::DuplicateId(_))
    ));
}

#[test]
fn not_final_sql_matches_message_state() {
    let conn = rusqlite::Connection::open_in_memory().expect("sqlite");
    let sql = concat!("SELECT ", not_final!(), " FROM (SELECT ?1 AS state)");
    for code in 0..=u8::MAX {
        if let Some(state) = MessageState::from_u8(code) {
            let listed: bool = conn
                .query_row(sql, [code], |row| row.get(0))
                .expect("predicate evaluates");
            assert_eq!(listed, !state.is_final(), "{state:?}");
        }
    }
}

#[test]
fn open_dir_reports_an_unusable_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    assert!(matches!(
        Store::open_dir(&file, SyncMode::Normal),
        Err(StoreError::Io { .. })
    ));
}
