//! No secret reaches a log: the three parts run as real processes with
//! every module of ours at TRACE, a shopper goes through everything that
//! handles a secret (wrong passwords until the lock, the backup-code
//! unlock, a wrong code, the right code, an administrator registering a
//! customer with a password and getting a backup code back, a prepaid
//! voucher bought, paid with and its password changed, a payment on the
//! phone bill with a wrong and the right billing PIN), and then each
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

    // Carol's set-top card gets her code sealed with its key; an stb-card an
    // administrator registers gets a generated key, shown once in the answer.
    let id = create_payment(&shop, "1.50").await;
    let body = json!({ "identity": "carol", "password": "carol-pass-1" });
    let (s, v) = checkout(&gateway, &id, "identify", body).await;
    assert_eq!(s, 200, "{v}");
    let (rc, code, err) = cli(&handsets, &["wait-code", "447700900104", "--timeout", "20"]).await;
    assert_eq!(rc, 0, "{err}");
    secrets.push(code);
    secrets.push("b616953b0e3be9c320122ab5321e7c62d6a097dbac940783ae700ed3c3c1dcba".into());
    let body = json!({
        "name": "Evan Card", "id_document": "E1234567", "identities": ["evan"],
        "password": "evan-secret-pw-8",
        "terminals": [{ "msisdn": "447700900107", "kind": "stb-card" }],
        "accounts": ["GB33SWBK00000000000101"],
    });
    let v = admin(
        &gateway,
        reqwest::Method::POST,
        "/admin/api/customers",
        body,
    )
    .await;
    let key = v["terminal_keys"][0]["key"]
        .as_str()
        .expect("the card's key, shown once");
    assert_eq!(key.len(), 64, "{v}");
    secrets.push(key.to_owned());

    // Confirmation from the handset: an administrator sets Bob's payment
    // PIN, a terminal pushes a payment to his phone, and he answers with a
    // wrong PIN, then the right one (MO over SMPP to the gateway).
    let (pin, wrong_pin) = ("58061947", "91827364");
    let all = admin(
        &gateway,
        reqwest::Method::GET,
        "/admin/api/customers",
        json!({}),
    )
    .await;
    let bob = all["customers"]
        .as_array()
        .or(all.as_array())
        .and_then(|a| a.iter().find(|c| c["name"] == "Bob Baker"))
        .map(|c| c["id"].clone())
        .expect("Bob in the customer list");
    let path = format!("/admin/api/customers/{bob}/pin");
    let v = admin(&gateway, reqwest::Method::PUT, &path, json!({ "pin": pin })).await;
    assert_eq!(v["pin_set"], true, "{v}");
    let body = json!({ "customer": "bob", "amount": "2.40", "currency": "GBP",
        "terminal_id": "POS-LOG" });
    let a = shop
        .call("POST", "/v1/terminal-payments", Some(&body), &[])
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    let reference = a.body["push"]["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    let phones = format!(
        "http://{}/api/terminals/447700900102",
        handsets.addr("http")
    );
    let http = reqwest::Client::new();
    let inbox_has = |needle: String| {
        let (http, url) = (http.clone(), format!("{phones}/inbox"));
        async move {
            for _ in 0..500 {
                let inbox: Value = http
                    .get(&url)
                    .send()
                    .await
                    .expect("inbox")
                    .json()
                    .await
                    .expect("JSON");
                if inbox.to_string().contains(&needle) {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            panic!("{needle:?} never reached Bob's phone");
        }
    };
    inbox_has(format!("Reply YES {reference}")).await;
    for (text, answer) in [
        (format!("YES {reference} {wrong_pin}"), "Wrong PIN"),
        (format!("YES {reference} {pin}"), "Paid GBP 2.40"),
    ] {
        let body = json!({ "to": "7000", "text": text });
        let r = http
            .post(format!("{phones}/send"))
            .json(&body)
            .send()
            .await
            .expect("send");
        assert!(r.status().is_success(), "{}", r.status());
        inbox_has(answer.to_owned()).await;
    }
    secrets.extend([pin.to_owned(), wrong_pin.to_owned()]);

    // Prepaid vouchers: Alice buys one (its password comes by SMS, its
    // backup password in the answer), pays with it after a wrong password,
    // unlocks with a wrong backup password, and chooses a new password.
    let gw = format!("http://{}", gateway.addr("http"));
    let post = |path: &str, body: Value| {
        let (http, url) = (http.clone(), format!("{gw}{path}"));
        async move {
            let r = http
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("voucher API");
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (s, v) = post(
        "/api/v1/vouchers",
        json!({ "identity": "alice", "password": "alice-pass-1", "amount": "5.00",
                "currency": "GBP" }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let number = v["number"].as_str().expect("number").to_owned();
    let backup = v["backup_password"].as_str().expect("backup").to_owned();
    let alice_inbox = format!(
        "http://{}/api/terminals/{ALICE}/inbox",
        handsets.addr("http")
    );
    let mut voucher_sms = String::new();
    for _ in 0..500 {
        let inbox: Value = http
            .get(&alice_inbox)
            .send()
            .await
            .expect("inbox")
            .json()
            .await
            .expect("JSON");
        if let Some(t) = inbox
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["text"].as_str())
            .find(|t| t.contains(&number))
        {
            voucher_sms = t.to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let grouped = voucher_sms
        .split("Payment password: ")
        .nth(1)
        .and_then(|t| t.split('.').next())
        .expect("the voucher SMS with its password")
        .to_owned();
    let password = grouped.replace(' ', "");
    let id = create_payment(&shop, "2.00").await;
    let wrong_voucher = "WRONGPASSW";
    let (s, _) = checkout(
        &gateway,
        &id,
        "voucher",
        json!({ "number": number, "password": wrong_voucher }),
    )
    .await;
    assert_eq!(s, 401);
    let (s, v) = checkout(
        &gateway,
        &id,
        "voucher",
        json!({ "number": number, "password": password }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let wrong_backup = "WXYZ-WXYZ-WXYZ";
    let (s, _) = post(
        "/api/v1/vouchers/unlock",
        json!({ "number": number, "backup_password": wrong_backup }),
    )
    .await;
    assert_eq!(s, 401);
    let chosen = "HJKMNPQRST";
    let (s, v) = post(
        "/api/v1/vouchers/password",
        json!({ "number": number, "password": password, "new_password": chosen }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    secrets.extend([
        password,
        grouped,
        backup.clone(),
        backup.replace('-', ""),
        wrong_voucher.to_owned(),
        wrong_backup.to_owned(),
        chosen.to_owned(),
    ]);

    // Carrier billing: a wrong and the right billing PIN go from the
    // gateway to the operator with the partner token.
    let id = create_payment(&shop, "1.50").await;
    let wrong_pin = "90817263";
    let body = |pin: &str| json!({ "carrier": "Switchboard Mobile", "msisdn": "447700900101", "pin": pin });
    let (s, v) = checkout(&gateway, &id, "carrier", body(wrong_pin)).await;
    assert_eq!((s, &v["reason"]), (422, &json!("wrong_pin")), "{v}");
    let (s, v) = checkout(&gateway, &id, "carrier", body("2468")).await;
    assert_eq!((s, &v["state"]), (200, &json!("succeeded")), "{v}");
    secrets.extend([
        wrong_pin.to_owned(),
        "demo-carrier-token-change-me".to_owned(),
        // The right PIN is four digits that may occur by chance; look for it
        // as a field.
        "\"pin\":\"2468\"".to_owned(),
        "pin=2468".to_owned(),
        "pin: 2468".to_owned(),
    ]);

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
