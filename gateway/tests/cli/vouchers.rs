//! `gateway vouchers list|show|return-unspent` on a data directory: a
//! voucher written as the gateway would (store and bank ledger beside it)
//! is listed and shown without any hash, and the return moves its balance
//! from the float account back to the source account, once.

use gateway::bank::SimBank;
use gateway::domain::{Currency, CustomerId, Money, PaymentId};
use gateway::store::{NewVoucher, Store};

use super::support::Install;

const ALICE_ACCOUNT: &str = "GB33SWBK00000000000101";
const FLOAT: &str = "GB33SWBK00000000009900";

#[tokio::test]
async fn list_show_and_return_unspent() {
    let gw = Install::new();
    let out = gw.add_alice("correct horse 42\n").ok();
    let customer = CustomerId(out.field("customer_id").parse().expect("id"));
    let gbp = Currency::parse("GBP").expect("GBP");
    {
        let bank = SimBank::open_dir(&gw.data(), Default::default()).expect("bank");
        bank.open_account(ALICE_ACCOUNT, "Alice", Money::new(0, gbp), None)
            .await
            .expect("alice");
        bank.open_account(FLOAT, "Float", Money::new(1_000, gbp), None)
            .await
            .expect("float");
        let store = Store::open_dir(gw.data()).expect("store");
        let v = NewVoucher {
            number: "V1234567897".into(),
            customer_id: customer,
            source_account: ALICE_ACCOUNT.into(),
            float_account: FLOAT.into(),
            amount: Money::new(1_000, gbp),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
            backup_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$YmFjaw".into(),
            msisdn: Some("447700900101".into()),
            purchase_key: PaymentId::generate(),
        };
        store.insert_voucher(v, 1).await.expect("insert");
        store
            .activate_voucher("V1234567897", "SIM1", 1)
            .await
            .expect("activate");
        store.close().await.expect("close");
    }
    let listed = gw.run(&["vouchers", "list", "--json"]).ok();
    let lines = listed.json_lines();
    assert_eq!(lines.len(), 1, "{listed:?}");
    assert_eq!(lines[0]["status"], "active");
    assert_eq!(lines[0]["balance"], "GBP 10.00");
    let shown = gw.run(&["vouchers", "show", "V1234567897", "--json"]).ok();
    assert!(shown.stdout.contains("\"purchase\""), "{shown:?}");
    assert!(!shown.stdout.contains("argon2"), "no hash in {shown:?}");

    let returned = gw.run(&["vouchers", "return-unspent"]).ok();
    assert!(returned.stdout.contains("V1234567897"), "{returned:?}");
    let again = gw.run(&["vouchers", "return-unspent"]).ok();
    assert!(
        !again.stdout.contains("V1234567897"),
        "returned twice: {again:?}"
    );
    let bank = SimBank::open_dir(&gw.data(), Default::default()).expect("bank");
    let alice = bank
        .balance(ALICE_ACCOUNT)
        .await
        .expect("bank")
        .expect("alice");
    assert_eq!(alice.minor, 1_000, "the balance went back once");
    let listed = gw.run(&["vouchers", "list", "--json"]).ok();
    assert_eq!(listed.json_lines()[0]["status"], "returned");
    gw.run(&["vouchers", "show", "V0000000000"])
        .fails(1, "no voucher");
}
