//! Customer service tests with cheap argon2 parameters (m=8 KiB, t=1),
//! except one hash with the default profile.

mod admin;
mod login;

use super::*;
use crate::domain::{OnlineIdentity, Password};
use crate::sms::Locale;
use crate::store::{CustomerStatus, NewTerminal, TerminalKind};

pub(super) const T0: i64 = 1_700_000_000_000;
pub(super) const CHEAP: PasswordParams = PasswordParams {
    m_kib: 8,
    t: 1,
    p: 1,
};
const LOCKOUT: LockoutConfig = LockoutConfig {
    max_password_failures: 3,
    max_backup_failures: 3,
};

pub(super) fn id(s: &str) -> OnlineIdentity {
    OnlineIdentity::parse(s).expect("identity")
}

pub(super) fn pw(s: &str) -> Password {
    Password::new(s.into()).expect("password")
}

pub(super) async fn service(store: Store, params: PasswordParams) -> CustomerService {
    CustomerService::new(store, params, LOCKOUT)
        .await
        .expect("service")
}

pub(super) fn alice() -> Registration {
    Registration {
        name: "Alice".into(),
        id_document: "P1234567".into(),
        identities: vec![id("+447700900101"), id("alice")],
        password: pw("alice-pass-1"),
        backup_code: None,
        terminals: vec![NewTerminal {
            msisdn: "447700900101".into(),
            kind: TerminalKind::Phone,
            label: "phone".into(),
        }],
        accounts: vec!["GB33SWBK00000000000101".into()],
        limit_per_payment: None,
        limit_per_day: None,
        locale: Locale::En,
    }
}

pub(super) async fn registered() -> (CustomerService, crate::domain::CustomerId, BackupCode) {
    let svc = service(Store::memory().expect("store"), CHEAP).await;
    let (cid, code) = svc.register(alice(), T0).await.expect("register");
    (svc, cid, code)
}
