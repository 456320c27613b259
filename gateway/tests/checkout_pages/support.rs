//! A gateway's public router on 127.0.0.1:0 around a real payment service
//! (memory store, or a file one in [`Options`], simulated bank, cheap
//! argon2) with a fake SMS sender that records every text; one customer
//! (two phones) and one merchant. Shared by `checkout_pages.rs`,
//! `admin_api.rs` and `security.rs`.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use gateway::bank::{SimBank, SimBankConfig};
use gateway::codes::{CodeKey, CodePolicy};
use gateway::config::{LockoutConfig, PasswordParams};
use gateway::customers::{CustomerService, Registration};
use gateway::domain::{CustomerId, MerchantId, Money, OnlineIdentity, Password, PaymentId};
use gateway::http::{AppState, public_router};
use gateway::payments::{
    Clock, CreatePayment, FlowSettings, PaymentService, SentSms, SmsFailure, SmsSender,
};
use gateway::pki::Ca;
use gateway::sms::Locale;
use gateway::store::{NewMerchant, NewTerminal, Store, TerminalKind};

pub const PASSWORD: &str = "alice-pass-1";
pub const PHONE: &str = "447700900101";
pub const WORK_PHONE: &str = "447700900202";
pub const ADMIN_TOKEN: &str = "admin-token-for-tests-0123456789";

/// Records (number, text) of every SMS and answers with message ids.
#[derive(Default)]
pub struct FakeSms {
    pub sent: Mutex<Vec<(String, String)>>,
    next: AtomicU64,
}

impl SmsSender for FakeSms {
    fn send<'a>(
        &'a self,
        msisdn: &'a str,
        text: &'a str,
        _reference: &'a str,
        _valid_for: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async move {
            self.sent
                .lock()
                .expect("sms log")
                .push((msisdn.to_owned(), text.to_owned()));
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            Ok(SentSms {
                smsc: "fake".into(),
                message_ids: vec![format!("msg-{n}")],
            })
        })
    }
}

impl FakeSms {
    pub fn count(&self) -> usize {
        self.sent.lock().expect("sms log").len()
    }

    /// The 6-digit code of the latest SMS to `msisdn`.
    pub fn code_to(&self, msisdn: &str) -> String {
        let sent = self.sent.lock().expect("sms log");
        let (_, text) = sent
            .iter()
            .rev()
            .find(|(to, _)| to == msisdn)
            .expect("an SMS to this number");
        text.split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 6)
            .expect("a 6-digit code in the SMS")
            .to_owned()
    }
}

/// How [`Harness::start_with`] builds the gateway.
pub struct Options {
    pub merchant_name: String,
    pub admin_token: Option<String>,
    pub policy: CodePolicy,
    /// Keep the store in `Harness::data` (a file) instead of memory.
    pub file_store: bool,
    /// `[http] trusted_proxies`.
    pub trusted_proxies: Vec<gateway::http::client_ip::Cidr>,
    /// `[bank_link] token`.
    pub bank_link_token: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            merchant_name: "ACME Books".into(),
            admin_token: None,
            policy: CodePolicy::default(),
            file_store: false,
            trusted_proxies: Vec::new(),
            bank_link_token: None,
        }
    }
}

pub struct Harness {
    pub base: String,
    /// The data directory (the CA, and the database of a file store).
    pub data: std::path::PathBuf,
    pub app: AppState,
    pub sms: Arc<FakeSms>,
    pub bank: Arc<SimBank>,
    pub merchant: MerchantId,
    pub customer: CustomerId,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn gbp(s: &str) -> Money {
    format!("GBP {s}").parse().expect("money")
}

pub fn alice() -> Registration {
    let terminal = |msisdn: &str, label: &str| NewTerminal {
        msisdn: msisdn.into(),
        kind: TerminalKind::Phone,
        label: label.into(),
    };
    Registration {
        name: "Alice".into(),
        id_document: "P1234567".into(),
        identities: vec![
            OnlineIdentity::parse("+447700900101").expect("phone"),
            OnlineIdentity::parse("alice").expect("alias"),
        ],
        password: Password::new(PASSWORD.into()).expect("password"),
        backup_code: None,
        terminals: vec![terminal(PHONE, "mobile"), terminal(WORK_PHONE, "work")],
        accounts: vec!["GB00ALICE".into()],
        limit_per_payment: None,
        limit_per_day: None,
        locale: Locale::En,
    }
}

impl Harness {
    /// `merchant_name` is shown on the pages; `admin_token` turns the admin API on.
    pub async fn start(merchant_name: &str, admin_token: Option<&str>) -> Harness {
        Harness::start_with(Options {
            merchant_name: merchant_name.into(),
            admin_token: admin_token.map(Into::into),
            ..Options::default()
        })
        .await
    }

    pub async fn start_with(o: Options) -> Harness {
        let (merchant_name, admin_token) = (o.merchant_name.as_str(), o.admin_token.as_deref());
        let dir = tempfile::tempdir().expect("tempdir");
        let store = if o.file_store {
            Store::open_dir(dir.path()).expect("file store")
        } else {
            Store::memory().expect("store")
        };
        let cheap = PasswordParams {
            m_kib: 8,
            t: 1,
            p: 1,
        };
        let customers = CustomerService::new(store.clone(), cheap, LockoutConfig::default())
            .await
            .expect("customers");
        let clock = Clock::default();
        let (customer, _) = customers
            .register(alice(), clock.now_ms())
            .await
            .expect("register alice");
        let bank = Arc::new(SimBank::memory(SimBankConfig::default()).expect("bank"));
        for (number, balance) in [("GB00ALICE", "1000.00"), ("GB00SHOP", "0.00")] {
            bank.open_account(number, number, gbp(balance), None)
                .await
                .expect("account");
        }
        let merchant = MerchantId::generate();
        store
            .create_merchant(
                NewMerchant {
                    id: merchant.clone(),
                    name: merchant_name.into(),
                    bank_account: "GB00SHOP".into(),
                    webhook_url: None,
                    webhook_secret: "whsec-test".into(),
                    cert_fingerprint: None,
                },
                clock.now_ms(),
            )
            .await
            .expect("merchant");
        let sms = Arc::new(FakeSms::default());
        let payments = PaymentService::new(
            store,
            customers,
            Arc::clone(&bank) as Arc<dyn gateway::bank::Bank>,
            Arc::clone(&sms) as Arc<dyn SmsSender>,
            CodeKey::random(),
            o.policy,
            FlowSettings::default(),
            clock,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let app = AppState {
            payments,
            admin_token: admin_token.map(Arc::from),
            public_url: Arc::from(base.as_str()),
            secure_cookies: false,
            ca: Arc::new(Ca::load_or_create(dir.path()).expect("ca")),
            smsc_status: Arc::new(Vec::new),
            trusted_proxies: Arc::from(o.trusted_proxies.clone()),
            bank_link_token: o.bank_link_token.as_deref().map(Arc::from),
        };
        let service =
            public_router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, service).await.expect("serve");
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Harness {
            base,
            data: dir.path().to_path_buf(),
            app,
            sms,
            bank,
            merchant,
            customer,
            client,
            server,
            _dir: dir,
        }
    }

    /// A new GBP 12.50 payment of the merchant.
    pub async fn payment(&self) -> PaymentId {
        self.payment_with_hint(None).await
    }

    /// The same, with the merchant's `customer_hint`.
    pub async fn payment_with_hint(&self, customer_hint: Option<&str>) -> PaymentId {
        let req = CreatePayment {
            order_id: "ord-1".into(),
            amount: "12.50".into(),
            currency: "GBP".into(),
            description: "Two <b>paperbacks</b>".into(),
            return_url: Some("https://shop.example/done".into()),
            customer_hint: customer_hint.map(str::to_owned),
        };
        let (p, _) = self
            .app
            .payments
            .create(&self.merchant, req, None)
            .await
            .expect("create payment");
        p.id
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn balance(&self, account: &str) -> i64 {
        self.bank
            .balance(account)
            .await
            .expect("bank")
            .expect("account")
            .minor
    }
}
