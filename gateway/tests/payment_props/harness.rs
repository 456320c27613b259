//! One gateway per case, in process: a memory store, a customer (Alice:
//! one phone, one bank account with GBP 30.00), a merchant with a webhook
//! URL and another merchant, the simulated bank behind a switch that can
//! make it unavailable and that counts transfers per payment, a fake SMS
//! sender that can fail and keeps every text, and the payment service on
//! a clock the test moves forward. Limits that are not under test here
//! (per-number and per-IP windows) are set out of reach.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use gateway::bank::{Bank, BankError, BankOutcome, SimBank, SimBankConfig, Transfer};
use gateway::codes::{CodeKey, CodePolicy, CodePolicySettings};
use gateway::config::{LockoutConfig, PasswordParams};
use gateway::customers::{CustomerService, Registration};
use gateway::domain::{MerchantId, Money, OnlineIdentity, Password};
use gateway::payments::{Clock, FlowSettings, PaymentService, SentSms, SmsFailure, SmsSender};
use gateway::sms::Locale;
use gateway::store::{NewMerchant, NewTerminal, Store, TerminalKind};

use super::model::{CODE_TTL_S, MAX_ATTEMPTS, MAX_PASSWORD_FAILURES, OPENING_BALANCE};

pub const PASSWORD: &str = "alice-pass-1";
pub const PHONE: &str = "447700900101";
pub const ALICE_ACCOUNT: &str = "GB00ALICE";
pub const SHOP_ACCOUNT: &str = "GB00SHOP";

/// Keeps (reference, text) of every SMS; fails them all while `down`.
#[derive(Default)]
pub struct FakeSms {
    pub down: AtomicBool,
    sent: Mutex<Vec<(String, String)>>,
}

impl SmsSender for FakeSms {
    fn send<'a>(
        &'a self,
        _msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        _valid_for: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            if self.down.load(Ordering::SeqCst) {
                return Err(SmsFailure::Unavailable("switched off by the test".into()));
            }
            let mut sent = self.sent.lock().expect("sms log");
            sent.push((reference.to_owned(), text.to_owned()));
            Ok(SentSms {
                smsc: "fake".into(),
                message_ids: vec![format!("msg-{}", sent.len())],
            })
        })
    }
}

impl FakeSms {
    /// The code in the last SMS about payment `reference`.
    pub fn last_code(&self, reference: &str) -> Option<String> {
        let sent = self.sent.lock().expect("sms log");
        let (_, text) = sent.iter().rev().find(|(r, _)| r == reference)?;
        let mut runs = text.split(|c: char| !c.is_ascii_digit());
        runs.find(|run| run.len() == 6).map(str::to_owned)
    }
}

/// The simulated bank, unavailable while `down`; counts the transfers
/// asked for each payment.
pub struct SwitchBank {
    pub bank: SimBank,
    pub down: AtomicBool,
    pub calls: Mutex<HashMap<String, u32>>,
}

impl Bank for SwitchBank {
    fn transfer(&self, t: Transfer) -> BoxFuture<'_, Result<BankOutcome, BankError>> {
        Box::pin(async move {
            *self
                .calls
                .lock()
                .expect("calls")
                .entry(t.payment_id.as_str().to_owned())
                .or_default() += 1;
            if self.down.load(Ordering::SeqCst) {
                return Err(BankError::Unavailable);
            }
            self.bank.transfer(t).await
        })
    }
}

pub struct World {
    pub payments: PaymentService,
    pub store: Store,
    pub sms: Arc<FakeSms>,
    pub bank: Arc<SwitchBank>,
    pub clock: Clock,
    pub merchant: MerchantId,
    pub other_merchant: MerchantId,
}

fn gbp(minor: i64) -> Money {
    format!("GBP {}.{:02}", minor / 100, minor % 100)
        .parse()
        .expect("money")
}

fn alice() -> Registration {
    Registration {
        name: "Alice".into(),
        id_document: "P1234567".into(),
        identities: vec![OnlineIdentity::parse("alice").expect("alias")],
        password: Password::new(PASSWORD.into()).expect("password"),
        backup_code: None,
        terminals: vec![NewTerminal {
            msisdn: PHONE.into(),
            kind: TerminalKind::Phone,
            label: "mobile".into(),
        }],
        accounts: vec![ALICE_ACCOUNT.into()],
        limit_per_payment: None,
        limit_per_day: None,
        locale: Locale::En,
    }
}

fn policy() -> CodePolicy {
    let ttl_s = u64::try_from(CODE_TTL_S).expect("positive");
    CodePolicy::try_from(CodePolicySettings {
        ttl_s,
        max_attempts: MAX_ATTEMPTS,
        per_number_10min: 1000,
        per_number_hour: 10_000,
        per_ip_starts_per_min: 10_000,
        per_ip_checks_per_min: 10_000,
        ..CodePolicySettings::default()
    })
    .expect("policy in range")
}

impl World {
    pub async fn start() -> World {
        let store = Store::memory().expect("store");
        let cheap = PasswordParams {
            m_kib: 8,
            t: 1,
            p: 1,
        };
        let lockout = LockoutConfig {
            max_password_failures: MAX_PASSWORD_FAILURES,
            ..LockoutConfig::default()
        };
        let customers = CustomerService::new(store.clone(), cheap, lockout)
            .await
            .expect("customers");
        let clock = Clock::default();
        customers
            .register(alice(), clock.now_ms())
            .await
            .expect("register alice");
        let sim = SimBank::memory(SimBankConfig::default()).expect("bank");
        for (number, balance) in [(ALICE_ACCOUNT, OPENING_BALANCE), (SHOP_ACCOUNT, 0)] {
            sim.open_account(number, number, gbp(balance), None)
                .await
                .expect("account");
        }
        let bank = Arc::new(SwitchBank {
            bank: sim,
            down: AtomicBool::new(false),
            calls: Mutex::new(HashMap::new()),
        });
        let (merchant, other_merchant) = (MerchantId::generate(), MerchantId::generate());
        for (id, name, hook) in [
            (&merchant, "Shop", Some("http://127.0.0.1:9/hooks")),
            (&other_merchant, "Other", None),
        ] {
            let m = NewMerchant {
                id: id.clone(),
                name: name.into(),
                bank_account: SHOP_ACCOUNT.into(),
                webhook_url: hook.map(str::to_owned),
                webhook_secret: "whsec-test".into(),
                cert_fingerprint: None,
            };
            store
                .create_merchant(m, clock.now_ms())
                .await
                .expect("merchant");
        }
        let sms = Arc::new(FakeSms::default());
        let payments = PaymentService::new(
            store.clone(),
            customers,
            Arc::clone(&bank) as Arc<dyn Bank>,
            Arc::clone(&sms) as Arc<dyn SmsSender>,
            CodeKey::random(),
            policy(),
            FlowSettings::default(),
            clock.clone(),
        );
        World {
            payments,
            store,
            sms,
            bank,
            clock,
            merchant,
            other_merchant,
        }
    }

    pub async fn balance(&self, account: &str) -> i64 {
        let found = self.bank.bank.balance(account).await.expect("bank");
        found.expect("account").minor
    }

    pub fn bank_calls(&self, payment: &str) -> u32 {
        let calls = self.bank.calls.lock().expect("calls");
        calls.get(payment).copied().unwrap_or(0)
    }
}
