//! Message operations, run on both backends.

use super::{both_backends, delivered, message, messages};
use crate::message::MessageState;
use crate::store::{MessageUpdate, Replacement, Store, StoreError};

both_backends!(
    insert_then_get_returns_every_field,
    insert_is_all_or_nothing_on_duplicate_id,
    update_writes_the_attempt_and_final_states_are_final,
    replace_changes_given_fields_and_keeps_the_rest,
    cancel_moves_to_deleted_once,
    concurrent_inserters_all_land,
    id_blocks_never_overlap,
    closed_store_refuses_work,
);

async fn insert_then_get_returns_every_field(store: Store) {
    let batch: Vec<_> = (0..6)
        .map(|n| message(&format!("m{n}"), "gateway", "4790000001", n))
        .collect();
    store.insert(batch.clone()).await.expect("insert");
    for m in &batch {
        assert_eq!(store.get(&m.id).await.expect("get").as_ref(), Some(m));
    }
    assert_eq!(store.get("absent").await.expect("get"), None);
}

async fn insert_is_all_or_nothing_on_duplicate_id(store: Store) {
    store
        .insert(messages("a", 2, "1"))
        .await
        .expect("first insert");
    let mut again = messages("c", 1, "1");
    again.extend(messages("a", 1, "1"));
    match store.insert(again).await {
        Err(StoreError::DuplicateId(id)) => assert_eq!(id, "a-0"),
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    assert_eq!(store.get("c-0").await.expect("get"), None, "rolled back");
    let twice = [messages("d", 1, "1"), messages("d", 1, "1")].concat();
    assert!(matches!(
        store.insert(twice).await,
        Err(StoreError::DuplicateId(_))
    ));
    assert_eq!(store.get("d-0").await.expect("get"), None);
    store
        .insert(messages("c", 1, "1"))
        .await
        .expect("the id is free again");
}

async fn update_writes_the_attempt_and_final_states_are_final(store: Store) {
    store.insert(messages("u", 1, "1")).await.expect("insert");
    let retry = MessageUpdate {
        state: MessageState::Enroute,
        done_at: None,
        error_code: 27,
        attempts: 1,
        deliver_at: Some(1_700_000_090_000),
    };
    store.update("u-0", retry).await.expect("retry update");
    let m = store.get("u-0").await.expect("get").expect("present");
    assert_eq!(
        (m.state, m.error_code, m.attempts, m.deliver_at),
        (MessageState::Enroute, 27, 1, retry.deliver_at)
    );

    store
        .update("u-0", delivered(1_700_000_095_000))
        .await
        .expect("final update");
    let m = store.get("u-0").await.expect("get").expect("present");
    assert_eq!(
        (m.state, m.done_at, m.deliver_at),
        (MessageState::Delivered, Some(1_700_000_095_000), None)
    );

    match store.update("u-0", retry).await {
        Err(StoreError::Final { id, state }) => {
            assert_eq!((id.as_str(), state), ("u-0", MessageState::Delivered))
        }
        other => panic!("expected Final, got {other:?}"),
    }
    assert_eq!(
        store.get("u-0").await.expect("get").expect("present"),
        m,
        "unchanged"
    );
    assert!(
        matches!(store.update("nope", retry).await, Err(StoreError::NotFound(id)) if id == "nope")
    );
}

async fn replace_changes_given_fields_and_keeps_the_rest(store: Store) {
    let original = message("r", "gateway", "1", 1);
    store.insert(vec![original.clone()]).await.expect("insert");
    let keep = Replacement {
        payload: b"new text".to_vec(),
        data_coding: None,
        deliver_at: None,
        expires_at: None,
        registered_delivery: 0,
    };
    store.replace("r", keep.clone()).await.expect("replace");
    let m = store.get("r").await.expect("get").expect("present");
    let mut expected = original.clone();
    expected.payload = b"new text".to_vec();
    expected.registered_delivery = 0;
    assert_eq!(m, expected);

    let change = Replacement {
        payload: vec![],
        data_coding: Some(0),
        deliver_at: Some(1_700_000_500_000),
        expires_at: Some(1_700_000_900_000),
        registered_delivery: 2,
    };
    store.replace("r", change).await.expect("replace");
    let m = store.get("r").await.expect("get").expect("present");
    assert_eq!(
        (
            m.payload.len(),
            m.data_coding,
            m.deliver_at,
            m.expires_at,
            m.registered_delivery
        ),
        (0, 0, Some(1_700_000_500_000), 1_700_000_900_000, 2)
    );

    store.cancel("r", 5).await.expect("cancel");
    assert!(matches!(
        store.replace("r", keep.clone()).await,
        Err(StoreError::Final { .. })
    ));
    assert!(matches!(
        store.replace("nope", keep).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn cancel_moves_to_deleted_once(store: Store) {
    store.insert(messages("k", 2, "1")).await.expect("insert");
    store
        .cancel("k-0", 1_700_000_200_000)
        .await
        .expect("cancel");
    let m = store.get("k-0").await.expect("get").expect("present");
    assert_eq!(
        (m.state, m.done_at),
        (MessageState::Deleted, Some(1_700_000_200_000))
    );
    assert!(matches!(
        store.cancel("k-0", 1).await,
        Err(StoreError::Final {
            state: MessageState::Deleted,
            ..
        })
    ));
    store.update("k-1", delivered(9)).await.expect("deliver");
    assert!(matches!(
        store.cancel("k-1", 1).await,
        Err(StoreError::Final {
            state: MessageState::Delivered,
            ..
        })
    ));
    assert!(matches!(
        store.cancel("nope", 1).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn concurrent_inserters_all_land(store: Store) {
    let tasks: Vec<_> = (0..50)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..20 {
                    store
                        .insert(messages(&format!("t{t}-{i}"), 1, "1"))
                        .await
                        .expect("insert");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("inserter task");
    }
    let counts = store.counts_by_state().await.expect("counts");
    assert_eq!(counts.get(&MessageState::Enroute), Some(&1000));
    for (t, i) in [(0, 0), (49, 19), (17, 3)] {
        assert!(
            store
                .get(&format!("t{t}-{i}-0"))
                .await
                .expect("get")
                .is_some()
        );
    }
}

async fn id_blocks_never_overlap(store: Store) {
    let a = store.next_id_block(1000).await.expect("block");
    let b = store.next_id_block(1).await.expect("block");
    let c = store.next_id_block(50).await.expect("block");
    assert_eq!(a, 1, "ids start at 1");
    assert_eq!((b, c), (a + 1000, a + 1001));
}

async fn closed_store_refuses_work(store: Store) {
    store.insert(messages("z", 1, "1")).await.expect("insert");
    let clone = store.clone();
    store.close().await.expect("close");
    store.close().await.expect("second close is harmless");
    assert!(matches!(
        clone.insert(messages("y", 1, "1")).await,
        Err(StoreError::WriterGone)
    ));
    assert!(matches!(
        clone.get("z-0").await,
        Err(StoreError::WriterGone)
    ));
    assert!(matches!(
        clone.next_id_block(1).await,
        Err(StoreError::WriterGone)
    ));
}
