//! The `gateway` binary as an operator uses it: customers registered with
//! the password on stdin (and that password then logs in), listed, shown
//! masked and unlocked; merchants onboarded with certificate files, listed
//! and revoked; payments listed; config checked; refusals with exit codes
//! and messages. `serve` runs against an in-process smsc-sim (`cli/serve.rs`).

#[path = "cli/check_config.rs"]
mod check_config;
#[path = "cli/pin.rs"]
mod pin;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/support.rs"]
mod support;
#[path = "cli/vouchers.rs"]
mod vouchers;

use gateway::domain::{CustomerId, OnlineIdentity, Password};
use rustls_pki_types::{CertificateDer, pem::PemObject};
use support::Install;

const PASSWORD: &str = "correct horse 42";

#[tokio::test]
async fn customer_added_with_password_on_stdin_logs_in_and_is_listed() {
    let gw = Install::new();
    let out = gw.add_alice(&format!("{PASSWORD}\n")).ok();
    let id: i64 = out.field("customer_id").parse().unwrap();
    let backup = out.field("backup_code");
    assert_eq!(backup.len(), 14, "ABCD-EFGH-JKLM form: {backup}");
    assert!(out.stderr.contains("shown only once"), "{out:?}");
    assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));

    let list = gw.run(&["customers", "list", "--json"]).ok().json_lines();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["name"], "Alice Archer");
    assert_eq!(list[0]["status"], "active");
    let plain = gw.run(&["customers", "list"]).ok().stdout;
    assert!(
        plain.contains("Alice Archer") && plain.contains("alice"),
        "{plain}"
    );

    // The line end was not part of the password, and the phone logs in.
    let service = gw.customers().await;
    let phone = OnlineIdentity::parse("+447700900101").unwrap();
    let password = Password::new(PASSWORD.to_owned()).unwrap();
    let customer = service.login(&phone, &password, 1).await.unwrap();
    assert_eq!(customer.id, CustomerId(id));
    service.store().close().await.unwrap();
}

#[tokio::test]
async fn show_masks_the_document_and_unlock_reopens_a_locked_customer() {
    let gw = Install::new();
    gw.add_alice(PASSWORD).ok();
    let show = gw.run(&["customers", "show", "1"]).ok().stdout;
    assert!(
        show.contains("****4567") && !show.contains("P1234567"),
        "{show}"
    );
    assert!(
        show.contains("GBP 100.00") && show.contains("+447700900101"),
        "{show}"
    );

    let service = gw.customers().await;
    let alias = OnlineIdentity::parse("alice").unwrap();
    let wrong = Password::new("wrong password".to_owned()).unwrap();
    for _ in 0..3 {
        assert!(service.login(&alias, &wrong, 1).await.is_err());
    }
    service.store().close().await.unwrap();
    let status = |gw: &Install| {
        gw.run(&["customers", "show", "1", "--json"])
            .ok()
            .json_lines()[0]["status"]
            .clone()
    };
    assert_eq!(status(&gw), "locked");
    let out = gw.run(&["customers", "unlock", "1"]).ok();
    assert!(out.stdout.contains("unlocked"), "{out:?}");
    assert_eq!(status(&gw), "active");

    gw.run(&["customers", "show", "99"])
        .fails(1, "customer 99 not found");
    gw.run(&["customers", "unlock", "99"])
        .fails(1, "customer 99 not found");
}

#[test]
fn customers_add_refuses_a_missing_or_short_password_and_bad_values() {
    let gw = Install::new();
    gw.add_alice("").fails(1, "no password on stdin");
    gw.add_alice("short\n").fails(1, "8 to 128");
    // Nothing was created: not even the data directory.
    assert!(!gw.data().exists());
    let args = |terminal: &str| {
        vec![
            "customers",
            "add",
            "--name",
            "X",
            "--id-document",
            "D1",
            "--identity",
            "xavier",
        ]
        .into_iter()
        .chain([
            "--terminal",
            terminal,
            "--account",
            "GB33SWBK00000000000109",
        ])
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    let run =
        |a: Vec<String>| gw.run_stdin(&a.iter().map(String::as_str).collect::<Vec<_>>(), PASSWORD);
    run(args("xavier")).fails(2, "not a phone number");
    run(args("447700900109:fax")).fails(2, "unknown terminal kind");
    let mut no_identity = args("447700900109");
    no_identity.drain(6..8);
    run(no_identity).fails(2, "--identity");
    gw.run(&["customers", "list", "--memory"])
        .fails(1, "--memory");
}

#[test]
fn merchant_onboarding_writes_certificate_files_and_revoke_takes_effect() {
    let gw = Install::new();
    let out_dir = gw.path("shop");
    let out = gw
        .run(&[
            "merchants",
            "add",
            "--name",
            "Shop",
            "--out",
            out_dir.to_str().unwrap(),
            "--webhook-url",
            "http://127.0.0.1:1/hook",
            "--account",
            "GB33SWBK00000000009001",
        ])
        .ok();
    let id = out.field("merchant_id");
    let secret = out.field("webhook_secret");
    let fingerprint = out.field("fingerprint");
    assert!(id.starts_with("mer_"), "{id}");
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(out.stderr.contains("shown only once"), "{out:?}");

    let cert = std::fs::read(out_dir.join("client.pem")).unwrap();
    let der = CertificateDer::from_pem_slice(&cert).unwrap();
    assert_eq!(gateway::pki::fingerprint(&der), fingerprint);
    assert!(
        std::fs::read_to_string(out_dir.join("client.key"))
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let ca = std::fs::read_to_string(out_dir.join("ca.pem")).unwrap();
    assert_eq!(
        ca,
        std::fs::read_to_string(gw.data().join(gateway::pki::CA_CERT_FILE)).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out_dir.join("client.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let listed = gw.run(&["merchants", "list"]).ok().stdout;
    let line = listed.lines().find(|l| l.starts_with(&id)).expect("listed");
    assert!(
        line.contains("\tactive\t") && line.contains(&fingerprint[..16]) && line.ends_with("Shop"),
        "{line}"
    );
    assert!(!listed.contains(&secret), "the secret is shown once only");

    gw.run(&["merchants", "revoke", &id]).ok();
    let listed = gw.run(&["merchants", "list", "--json"]).ok().json_lines();
    assert_eq!(listed[0]["status"], "revoked");
    gw.run(&["merchants", "revoke", "mer_nosuch"])
        .fails(1, "merchant mer_nosuch not found");
    gw.run(&["merchants", "revoke", "shop"])
        .fails(2, "invalid merchant id");
    // The key in --out is never overwritten.
    gw.run(&[
        "merchants",
        "add",
        "--name",
        "Again",
        "--out",
        out_dir.to_str().unwrap(),
        "--account",
        "A1",
    ])
    .fails(1, "already exists");
}

#[test]
fn payments_list_on_an_empty_store_and_refusals() {
    let gw = Install::new();
    gw.run(&["payments", "list"]).fails(1, "does not exist");
    gw.run(&["merchants", "list"]).fails(1, "does not exist");
    std::fs::create_dir(gw.data()).unwrap();
    let out = gw
        .run(&["payments", "list", "--state", "succeeded", "--limit", "10"])
        .ok();
    assert_eq!(out.stdout, "");
    gw.run(&["payments", "list", "--state", "paid"])
        .fails(2, "paid");
    gw.run(&["payments", "list", "--limit", "0"])
        .fails(2, "--limit");
    gw.run(&["payments", "show", "pay_0123456789012345678901"])
        .fails(1, "not found");
    gw.run(&["payments", "show", "nonsense"])
        .fails(2, "invalid payment id");
}

#[tokio::test]
async fn payments_list_and_show_name_a_stored_payment() {
    use gateway::domain::{Currency, Money, PaymentId};
    use gateway::store::{CreateOutcome, NewMerchant, NewPayment, Store};
    let gw = Install::new();
    let store = Store::open_dir(gw.data()).expect("store");
    let merchant = store
        .create_merchant(
            NewMerchant {
                id: "mer_cli".parse().expect("id"),
                name: "CLI Shop".into(),
                bank_account: "GB00CLI".into(),
                webhook_url: None,
                webhook_secret: "secret-of-mer_cli".into(),
                cert_fingerprint: None,
            },
            1,
        )
        .await
        .expect("merchant");
    let id = PaymentId::generate();
    let gbp = Currency::parse("GBP").expect("GBP");
    let outcome = store
        .create_payment(
            NewPayment {
                id: id.clone(),
                merchant_id: merchant.id.clone(),
                order_id: "order-cli-7".into(),
                amount: Money::parse_decimal("7.25", gbp).expect("money"),
                description: "Tea for the CLI".into(),
                return_url: None,
                customer_hint: None,
                expires_at: i64::MAX / 2,
            },
            None,
            1,
        )
        .await
        .expect("payment");
    assert!(matches!(outcome, CreateOutcome::Created(_)));
    store.close().await.expect("close");

    let list = gw.run(&["payments", "list"]).ok();
    let line = list.stdout.lines().next().expect("one line");
    let cols: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        &cols[..5],
        [id.as_str(), "created", "GBP 7.25", "mer_cli", "order-cli-7"],
        "{line}"
    );
    let none = gw.run(&["payments", "list", "--state", "succeeded"]).ok();
    assert_eq!(none.stdout, "");
    let show = gw.run(&["payments", "show", id.as_str()]).ok();
    for needle in [
        &format!("payment {id}: created") as &str,
        "GBP 7.25",
        "order-cli-7",
        "Tea for the CLI",
        "created",
    ] {
        assert!(show.stdout.contains(needle), "{needle} in {}", show.stdout);
    }
}
