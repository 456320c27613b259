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
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::bank::{Bank, SimBank};
use crate::codes::CodeKey;
use crate::config::Config;
use crate::customers::CustomerService;
use crate::http::{self, AppState, mtls::MtlsListener};
use crate::payments::{Clock, FlowSettings, PaymentService, background};
use crate::pki::{self, Ca};
use crate::sms::{DeliveryReport, SmsGateway};
use crate::store::Store;
use crate::webhooks::WebhookWorker;

mod merchants;

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

    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Gateway {
            state,
            sms,
            reports,
            push,
            vouchers,
            carriers,
            http,
            merchant,
            tls,
            webhooks: webhook_config,
            limits,
            _scratch,
            ..
        } = self;
        let cancel = CancellationToken::new();
        let payments = state.payments.clone();
        payments
            .resume_settlements()
            .await
            .context("resuming settlements cut short by the last stop")?;
        let worker = WebhookWorker::spawn(
            background::outbox(payments.store()),
            webhook_config,
            cancel.clone(),
        )?;
        let expiry = tokio::spawn(
            payments
                .clone()
                .run_expiry(Duration::from_secs(1), cancel.clone()),
        );
        let receipts = tokio::spawn(payments.clone().run_receipts(reports));
        // The one consumer of MO messages: replies to pushes at the service number.
        let mo = sms.take_mo().map(|rx| {
            let number = push.config().service_number.clone();
            let dispatcher = crate::mo::MoDispatcher::new(
                Arc::clone(&sms) as Arc<dyn crate::payments::push::ServiceSms>
            )
            .route(
                &number,
                crate::payments::push::texts::HELP,
                Arc::new(push.clone()),
            );
            tokio::spawn(dispatcher.run(rx, cancel.clone()))
        });
        // Owns the worker: wakes it when a webhook is queued, and on
        // shutdown waits for it to stop.
        let webhooks = {
            let (payments, cancel) = (payments.clone(), cancel.clone());
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = payments.webhook_queued() => worker.wake(),
                    }
                }
                worker.stopped().await;
            })
        };
        let public = http::public_router(state.clone())
            .merge(http::vouchers::router(state.clone(), vouchers.clone()))
            .merge(http::carrier::router(state.clone(), carriers.clone()));
        let voucher_returns = vouchers
            .config()
            .return_job
            .then(|| tokio::spawn(vouchers.clone().run_return_job(cancel.clone())));
        let merchants = http::merchant_router_with_terminals(state.clone(), push.clone())
            .merge(http::carrier::refund::router(state, carriers));
        let mtls = MtlsListener::new(merchant, tls, &limits)?;
        let grace = Duration::from_secs(5);
        let public_task = tokio::spawn(http::serve::serve(
            http,
            public,
            limits,
            cancel.clone(),
            grace,
        ));
        let merchant_task = tokio::spawn(http::serve::serve(
            mtls,
            merchants,
            limits,
            cancel.clone(),
            grace,
        ));
        shutdown.await;
        tracing::info!("shutting down: draining HTTP, unbinding from the SMSCs");
        cancel.cancel();
        let _ = tokio::time::timeout(grace * 2, public_task).await;
        let _ = tokio::time::timeout(grace * 2, merchant_task).await;
        let _ = tokio::time::timeout(grace, webhooks).await;
        expiry.abort();
        if let Some(job) = voucher_returns {
            job.abort();
        }
        if let Some(mo) = mo {
            let _ = tokio::time::timeout(grace, mo).await;
        }
        sms.shutdown().await;
        receipts.abort();
        payments.store().close().await?;
        Ok(())
    }
}

/// Backup codes generated for fixture customers that gave none go to
/// `backup-codes.txt` (0600) in the data directory, never to the console
/// or the logs, which often end up in a journal; stderr says where.
fn write_generated_backup_codes(
    data_dir: &std::path::Path,
    added: &[(
        crate::domain::CustomerId,
        String,
        Option<crate::customers::BackupCode>,
    )],
) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let generated: Vec<_> = added
        .iter()
        .filter_map(|(id, name, code)| code.as_ref().map(|c| (id, name, c)))
        .collect();
    if generated.is_empty() {
        return Ok(());
    }
    let path = data_dir.join("backup-codes.txt");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    // `mode` only applies when the file is created; one that was already
    // there (an older build, an operator's touch) is tightened before any
    // code goes in.
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .with_context(|| format!("making {} private (0600)", path.display()))?;
    for (id, name, code) in &generated {
        writeln!(
            file,
            "customer {id} ({name}): backup code {}",
            code.expose()
        )?;
    }
    eprintln!(
        "{} generated backup code(s) written to {} (hand them over, then delete the file)",
        generated.len(),
        path.display()
    );
    Ok(())
}
