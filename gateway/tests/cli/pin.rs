//! `customers add --pin` and `customers pin`: the payment PIN (handset
//! confirmation) comes from stdin after the password, never from argv, is
//! stored so that it verifies, and is never printed.

use gateway::customers::PinCheck;
use gateway::domain::CustomerId;

use super::support::Install;

#[tokio::test]
async fn the_pin_is_read_from_stdin_after_the_password_and_can_be_replaced() {
    let gw = Install::new();
    let mut args = vec![
        "customers",
        "add",
        "--name",
        "Pat Pin",
        "--id-document",
        "P7654321",
        "--identity",
        "pat",
        "--terminal",
        "447700900109",
        "--account",
        "GB33SWBK00000000000101",
        "--pin",
    ];
    let out = gw.run_stdin(&args, "correct horse 42\n4821\n").ok();
    let id = CustomerId(out.field("customer_id").parse().expect("id"));
    assert!(
        !out.stdout.contains("4821") && !out.stderr.contains("4821"),
        "{out:?}"
    );
    let customers = gw.customers().await;
    assert_eq!(
        customers.check_pin(id, "4821", 3, 1).await.expect("check"),
        PinCheck::Right
    );

    let out = gw
        .run_stdin(&["customers", "pin", &id.0.to_string()], "97531\n")
        .ok();
    assert!(out.stdout.contains("payment PIN set") && !out.stdout.contains("97531"));
    let customers = gw.customers().await;
    assert_eq!(
        customers.check_pin(id, "97531", 3, 2).await.expect("check"),
        PinCheck::Right
    );
    gw.run_stdin(&["customers", "pin", &id.0.to_string()], "12\n")
        .fails(1, "4 to 8 digits");
    // Without a PIN line, `add --pin` registers nobody.
    args[5] = "P7654322";
    args[7] = "pat2";
    gw.run_stdin(&args, "correct horse 42\n")
        .fails(1, "no PIN on stdin");
}
