//! Searches, unfinished work and counts, run on both backends.

use std::collections::BTreeMap;

use super::{both_backends, delivered, message, messages};
use crate::message::{Message, MessageState};
use crate::store::{MAX_SEARCH_LIMIT, MessageFilter, Store};

both_backends!(
    search_filters_combine_newest_first,
    search_limit_defaults_and_caps,
    unfinished_and_counts_follow_states,
);

async fn search_filters_combine_newest_first(store: Store) {
    let mut batch = vec![
        message("s0", "gateway", "111", 0),
        message("s1", "tester", "111", 1),
        message("s2", "gateway", "222", 2),
    ];
    // s3 is found through its source address.
    let mut from_111 = message("s3", "tester", "333", 3);
    from_111.source.addr = "111".into();
    batch.push(from_111);
    store.insert(batch).await.expect("insert");
    store.update("s1", delivered(1)).await.expect("deliver");

    let ids = |found: Vec<Message>| found.into_iter().map(|m| m.id).collect::<Vec<_>>();
    let search = |f: MessageFilter| {
        let store = store.clone();
        async move { ids(store.search(f).await.expect("search")) }
    };
    assert_eq!(
        search(MessageFilter::default()).await,
        ["s3", "s2", "s1", "s0"]
    );
    let number = |n: &str| MessageFilter {
        number: Some(n.into()),
        ..Default::default()
    };
    assert_eq!(search(number("111")).await, ["s3", "s1", "s0"]);
    assert_eq!(search(number("999")).await, Vec::<String>::new());
    let by_id = MessageFilter {
        id: Some("s2".into()),
        ..Default::default()
    };
    assert_eq!(search(by_id).await, ["s2"]);
    let by_state = MessageFilter {
        state: Some(MessageState::Delivered),
        ..Default::default()
    };
    assert_eq!(search(by_state).await, ["s1"]);
    let by_account = MessageFilter {
        account: Some("tester".into()),
        ..Default::default()
    };
    assert_eq!(search(by_account).await, ["s3", "s1"]);
    let all_four = MessageFilter {
        id: Some("s0".into()),
        number: Some("111".into()),
        state: Some(MessageState::Enroute),
        account: Some("gateway".into()),
        limit: Some(5),
    };
    assert_eq!(search(all_four.clone()).await, ["s0"]);
    let wrong_account = MessageFilter {
        account: Some("tester".into()),
        ..all_four
    };
    assert_eq!(search(wrong_account).await, Vec::<String>::new());
}

async fn search_limit_defaults_and_caps(store: Store) {
    store
        .insert(messages("l", 1005, "1"))
        .await
        .expect("insert");
    let found = store
        .search(MessageFilter::default())
        .await
        .expect("search");
    assert_eq!(found.len(), 100);
    assert_eq!(found[0].id, "l-1004", "newest first");
    let capped = MessageFilter {
        limit: Some(5000),
        ..Default::default()
    };
    assert_eq!(
        store.search(capped).await.expect("search").len(),
        MAX_SEARCH_LIMIT
    );
    let three = MessageFilter {
        limit: Some(3),
        ..Default::default()
    };
    let found = store.search(three).await.expect("search");
    assert_eq!(
        found.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["l-1004", "l-1003", "l-1002"]
    );
}

async fn unfinished_and_counts_follow_states(store: Store) {
    let mut batch = messages("f", 5, "1");
    batch[4].state = MessageState::Rejected; // stored already final
    batch[3].state = MessageState::Scheduled;
    store.insert(batch).await.expect("insert");
    store.update("f-0", delivered(1)).await.expect("deliver");
    store.cancel("f-1", 2).await.expect("cancel");
    let open: Vec<_> = store
        .unfinished()
        .await
        .expect("unfinished")
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(open, ["f-2", "f-3"], "non-final, oldest first");
    let counts = store.counts_by_state().await.expect("counts");
    let expected = BTreeMap::from([
        (MessageState::Scheduled, 1),
        (MessageState::Enroute, 1),
        (MessageState::Delivered, 1),
        (MessageState::Deleted, 1),
        (MessageState::Rejected, 1),
    ]);
    assert_eq!(counts, expected);
}
