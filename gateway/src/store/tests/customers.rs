//! Customers, identities, terminals, accounts and the lockout counters.

use super::*;

#[tokio::test]
async fn customer_round_trip_with_links() {
    let (store, id, _) = seeded().await;
    let c = store.customer(id).await.expect("read").expect("exists");
    assert_eq!(c.status, CustomerStatus::Active);
    assert_eq!(c.limit_per_payment, Some(gbp(50_000)));
    assert_eq!(c.limit_per_day, None);
    assert_eq!((c.password_failures, c.backup_failures), (0, 0));
    assert_eq!(c.created_at, T0);
    let by_phone = store
        .customer_by_identity(&identity("+44 7700 900101"))
        .await
        .expect("read");
    assert_eq!(by_phone, Some(c.clone()));
    assert_eq!(
        store
            .customer_by_identity(&identity("nobody"))
            .await
            .expect("read"),
        None
    );
    let mut ids = store.identities(id).await.expect("identities");
    ids.sort();
    assert_eq!(ids, vec![identity("447700900101"), identity("alice")]);
    assert_eq!(
        store.customer_accounts(id).await.expect("accounts"),
        vec!["GB00alice1", "GB00alice2"]
    );
    store
        .link_account(id, "GB00alice0".into())
        .await
        .expect("link");
    let accounts = store.customer_accounts(id).await.expect("accounts");
    assert_eq!(
        accounts.last().map(String::as_str),
        Some("GB00alice0"),
        "kept in link order"
    );

    let t = store
        .add_terminal(
            id,
            NewTerminal {
                msisdn: "447700900199".into(),
                kind: TerminalKind::StbCard,
                label: "TV".into(),
            },
        )
        .await
        .expect("terminal");
    let terminals = store.terminals(id).await.expect("terminals");
    assert_eq!(terminals.len(), 2);
    assert_eq!(terminals[1], t);
    assert_eq!(terminals[0].msisdn, "447700900101");

    store
        .set_limits(id, None, Some(gbp(100_000)), T0 + 1)
        .await
        .expect("limits");
    store
        .set_password_hash(id, "$new".into(), T0 + 2)
        .await
        .expect("hash");
    let c = store.customer(id).await.expect("read").expect("exists");
    assert_eq!(
        (c.limit_per_payment, c.limit_per_day),
        (None, Some(gbp(100_000)))
    );
    assert_eq!((c.password_hash.as_str(), c.updated_at), ("$new", T0 + 2));
    assert_eq!(store.list_customers().await.expect("list"), vec![c]);
}

#[tokio::test]
async fn password_failures_lock_at_the_limit_and_success_resets() {
    let (store, id, _) = seeded().await;
    let first = store.record_login_failure(id, 3, T0).await.expect("1");
    assert_eq!(
        first,
        Lockout {
            failures: 1,
            status: CustomerStatus::Active
        }
    );
    store.record_login_success(id, T0).await.expect("reset");
    for n in 1..=2 {
        let l = store.record_login_failure(id, 3, T0).await.expect("count");
        assert_eq!(
            l,
            Lockout {
                failures: n,
                status: CustomerStatus::Active
            }
        );
    }
    let third = store.record_login_failure(id, 3, T0).await.expect("3");
    assert_eq!(
        third,
        Lockout {
            failures: 3,
            status: CustomerStatus::Locked
        }
    );
    let fourth = store.record_login_failure(id, 3, T0).await.expect("4");
    assert_eq!(fourth.status, CustomerStatus::Locked);

    assert!(store.unlock_with_backup(id, T0).await.expect("unlock"));
    let c = store.customer(id).await.expect("read").expect("exists");
    assert_eq!((c.status, c.password_failures), (CustomerStatus::Active, 0));
    assert!(
        !store
            .unlock_with_backup(id, T0)
            .await
            .expect("not locked: no-op")
    );
}

#[tokio::test]
async fn backup_failures_need_an_administrator() {
    let (store, id, _) = seeded().await;
    for _ in 0..3 {
        store.record_login_failure(id, 3, T0).await.expect("lock");
    }
    for n in 1..=2 {
        let l = store.record_backup_failure(id, 3, T0).await.expect("count");
        assert_eq!(
            l,
            Lockout {
                failures: n,
                status: CustomerStatus::Locked
            }
        );
    }
    let l = store.record_backup_failure(id, 3, T0).await.expect("3");
    assert_eq!(l.status, CustomerStatus::AdminLocked);
    assert!(
        !store.unlock_with_backup(id, T0).await.expect("refused"),
        "backup cannot undo"
    );
    store.unlock_customer(id, T0).await.expect("admin");
    let c = store.customer(id).await.expect("read").expect("exists");
    assert_eq!(
        (c.status, c.password_failures, c.backup_failures),
        (CustomerStatus::Active, 0, 0)
    );
    store
        .set_customer_status(id, CustomerStatus::Disabled, T0)
        .await
        .expect("disable");
    let l = store.record_login_failure(id, 1, T0).await.expect("count");
    assert_eq!(
        l.status,
        CustomerStatus::Disabled,
        "a disabled customer stays disabled"
    );
}

#[tokio::test]
async fn concurrent_failures_are_all_counted() {
    let (store, id, _) = seeded().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.record_login_failure(id, 3, T0).await })
        })
        .collect();
    let mut locked = 0;
    for t in tasks {
        if t.await.expect("join").expect("count").status == CustomerStatus::Locked {
            locked += 1;
        }
    }
    let c = store.customer(id).await.expect("read").expect("exists");
    assert_eq!(c.password_failures, 20);
    assert_eq!(locked, 18, "every count from the third on sees the lock");
}

#[tokio::test]
async fn merchants_by_fingerprint_status_and_webhook() {
    let (store, _, id) = seeded().await;
    assert_eq!(
        store.merchant_by_fingerprint("ff").await.expect("read"),
        None
    );
    store
        .set_merchant_certificate(&id, "ABCDEF", T0)
        .await
        .expect("cert");
    let m = store
        .merchant_by_fingerprint("abcdef")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(
        (m.id.clone(), m.status),
        (id.clone(), MerchantStatus::Active)
    );
    store
        .set_merchant_status(&id, MerchantStatus::Revoked, T0 + 1)
        .await
        .expect("revoke");
    store
        .set_merchant_webhook(&id, None, "new-secret".into(), T0 + 2)
        .await
        .expect("webhook");
    let m = store.merchant(&id).await.expect("read").expect("found");
    assert_eq!(m.status, MerchantStatus::Revoked);
    assert_eq!(
        (m.webhook_url.as_deref(), m.webhook_secret.as_str()),
        (None, "new-secret")
    );
    assert!(
        !format!("{m:?}").contains("new-secret"),
        "Debug hides the secret"
    );
    assert_eq!(store.list_merchants().await.expect("list").len(), 1);
    let ghost: MerchantId = "mer_ghost".parse().expect("id");
    let err = store
        .set_merchant_status(&ghost, MerchantStatus::Active, T0)
        .await;
    assert!(matches!(
        err,
        Err(StoreError::NotFound {
            what: "merchant",
            ..
        })
    ));
}
