//! The gateway as a library value: [`Gateway::build`] opens the data
//! directory (store, bank ledger, CA, code key), imports the fixtures,
//! binds the SMSCs and both listeners (port 0 allowed); [`Gateway::run_until`]
//! serves the checkout, admin and merchant APIs and runs the background
//! work (expiry, receipts, webhooks) until the shutdown future resolves,
//! then unbinds from the SMSCs and closes the store.
//!
//! Fixture merchants without a certificate get one on the first start,
//! written to `DATA_DIR/merchants/<id>/` (`client.pem`, `client.key`,
//! `ca.pem`) so demos and tests can call the merchant API at once.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::bank::{Bank, SimBank};
use crate::codes::CodeKey;
use crate::config::Config;
use crate::customers::CustomerService;
use crate::http::{self, AppState};
use crate::payments::{Clock, FlowSettings, PaymentService};
use crate::pki::{self, Ca};
use crate::sms::{DeliveryReport, SmsGateway};
use crate::store::Store;

mod backup_codes;
mod merchants;
mod run;

use backup_codes::write_generated_backup_codes;

use merchants::issue_fixture_certs;
pub use merchants::write_merchant_files;

pub struct Gateway {
    state: AppState,
    bank: Arc<SimBank>,
    sms: Arc<SmsGateway>,
    reports: tokio::sync::mpsc::Receiver<DeliveryReport>,
    /// Handset confirmation: merchant terminals' pushes and the replies.
    push: crate::payments::push::PushService,
    /// Prepaid vouchers (issue 8 part 4).
    vouchers: crate::vouchers::VoucherService,
    /// Carrier billing: the operators offered at checkout (issue 8 part 2).
    carriers: crate::carrier::Carriers,
    http: TcpListener,
    merchant: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    data_dir: PathBuf,
    webhooks: crate::webhooks::WebhookConfig,
    limits: http::serve::Limits,
    /// Holds the CA and keys of a memory-only gateway until it stops.
    _scratch: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

fn now_ms() -> i64 {
    Clock::default().now_ms()
}

impl Gateway {
    pub async fn build(config: Config) -> anyhow::Result<Gateway> {
        let (data_dir, scratch) = match (&config.store.data_dir, config.store.memory) {
            (Some(dir), false) => (dir.clone(), None),
            _ => {
                let t = tempfile::tempdir().context("scratch directory for keys")?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        let memory = scratch.is_some();
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let store = if memory {
            Store::memory()?
        } else {
            Store::open_dir_with(&data_dir, config.store.sync)?
        };
        let customers = CustomerService::from_config(store.clone(), &config).await?;
        let report = customers.import_fixtures(&config, now_ms()).await?;
        write_generated_backup_codes(&data_dir, &report.customers_added)?;
        let bank = if memory {
            SimBank::memory(config.bank.clone())?
        } else {
            SimBank::open_dir(&data_dir, config.bank.clone())?
        };
        for a in &config.bank_accounts {
            bank.open_account(&a.number, &a.holder, a.balance, None)
                .await?;
        }
        let ca = Ca::load_or_create(&data_dir)?;
        issue_fixture_certs(&store, &ca, &data_dir).await?;
        let hosts: Vec<&str> = config
            .merchant_api
            .hosts
            .iter()
            .map(String::as_str)
            .collect();
        let server = pki::server_cert(&ca, &hosts)?;
        let tls = pki::mtls_server_config(&ca, &server)?;
        let key = if memory {
            CodeKey::random()
        } else {
            CodeKey::load_or_create(&data_dir)?
        };
        let (sms, reports) = SmsGateway::start(config.smsc.clone()).await?;
        let sms = Arc::new(sms);
        let http = TcpListener::bind(config.http.listen).await?;
        let merchant = TcpListener::bind(config.merchant_api.listen).await?;
        let public_url = config.http.public_url.clone().unwrap_or_else(|| {
            format!("http://{}", http.local_addr().unwrap_or(config.http.listen))
        });
        let settings = FlowSettings {
            default_locale: config.sms.locale.as_str().to_owned(),
            refuse_on_sim_swap: config
                .sim_swap
                .as_ref()
                .is_some_and(|s| s.on_swap == crate::operator::OnSwap::Refuse),
            ..FlowSettings::default()
        };
        let bank = Arc::new(bank);
        let payments = PaymentService::new(
            store,
            customers,
            Arc::clone(&bank) as Arc<dyn Bank>,
            Arc::clone(&sms) as Arc<dyn crate::payments::SmsSender>,
            key,
            config.codes.clone(),
            settings,
            Clock::default(),
        );
        let payments = match &config.sim_swap {
            Some(s) => {
                payments.with_sim_swap_check(Arc::new(crate::operator::CamaraSimSwap::new(s)?))
            }
            None => payments,
        };
        let push = crate::payments::push::PushService::new(
            payments.clone(),
            Arc::clone(&sms) as Arc<dyn crate::payments::push::ServiceSms>,
            config.push.clone(),
        );
        let vouchers = crate::vouchers::VoucherService::new(
            payments.clone(),
            Arc::clone(&bank) as Arc<dyn Bank>,
            Arc::clone(&sms) as Arc<dyn crate::payments::SmsSender>,
            config.vouchers.clone(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("vouchers: {e}"))?;
        let state = AppState {
            payments,
            admin_token: config.admin.token.as_deref().map(Arc::from),
            secure_cookies: public_url.starts_with("https://"),
            public_url: Arc::from(public_url.trim_end_matches('/')),
            ca: Arc::new(ca),
            smsc_status: {
                let sms = Arc::clone(&sms);
                Arc::new(move || sms.status())
            },
            trusted_proxies: Arc::from(config.http.trusted_proxies.as_slice()),
            bank_link_token: config.bank_link.token.as_deref().map(Arc::from),
        };
        Ok(Gateway {
            state,
            bank,
            sms,
            reports,
            push,
            vouchers,
            http,
            merchant,
            tls,
            data_dir,
            webhooks: crate::webhooks::WebhookConfig {
                extra_roots: config.webhooks.extra_roots().map_err(anyhow::Error::msg)?,
                ..config.webhooks.worker_config()
            },
            limits: config.http.limits(),
            carriers: crate::carrier::Carriers::new(&config.carriers)?,
            _scratch: scratch,
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn merchant_addr(&self) -> SocketAddr {
        self.merchant
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn payments(&self) -> PaymentService {
        self.state.payments.clone()
    }

    /// Handset confirmation (merchant terminals' pushes).
    pub fn push(&self) -> crate::payments::push::PushService {
        self.push.clone()
    }

    /// Prepaid vouchers.
    pub fn vouchers(&self) -> crate::vouchers::VoucherService {
        self.vouchers.clone()
    }

    /// The simulated bank (balances for demos and tests).
    pub fn bank(&self) -> Arc<SimBank> {
        Arc::clone(&self.bank)
    }

    pub fn ca_pem(&self) -> String {
        self.state.ca.cert_pem()
    }

    /// The JSON line printed once ready.
    pub fn ready_line(&self) -> String {
        serde_json::json!({
            "http": self.http_addr().to_string(),
            "merchant": self.merchant_addr().to_string(),
        })
        .to_string()
    }
}
