//! Instructions from the bank: open adds the phone to every holder of the
//! account once, cancel takes the account out of what may pay, and a
//! reference is applied once (a replay changes nothing, a reuse for
//! another instruction is refused).

use super::*;
use crate::store::{BankInstruction, SmsMethodAction};

fn instruction(reference: &str, action: SmsMethodAction, msisdn: &str) -> BankInstruction {
    BankInstruction {
        reference: reference.into(),
        action,
        account: "GB00alice2".into(),
        msisdn: msisdn.into(),
    }
}

#[tokio::test]
async fn open_cancel_and_replays() {
    let (store, alice, _) = seeded().await;
    let open = instruction("b-1", SmsMethodAction::Open, "447700900999");
    let first = store
        .apply_bank_instruction(open.clone(), T0)
        .await
        .expect("open");
    assert_eq!(
        (
            first.customers.as_slice(),
            first.terminals_added,
            first.replayed
        ),
        (&[alice][..], 1, false)
    );
    let phones: Vec<String> = store
        .terminals(alice)
        .await
        .expect("terminals")
        .into_iter()
        .map(|t| t.msisdn)
        .collect();
    assert_eq!(phones, ["447700900101", "447700900999"]);
    let again = store
        .apply_bank_instruction(open, T0 + 1)
        .await
        .expect("replay");
    assert_eq!((again.terminals_added, again.replayed), (0, true));
    assert_eq!(store.terminals(alice).await.expect("terminals").len(), 2);
    let reuse = instruction("b-1", SmsMethodAction::Cancel, "447700900999");
    assert!(matches!(
        store.apply_bank_instruction(reuse, T0 + 2).await,
        Err(StoreError::Duplicate(_))
    ));

    assert_eq!(
        store.payable_accounts(alice).await.expect("accounts"),
        ["GB00alice1", "GB00alice2"]
    );
    let cancel = instruction("b-2", SmsMethodAction::Cancel, "447700900999");
    let done = store
        .apply_bank_instruction(cancel, T0 + 3)
        .await
        .expect("cancel");
    assert_eq!((done.customers.len(), done.terminals_added), (1, 0));
    assert_eq!(
        store.payable_accounts(alice).await.expect("accounts"),
        ["GB00alice1"]
    );
    assert_eq!(
        store.bank_enrolment("GB00alice2").await.expect("read"),
        Some(("447700900999".to_owned(), false))
    );
    assert_eq!(
        store.bank_enrolment("GB00nobody").await.expect("read"),
        None
    );
    let audit = store.audit_log(10).await.expect("audit");
    assert_eq!(
        audit.len(),
        2,
        "one entry per applied instruction: {audit:?}"
    );

    // An account nobody linked yet: recorded, no customer touched.
    let unknown = BankInstruction {
        account: "GB00nobody".into(),
        ..instruction("b-3", SmsMethodAction::Open, "447700900998")
    };
    let r = store
        .apply_bank_instruction(unknown, T0 + 4)
        .await
        .expect("open");
    assert!(r.customers.is_empty());
    assert_eq!(
        store.bank_enrolment("GB00nobody").await.expect("read"),
        Some(("447700900998".to_owned(), true))
    );
}
