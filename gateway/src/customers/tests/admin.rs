//! Administrator actions, the fixture import, default parameters,
//! backup codes and document masks.

use std::path::Path;

use super::*;

#[tokio::test]
async fn admin_resets_password_and_backup_code() {
    let (svc, cid, old) = registered().await;
    svc.set_password(cid, &pw("brand-new-pass"), T0)
        .await
        .expect("set");
    assert!(
        svc.login(&id("alice"), &pw("alice-pass-1"), T0)
            .await
            .is_err()
    );
    svc.login(&id("alice"), &pw("brand-new-pass"), T0)
        .await
        .expect("new password");
    let new = svc.reset_backup_code(cid, T0).await.expect("reset");
    assert_ne!(new, old);
    for _ in 0..3 {
        let _ = svc.login(&id("alice"), &pw("wrong-password"), T0).await;
    }
    assert!(
        svc.unlock_with_backup(&id("alice"), old.expose(), T0)
            .await
            .is_err()
    );
    svc.unlock_with_backup(&id("alice"), new.expose(), T0)
        .await
        .expect("new code");
}

#[tokio::test]
async fn fixture_import_is_idempotent() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/gateway.toml");
    let mut config = Config::from_file(path).expect("fixture config");
    config.passwords = crate::config::PasswordsConfig {
        m_kib: Some(8),
        t: Some(1),
        ..Default::default()
    };
    config.customers[2].backup_code = None;
    let svc = CustomerService::from_config(Store::memory().expect("store"), &config)
        .await
        .expect("svc");
    let first = svc.import_fixtures(&config, T0).await.expect("import");
    assert_eq!(
        (first.customers_added.len(), first.merchants_added.len()),
        (4, 2)
    );
    let generated: Vec<_> = first
        .customers_added
        .iter()
        .filter(|(_, _, c)| c.is_some())
        .collect();
    assert_eq!(generated.len(), 1, "only Carol's code was generated");
    let second = svc.import_fixtures(&config, T0 + 1).await.expect("again");
    assert_eq!(
        (second.customers_added.len(), second.customers_skipped),
        (0, 4)
    );
    assert_eq!(
        (second.merchants_added.len(), second.merchants_skipped),
        (0, 2)
    );
    assert_eq!(svc.list().await.expect("list").len(), 4);

    let bob = svc
        .login(&id("bob"), &pw("bob-pass-1"), T0)
        .await
        .expect("bob");
    assert_eq!(
        svc.store()
            .terminals(bob.id)
            .await
            .expect("terminals")
            .len(),
        2
    );
    let li = svc
        .login(&id("+86 138 0013 8000"), &pw("liwei-pass-1"), T0)
        .await
        .expect("li");
    assert_eq!(li.locale, "zh-CN");
    for _ in 0..3 {
        let _ = svc.login(&id("alice"), &pw("wrong-password"), T0).await;
    }
    svc.unlock_with_backup(&id("alice"), "alce-bkup-2222", T0)
        .await
        .expect("fixture backup code");
    let acme = svc
        .store()
        .merchant(&"mer_acme".parse().expect("id"))
        .await
        .expect("read")
        .expect("acme");
    assert_eq!(acme.bank_account, "CN88SWBK00000000009002");
}

#[tokio::test]
async fn default_parameters_hash_and_verify() {
    let hasher = Hasher::new(PasswordParams::DEFAULT).expect("params");
    let hash = hasher
        .hash(zeroize::Zeroizing::new("alice-pass-1".into()))
        .await
        .expect("hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(
        Hasher::verify(hash.clone(), zeroize::Zeroizing::new("alice-pass-1".into()))
            .await
            .expect("verify")
    );
    assert!(
        !Hasher::verify(hash, zeroize::Zeroizing::new("alice-pass-2".into()))
            .await
            .expect("verify")
    );
    assert!(!Hasher::verify_blocking("not a phc string", b"x"));
}

#[test]
fn backup_codes_and_masks() {
    let code = BackupCode::generate();
    let s = code.expose();
    assert_eq!(s.len(), 14);
    assert!(
        s.split('-')
            .all(|g| g.len() == 4 && g.bytes().all(|b| BACKUP_ALPHABET.contains(&b)))
    );
    assert_eq!(format!("{code:?}"), "<redacted>");
    assert_eq!(
        BackupCode::parse(" abcd efgh-jkLM ").map(|c| c.expose().to_owned()),
        Ok("ABCD-EFGH-JKLM".into())
    );
    for bad in ["ABCD-EFGH-JKL", "ABCD-EFGH-JKLO", "ABCD-EFGH-JKL1", ""] {
        assert!(BackupCode::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(mask_document("AB1234567"), "*****4567");
    assert_eq!(mask_document("1234"), "****");
    assert_eq!(
        mask_document("身份证号码12"),
        "***号码12",
        "masks characters, not bytes"
    );
}
