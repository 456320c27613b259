//! No secret reaches a log: the three parts run as real processes with
//! every module of ours at TRACE, a shopper goes through everything that
//! handles a secret (wrong passwords until the lock, the backup-code
//! unlock, a wrong code, the right code, an administrator registering a
//! customer with a password and getting a backup code back), and then each
//! part's whole stderr is searched for every password, code, backup code
//! and private key that passed through.

mod parts;

use parts::*;
use serde_json::{Value, json};

const FILTER: &str =
    "debug,gateway=trace,smsc_sim=trace,handset_sim=trace,wire=trace,switchboard=trace";

async fn admin(gateway: &Part, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .request(method, format!("http://{}{path}", gateway.addr("http")))
        .bearer_auth("demo-admin-token-change-me")
        .json(&body)
        .send()
        .await
        .expect("admin API");
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.expect("JSON")
}

#[tokio::test]
async fn passwords_codes_backup_codes_and_keys_never_reach_the_logs() {
    let scratch = Scratch::new("secrets").with_log(FILTER);
    let (smsc, handsets, gateway) = start(&scratch).await;
    let shop = demo_shop(&scratch, &gateway);
    let mut secrets: Vec<String> = vec![
        "alice-pass-1".into(),
        "ALCE-BKUP-2222".into(),
        "ALCEBKUP2222".into(),
        "wrong-pass-9".into(),
    ];

    // Three wrong passwords lock Alice; her backup code unlocks her.
    let id = create_payment(&shop, "31.00").await;
    for _ in 0..3 {
        let body = json!({ "identity": "alice", "password": "wrong-pass-9" });
        let (s, _) = checkout(&gateway, &id, "identify", body).await;
        assert_eq!(s, 401);
    }
    let body = json!({ "identity": "alice", "backup_code": "ALCE-BKUP-2222" });
    let (s, v) = checkout(&gateway, &id, "unlock", body).await;
    assert_eq!(s, 200, "{v}");
    let body = json!({ "identity": "alice", "password": "alice-pass-1" });
    let (s, v) = checkout(&gateway, &id, "identify", body).await;
    assert_eq!(s, 200, "{v}");
    let (rc, code, err) = cli(&handsets, &["wait-code", ALICE, "--timeout", "20"]).await;
    assert_eq!(rc, 0, "{err}");
    let wrong = if code.starts_with('9') { "1" } else { "9" }.repeat(code.len());
    let (s, _) = checkout(&gateway, &id, "code", json!({ "code": wrong })).await;
    assert_eq!(s, 422);
    let (s, v) = checkout(&gateway, &id, "code", json!({ "code": code })).await;
    assert_eq!(s, 200, "{v}");
    secrets.push(code);

    // An administrator registers a customer: a password in, a backup code out.
    let body = json!({
        "name": "Dora Log", "id_document": "D1234567", "identities": ["dora"],
        "password": "dora-secret-pw-7", "terminals": [{ "msisdn": "447700900105" }],
        "accounts": ["GB33SWBK00000000000101"],
    });
    let v = admin(
        &gateway,
        reqwest::Method::POST,
        "/admin/api/customers",
        body,
    )
    .await;
    secrets.push("dora-secret-pw-7".into());
    secrets.push(v["backup_code"].as_str().expect("backup code").to_owned());

    stop_all([gateway, handsets, smsc]);

    for key in ["ca-key.pem", "merchants/mer_demoshop/client.key"] {
        let pem = std::fs::read_to_string(scratch.path(&format!("gateway/{key}"))).expect("key");
        // The base64 body lines of the key, any of which would be a leak.
        secrets.extend(
            pem.lines()
                .filter(|l| !l.starts_with("-----") && l.len() > 16)
                .map(str::to_owned),
        );
    }
    for part in ["smsc-sim", "handset-sim", "gateway"] {
        let log = scratch.log(part);
        assert!(log.lines().count() >= 5, "{part} logged: {log}");
        assert!(!log.contains("PRIVATE KEY"), "{part} logged a private key");
        for s in &secrets {
            assert!(!log.contains(s.as_str()), "{part} logged the secret {s:?}");
        }
    }
}
