//! Login, lockout, backup unlock, generic errors, rehash.

use super::*;

#[tokio::test]
async fn registration_stores_hashes_and_a_masked_document() {
    let (svc, cid, code) = registered().await;
    assert_eq!(BackupCode::parse(code.expose()), Ok(code.clone()));
    let c = svc
        .store()
        .customer(cid)
        .await
        .expect("read")
        .expect("exists");
    assert!(
        c.password_hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"),
        "{}",
        c.password_hash
    );
    assert!(!c.password_hash.contains("alice-pass-1"));
    assert!(c.backup_hash.starts_with("$argon2id$") && c.backup_hash != c.password_hash);
    assert_eq!(c.id_document_masked, "****4567");
    let ok = svc
        .login(&id("alice"), &pw("alice-pass-1"), T0)
        .await
        .expect("login");
    assert_eq!(ok.id, cid);
    let details = svc.details(cid).await.expect("details").expect("exists");
    assert_eq!(details.identities.len(), 2);
    assert_eq!(details.summary().identities, ["+447700900101", "alice"]);
    let mut dup = alice();
    dup.identities = vec![id("alice")];
    assert!(matches!(
        svc.register(dup, T0).await,
        Err(CustomerError::Store(_))
    ));
    let mut empty = alice();
    empty.terminals.clear();
    assert!(matches!(
        svc.register(empty, T0).await,
        Err(CustomerError::Invalid(_))
    ));
}

#[tokio::test]
async fn three_wrong_passwords_lock_and_the_backup_code_unlocks() {
    let (svc, cid, code) = registered().await;
    let wrong = pw("not-the-password");
    for n in 1..=2 {
        let err = svc
            .login(&id("alice"), &wrong, T0)
            .await
            .expect_err("wrong");
        assert!(matches!(err, LoginError::Wrong), "attempt {n}: {err:?}");
    }
    // A success in between would reset; the third wrong one locks.
    let err = svc
        .login(&id("+447700900101"), &wrong, T0)
        .await
        .expect_err("third");
    assert!(matches!(err, LoginError::Locked), "{err:?}");
    let err = svc
        .login(&id("alice"), &pw("alice-pass-1"), T0)
        .await
        .expect_err("locked");
    assert!(
        matches!(err, LoginError::Locked),
        "right password while locked: {err:?}"
    );

    let typed = code.expose().to_lowercase().replace('-', " ");
    svc.unlock_with_backup(&id("alice"), &typed, T0)
        .await
        .expect("unlock");
    let c = svc
        .login(&id("alice"), &pw("alice-pass-1"), T0)
        .await
        .expect("login again");
    assert_eq!(
        (c.id, c.status, c.password_failures),
        (cid, CustomerStatus::Active, 0)
    );
}

#[tokio::test]
async fn three_wrong_backup_codes_need_an_administrator() {
    let (svc, cid, code) = registered().await;
    for _ in 0..3 {
        let _ = svc.login(&id("alice"), &pw("wrong-password"), T0).await;
    }
    let wrong = BackupCode::generate();
    for n in 1..=2 {
        let err = svc
            .unlock_with_backup(&id("alice"), wrong.expose(), T0)
            .await
            .expect_err("wrong");
        assert!(matches!(err, LoginError::Wrong), "{n}: {err:?}");
    }
    let err = svc
        .unlock_with_backup(&id("alice"), "garbage", T0)
        .await
        .expect_err("malformed");
    assert!(
        matches!(err, LoginError::AdminLocked),
        "a malformed code counts too: {err:?}"
    );
    let err = svc
        .unlock_with_backup(&id("alice"), code.expose(), T0)
        .await
        .expect_err("admin");
    assert!(
        matches!(err, LoginError::AdminLocked),
        "right code no longer helps: {err:?}"
    );
    svc.admin_unlock(cid, "test-admin", T0)
        .await
        .expect("admin unlock");
    svc.login(&id("alice"), &pw("alice-pass-1"), T0)
        .await
        .expect("login");
    let audit = svc.store().audit_log(5).await.expect("audit");
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].action.as_str()),
        ("test-admin", "customers unlock")
    );
    let ghost = crate::domain::CustomerId(404);
    assert!(matches!(
        svc.admin_unlock(ghost, "x", T0).await,
        Err(CustomerError::NotFound(_))
    ));
}

#[tokio::test]
async fn every_refusal_reads_the_same() {
    let (svc, _, _) = registered().await;
    let unknown = svc
        .login(&id("nobody"), &pw("alice-pass-1"), T0)
        .await
        .expect_err("unknown");
    assert!(matches!(unknown, LoginError::Unknown));
    let mut errors = vec![unknown];
    for _ in 0..3 {
        errors.push(
            svc.login(&id("alice"), &pw("wrong-password"), T0)
                .await
                .expect_err("wrong"),
        );
    }
    errors.push(
        svc.login(&id("alice"), &pw("alice-pass-1"), T0)
            .await
            .expect_err("locked"),
    );
    errors.push(
        svc.unlock_with_backup(&id("nobody"), "ABCD-EFGH-JKLM", T0)
            .await
            .expect_err("unknown"),
    );
    let kinds: Vec<_> = errors.iter().map(LoginError::kind).collect();
    assert_eq!(
        kinds,
        ["unknown", "wrong", "wrong", "locked", "locked", "unknown"]
    );
    assert!(
        errors.iter().all(|e| e.to_string() == GENERIC_LOGIN_ERROR),
        "{errors:?}"
    );
    assert!(
        !svc.hasher().needs_rehash(&svc.dummy_hash),
        "the dummy costs what a real hash costs"
    );
}

#[tokio::test]
async fn login_rehashes_when_the_parameters_change() {
    let (svc, cid, _) = registered().await;
    let stronger = PasswordParams {
        m_kib: 16,
        t: 2,
        p: 1,
    };
    let svc2 = service(svc.store().clone(), stronger).await;
    let before = svc
        .store()
        .customer(cid)
        .await
        .expect("read")
        .expect("exists")
        .password_hash;
    assert!(svc2.hasher().needs_rehash(&before));
    svc2.login(&id("alice"), &pw("alice-pass-1"), T0 + 1)
        .await
        .expect("old hash verifies");
    let after = svc
        .store()
        .customer(cid)
        .await
        .expect("read")
        .expect("exists")
        .password_hash;
    assert!(after.starts_with("$argon2id$v=19$m=16,t=2,p=1$"), "{after}");
    assert!(!svc2.hasher().needs_rehash(&after));
    svc.login(&id("alice"), &pw("alice-pass-1"), T0 + 2)
        .await
        .expect("the new hash verifies anywhere");
    let err = svc2
        .login(&id("alice"), &pw("wrong-password"), T0)
        .await
        .expect_err("still checks");
    assert!(matches!(err, LoginError::Wrong));
}
