//! The file backend: reopening keeps data, migrations run once, a newer
//! schema is refused, WAL is on; and the rules both backends share.

use rusqlite::Connection;

use super::*;

fn versions(dir: &std::path::Path) -> (i64, i64) {
    let conn = Connection::open(dir.join(DB_FILE)).expect("open");
    conn.query_row(
        "SELECT COUNT(*), MAX(version) FROM schema_version",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("schema_version")
}

#[tokio::test]
async fn reopen_keeps_data_and_migrates_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_dir(dir.path()).expect("open");
    assert!(store.is_durable());
    let id = store
        .create_customer(new_customer("bob", &["bob"], "447700900102"), T0)
        .await
        .expect("customer");
    let merchant = store
        .create_merchant(new_merchant("mer_x"), T0)
        .await
        .expect("merchant");
    let payment = create(&store, new_payment(&merchant.id, 1250), T0).await;
    store.close().await.expect("close");
    assert!(matches!(store.customer(id).await, Err(StoreError::Closed)));

    let known = schema::known_version();
    assert_eq!(versions(dir.path()), (known, known));
    let store = Store::open_dir(dir.path()).expect("reopen");
    assert_eq!(
        versions(dir.path()),
        (known, known),
        "reopen adds no version rows"
    );
    let customer = store
        .customer(id)
        .await
        .expect("read")
        .expect("still there");
    assert_eq!(customer.name, "bob");
    assert_eq!(
        store.find_identity(&identity("BOB")).await.expect("find"),
        Some(id)
    );
    assert_eq!(
        store.payment(&payment.id).await.expect("read"),
        Some(payment)
    );
    let mode: String = Connection::open(dir.path().join(DB_FILE))
        .expect("open")
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(Store::open_dir(dir.path()).expect("open"));
    Connection::open(dir.path().join(DB_FILE))
        .expect("open")
        .execute("INSERT INTO schema_version (version) VALUES (99)", [])
        .expect("bump");
    match Store::open_dir(dir.path()) {
        Err(StoreError::SchemaTooNew { found: 99, .. }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[tokio::test]
async fn unusable_data_dir_is_an_io_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    assert!(matches!(
        Store::open_dir(file.join("sub")),
        Err(StoreError::Io { .. })
    ));
}

/// Constraint violations come back typed, on both backends, and a refused
/// write leaves nothing behind.
async fn constraints_are_typed(store: Store) {
    let a = store
        .create_customer(
            new_customer("ann", &["ann", "+447700900111"], "447700900111"),
            T0,
        )
        .await
        .expect("first");
    let dup = new_customer("eve", &["eve", "+447700900111"], "447700900112");
    match store.create_customer(dup, T0).await {
        Err(StoreError::Duplicate(what)) => assert!(what.contains("identities"), "{what}"),
        other => panic!("expected Duplicate, got {other:?}"),
    }
    assert_eq!(
        store.find_identity(&identity("eve")).await.expect("find"),
        None,
        "rolled back"
    );
    assert_eq!(store.list_customers().await.expect("list").len(), 1);
    let err = store
        .add_identity(a, identity("ann"))
        .await
        .expect_err("taken");
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    let m = store
        .create_merchant(new_merchant("mer_one"), T0)
        .await
        .expect("merchant");
    let err = store
        .create_merchant(new_merchant("mer_one"), T0)
        .await
        .expect_err("dup id");
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    store
        .set_merchant_certificate(&m.id, "AB12", T0)
        .await
        .expect("cert");
    let mut other = new_merchant("mer_two");
    other.cert_fingerprint = Some("ab12".into());
    let err = store
        .create_merchant(other, T0)
        .await
        .expect_err("dup fingerprint");
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    let ghost: MerchantId = "mer_ghost".parse().expect("id");
    let err = store
        .create_payment(new_payment(&ghost, 100), None, T0)
        .await
        .expect_err("fk");
    assert!(matches!(err, StoreError::MissingReference(_)), "{err:?}");
    let err = store
        .create_payment(new_payment(&m.id, 0), None, T0)
        .await
        .expect_err("zero");
    assert!(matches!(err, StoreError::Constraint(_)), "{err:?}");
    let err = store
        .add_event(&PaymentId::generate(), T0, "x", "")
        .await
        .expect_err("fk");
    assert!(matches!(err, StoreError::MissingReference(_)), "{err:?}");
    let err = store
        .unlock_customer(CustomerId(999), T0)
        .await
        .expect_err("missing");
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "customer",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn constraints_are_typed_in_memory() {
    constraints_are_typed(Store::memory().expect("memory")).await;
}

#[tokio::test]
async fn constraints_are_typed_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    constraints_are_typed(Store::open_dir(dir.path()).expect("open")).await;
}

#[tokio::test]
async fn terminal_keys_are_wrapped_on_disk_and_clear_ones_wrapped_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_dir(dir.path()).expect("open");
    let id = store
        .create_customer(new_customer("carol", &["carol"], "447700900104"), T0)
        .await
        .expect("customer");
    let terminal = store.terminals(id).await.expect("terminals")[0].id;
    let key = [0x5au8; TERMINAL_KEY_LEN];
    store
        .set_terminal_key(terminal, key, "kcv".into(), T0)
        .await
        .expect("set");
    let raw = |dir: &std::path::Path| -> Vec<u8> {
        Connection::open(dir.join(DB_FILE))
            .expect("open")
            .query_row("SELECT key FROM terminal_keys", [], |r| r.get(0))
            .expect("row")
    };
    let stored = raw(dir.path());
    assert_eq!(stored.len(), 73, "version, nonce, sealed key, tag");
    assert!(!stored.windows(TERMINAL_KEY_LEN).any(|w| w == key));
    let msisdn = "447700900104".to_owned();
    assert_eq!(
        store.terminal_key(id, msisdn.clone()).await.expect("read"),
        Some(key)
    );
    store.close().await.expect("close");

    // A key written in clear by an older build is read, then wrapped.
    Connection::open(dir.path().join(DB_FILE))
        .expect("open")
        .execute("UPDATE terminal_keys SET key = ?1", [key.as_slice()])
        .expect("clear key");
    let store = Store::open_dir(dir.path()).expect("reopen");
    assert_eq!(raw(dir.path()).len(), 73, "wrapped at open");
    assert_eq!(
        store.terminal_key(id, msisdn.clone()).await.expect("read"),
        Some(key)
    );
    store.close().await.expect("close");

    // Without its KEK the database gives no key: an error, not a wrong key.
    std::fs::remove_file(dir.path().join(KEK_FILE)).expect("remove KEK");
    let store = Store::open_dir(dir.path()).expect("opens with a new KEK");
    assert!(matches!(
        store.terminal_key(id, msisdn).await,
        Err(StoreError::Unwrap(_))
    ));
}
