//! Handset confirmation over a memory store, the simulated bank and a fake
//! SMS sender: pushes, replies matched among several pending, wrong PINs
//! and lockout, declines, late, duplicate and foreign replies.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::{PushConfig, PushService, ServiceSms, TerminalPayment};
use crate::bank::{Bank, SimBank, SimBankConfig};
use crate::codes::{CodeKey, CodePolicy};
use crate::config::{LockoutConfig, PasswordParams};
use crate::customers::{CustomerService, PaymentPin, Registration};
use crate::domain::{MerchantId, Money, OnlineIdentity, Password, PaymentState};
use crate::payments::{Clock, FlowSettings, PaymentService, SentSms, SmsFailure, SmsSender};
use crate::sms::Locale;
use crate::store::{NewMerchant, NewTerminal, PushStatus, Store, TerminalKind};

const PHONE: &str = "447700900101";
const OTHER_PHONE: &str = "447700900999";
const ALICE_ACCOUNT: &str = "GB00ALICE";
const SHOP_ACCOUNT: &str = "GB00SHOP";

/// Keeps (to, sender, text) of every SMS.
#[derive(Default)]
struct Outbox(Mutex<Vec<(String, String, String)>>);

impl ServiceSms for Outbox {
    fn send_from<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        _reference: &'a str,
        sender: &'a str,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            let mut sent = self.0.lock().expect("outbox");
            sent.push((msisdn.into(), sender.into(), text.into()));
            Ok(SentSms {
                smsc: "fake".into(),
                message_ids: vec![format!("m{}", sent.len())],
            })
        })
    }
}

impl SmsSender for Outbox {
    fn send<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        reference: &'a str,
        _valid_for: Option<Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        self.send_from(msisdn, text, reference, "Switchboard")
    }
}

struct World {
    push: PushService,
    store: Store,
    sms: Arc<Outbox>,
    bank: Arc<SimBank>,
    clock: Clock,
    shop: MerchantId,
}

fn gbp(s: &str) -> Money {
    format!("GBP {s}").parse().expect("money")
}

async fn world() -> World {
    let store = Store::memory().expect("store");
    let cheap = PasswordParams {
        m_kib: 8,
        t: 1,
        p: 1,
    };
    let customers = CustomerService::new(store.clone(), cheap, LockoutConfig::default())
        .await
        .expect("customers");
    let clock = Clock::default();
    let reg = Registration {
        name: "Alice".into(),
        id_document: "P1234567".into(),
        identities: vec![OnlineIdentity::parse("alice").expect("alias")],
        password: Password::new("alice-pass-1".into()).expect("password"),
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
    };
    let (alice, _) = customers
        .register(reg, clock.now_ms())
        .await
        .expect("alice");
    let pin = PaymentPin::new("4821".into()).expect("pin");
    customers
        .set_pin(alice, &pin, clock.now_ms())
        .await
        .expect("pin");
    let bank = Arc::new(SimBank::memory(SimBankConfig::default()).expect("bank"));
    for (n, b) in [(ALICE_ACCOUNT, "100.00"), (SHOP_ACCOUNT, "0.00")] {
        bank.open_account(n, n, gbp(b), None)
            .await
            .expect("account");
    }
    let shop = MerchantId::generate();
    let m = NewMerchant {
        id: shop.clone(),
        name: "Demo Shop".into(),
        bank_account: SHOP_ACCOUNT.into(),
        webhook_url: Some("http://127.0.0.1:9/hooks".into()),
        webhook_secret: "whsec-test".into(),
        cert_fingerprint: None,
    };
    store
        .create_merchant(m, clock.now_ms())
        .await
        .expect("merchant");
    let sms = Arc::new(Outbox::default());
    let payments = PaymentService::new(
        store.clone(),
        customers,
        Arc::clone(&bank) as Arc<dyn Bank>,
        Arc::clone(&sms) as Arc<dyn SmsSender>,
        CodeKey::random(),
        CodePolicy::default(),
        FlowSettings::default(),
        clock.clone(),
    );
    let push = PushService::new(
        payments,
        Arc::clone(&sms) as Arc<dyn ServiceSms>,
        PushConfig::default(),
    );
    World {
        push,
        store,
        sms,
        bank,
        clock,
        shop,
    }
}

impl World {
    /// Starts a terminal payment for Alice; returns (payment id, reference).
    async fn pay(&self, amount: &str) -> (crate::domain::PaymentId, String) {
        let req = TerminalPayment {
            customer: "alice".into(),
            amount: amount.into(),
            currency: "GBP".into(),
            description: "Coffee".into(),
            terminal_id: "POS-1".into(),
            order_id: None,
        };
        let s = self
            .push
            .start(&self.shop, req, None)
            .await
            .expect("started");
        assert_eq!(s.payment.state, PaymentState::CodeSent);
        let push = s.push.expect("pushed");
        (s.payment.id, push.reference)
    }

    async fn reply(&self, from: &str, text: &str) -> String {
        self.push.answer(from, text).await.expect("answered")
    }

    async fn state(&self, id: &crate::domain::PaymentId) -> PaymentState {
        self.store
            .payment(id)
            .await
            .expect("read")
            .expect("payment")
            .state
    }

    async fn balance(&self, account: &str) -> i64 {
        self.bank
            .balance(account)
            .await
            .expect("bank")
            .expect("account")
            .minor
    }
}

#[tokio::test]
async fn the_push_names_merchant_amount_and_reference_from_the_service_number() {
    let w = world().await;
    let (id, r) = w.pay("12.50").await;
    let sent = w.sms.0.lock().expect("outbox").clone();
    let (to, from, text) = sent.last().expect("the push");
    assert_eq!((to.as_str(), from.as_str()), (PHONE, "7000"));
    assert!(
        text.contains("Demo Shop") && text.contains("GBP 12.50"),
        "{text}"
    );
    assert!(text.contains(&format!("Reply YES {r} <PIN>")), "{text}");
    let p = w.store.payment(&id).await.expect("read").expect("payment");
    assert_eq!(p.method, crate::domain::PaymentMethod::HandsetConfirm);
    // The payment lives as long as its push.
    let push = w.store.push_of(&id).await.expect("read").expect("push");
    assert_eq!(p.expires_at, push.expires_at);
}

#[tokio::test]
async fn several_pending_are_matched_by_reference_in_any_order() {
    let w = world().await;
    let (first, r1) = w.pay("1.00").await;
    let (second, r2) = w.pay("2.00").await;
    let answer = w.reply(PHONE, "YES 4821").await;
    assert!(answer.contains(&r1) && answer.contains(&r2), "{answer}");
    assert_eq!(w.state(&first).await, PaymentState::CodeSent);
    let answer = w
        .reply(
            &format!("+{PHONE}"),
            &format!("yes {} 4821", r2.to_lowercase()),
        )
        .await;
    assert!(answer.starts_with("Paid GBP 2.00 to Demo Shop"), "{answer}");
    assert_eq!(w.state(&second).await, PaymentState::Succeeded);
    assert_eq!(w.state(&first).await, PaymentState::CodeSent);
    // Only one is left now: the short form finds it.
    let answer = w.reply(PHONE, "NO").await;
    assert!(
        answer.contains("declined") && answer.contains(&r1),
        "{answer}"
    );
    assert_eq!(w.state(&first).await, PaymentState::Declined);
    assert_eq!(w.balance(SHOP_ACCOUNT).await, 200);
    assert_eq!(w.balance(ALICE_ACCOUNT).await, 9800);
}

#[tokio::test]
async fn wrong_pins_count_and_the_locking_one_declines() {
    let w = world().await;
    let (id, r) = w.pay("5.00").await;
    let answer = w.reply(PHONE, &format!("YES {r} 1111")).await;
    assert!(
        answer.contains("Wrong PIN") && answer.contains("2 attempt"),
        "{answer}"
    );
    assert!(
        !answer.contains("1111") && !answer.contains("4821"),
        "{answer}"
    );
    w.reply(PHONE, &format!("YES {r} 2222")).await;
    let answer = w.reply(PHONE, &format!("YES {r} 3333")).await;
    assert!(answer.contains("locked"), "{answer}");
    assert_eq!(w.state(&id).await, PaymentState::Declined);
    // The right PIN no longer helps, for this payment or a new one.
    let answer = w.reply(PHONE, &format!("YES {r} 4821")).await;
    assert!(answer.contains("can no longer be answered"), "{answer}");
    let req = TerminalPayment {
        customer: "alice".into(),
        amount: "1.00".into(),
        currency: "GBP".into(),
        description: String::new(),
        terminal_id: "POS-1".into(),
        order_id: None,
    };
    assert!(
        w.push.start(&w.shop, req, None).await.is_err(),
        "a locked PIN gets no push"
    );
    assert_eq!(w.balance(SHOP_ACCOUNT).await, 0);
}

#[tokio::test]
async fn duplicate_late_foreign_and_malformed_replies_are_answered() {
    let w = world().await;
    let (id, r) = w.pay("3.00").await;
    assert!(
        w.reply(PHONE, &format!("YES {r} 4821"))
            .await
            .starts_with("Paid")
    );
    let dup = w.reply(PHONE, &format!("YES {r} 4821")).await;
    assert!(dup.contains("already confirmed"), "{dup}");
    assert_eq!(w.balance(SHOP_ACCOUNT).await, 300, "paid once");
    assert_eq!(w.state(&id).await, PaymentState::Succeeded);

    let (late, r2) = w.pay("4.00").await;
    w.clock
        .advance(PushConfig::default().ttl() + Duration::from_secs(1));
    let answer = w.reply(PHONE, &format!("YES {r2} 4821")).await;
    assert!(answer.contains("expired"), "{answer}");
    assert_eq!(w.state(&late).await, PaymentState::Expired);
    assert_eq!(
        w.reply(PHONE, "YES 4821").await,
        super::texts::NOTHING_PENDING
    );

    let (_, r3) = w.pay("6.00").await;
    let foreign = w.reply(OTHER_PHONE, &format!("YES {r3} 4821")).await;
    assert_eq!(foreign, super::texts::NOT_REGISTERED);
    assert_eq!(w.reply(PHONE, "YES").await, super::texts::MISSING_PIN);
    assert_eq!(
        w.reply(PHONE, "YES K7Q2 12 34").await,
        super::texts::GARBLED
    );
    assert_eq!(w.reply(PHONE, "HELLO").await, super::texts::HELP);
    let unknown = w.reply(PHONE, "NO ZZZ9").await;
    assert!(unknown.contains("No payment ZZZ9"), "{unknown}");
    let push = w.store.pending_pushes(PHONE).await.expect("read");
    assert_eq!(push.len(), 1, "the third push is still open");
    assert_eq!(push[0].status, PushStatus::Pending);
}

#[test]
fn the_push_section_is_checked_as_it_is_read() {
    use crate::config::Config;
    const SMSC: &str = "[[smsc]]\nname = \"a\"\naddress = \"127.0.0.1:2775\"\n\
                        system_id = \"gw\"\npassword = \"pw\"\n";
    let c = Config::from_toml_str(SMSC).expect("defaults");
    assert_eq!(c.push, PushConfig::default());
    let text = format!("{SMSC}[push]\nservice_number = \"12345\"\nttl_s = 60\n");
    let c = Config::from_toml_str(&text).expect("valid");
    assert_eq!(
        (c.push.service_number.as_str(), c.push.ttl_s),
        ("12345", 60)
    );
    for (bad, field) in [
        ("service_number = \"70a0\"", "service_number"),
        ("service_number = \"70\"", "service_number"),
        ("ttl_s = 5", "ttl_s"),
        ("max_pin_failures = 0", "max_pin_failures"),
        ("colour = \"red\"", "colour"),
    ] {
        let e = Config::from_toml_str(&format!("{SMSC}[push]\n{bad}\n"))
            .expect_err(bad)
            .to_string();
        assert!(e.contains(field), "{bad}: {e}");
    }
}
