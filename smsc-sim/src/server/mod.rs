//! The SMSC as a library value: [`Smsc::build`] binds every listener (port 0
//! allowed) and opens the store; [`Smsc::run_until`] restores undelivered
//! messages and queued receipts, serves until the shutdown future resolves,
//! then unbinds every session, drains them within the drain timeout and
//! closes the store.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::Accounts;
use crate::clock::Clock;
use crate::config::Config;
use crate::core::{AirSettings, Core, IdGen, Stats};
use crate::faults::FaultEngine;
use crate::hlr::Hlr;
use crate::store::Store;
use crate::switch::{self, SwitchInbox};

mod from_config;
mod restore;

use from_config::{hlr_from, settings_from};
use restore::restore;

pub struct Smsc {
    core: Arc<Core>,
    inbox: SwitchInbox,
    smpp: TcpListener,
    tls: Option<(TcpListener, TlsAcceptor)>,
    http: TcpListener,
    air: TcpListener,
}

impl std::fmt::Debug for Smsc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smsc")
            .field("smpp", &self.smpp.local_addr().ok())
            .finish()
    }
}

impl Smsc {
    /// Bind the listeners and open the store. `config.store` decides memory or disk.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = match (&config.store.data_dir, config.store.memory) {
            (Some(dir), false) => Store::open_dir(
                dir,
                match config.store.sync {
                    crate::config::SyncMode::Normal => crate::store::SyncMode::Normal,
                    crate::config::SyncMode::Full => crate::store::SyncMode::Full,
                },
            )?,
            _ => Store::memory(),
        };
        let smpp = TcpListener::bind(config.smpp.listen).await?;
        let http = TcpListener::bind(config.http.listen).await?;
        let air = TcpListener::bind(config.air.listen).await?;
        let tls = match &config.smpp.tls {
            Some(t) => Some((
                TcpListener::bind(t.listen).await?,
                crate::tls::acceptor(&t.cert, &t.key)?,
            )),
            None => None,
        };
        let (switch, inbox) = switch::channel();
        let clock = Clock::new();
        let billing = Arc::new(crate::billing::Billing::open(
            &config.billing,
            config
                .store
                .data_dir
                .as_deref()
                .filter(|_| !config.store.memory),
            Arc::new(move || clock.now_ms()),
        )?);
        let core = Arc::new(Core {
            settings: settings_from(&config),
            air_settings: AirSettings {
                heartbeat: config.air.heartbeat,
                deliver_timeout: config.air.deliver_timeout,
                max_frame_len: config.air.max_frame_len as usize,
                max_cells: config.air.max_cells.get(),
                hello_timeout: config.air.hello_timeout,
            },
            http_limits: crate::http::HttpLimits {
                max_connections: config.http.max_connections.get(),
                header_timeout: config.http.header_timeout,
                idle_timeout: config.http.idle_timeout,
            },
            delivery: config.delivery.clone(),
            hlr: Arc::new(hlr_from(&config)),
            cells: crate::air::Cells::default(),
            journal: crate::journal::Journal::new(clock),
            accounts: Accounts::new(config.accounts.iter().cloned()),
            bind_guard: crate::bind_guard::BindGuard::new(config.smpp.max_bind_failures_per_min),
            store,
            switch,
            faults: Arc::new(FaultEngine::from_config(&config.faults)),
            clock,
            stats: Stats::default(),
            ids: IdGen::default(),
            billing,
        });
        Ok(Self {
            core,
            inbox,
            smpp,
            tls,
            http,
            air,
        })
    }

    pub fn smpp_addr(&self) -> SocketAddr {
        self.smpp
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn air_addr(&self) -> SocketAddr {
        self.air
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// The JSON line printed once ready.
    pub fn ready_line(&self) -> String {
        let mut v = serde_json::json!({
            "smpp": self.smpp_addr().to_string(),
            "http": self.http_addr().to_string(),
            "air": self.air_addr().to_string(),
        });
        if let Some(a) = self.tls_addr() {
            v["smpp_tls"] = a.to_string().into();
        }
        v.to_string()
    }

    pub fn core(&self) -> Arc<Core> {
        Arc::clone(&self.core)
    }

    pub fn hlr(&self) -> Arc<Hlr> {
        Arc::clone(&self.core.hlr)
    }

    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Smsc {
            core,
            inbox,
            smpp,
            tls,
            http,
            air,
        } = self;
        let switch_task = tokio::spawn(switch::run(Arc::clone(&core), inbox));
        restore(&core).await?;
        let token = CancellationToken::new();
        let tracker = TaskTracker::new();
        let slots = Arc::new(Semaphore::new(core.settings.max_connections));
        tracker.spawn(accept(
            Arc::clone(&core),
            smpp,
            None,
            token.clone(),
            tracker.clone(),
            Arc::clone(&slots),
        ));
        for account in core.accounts.iter() {
            if let Some(addr) = account.policy.outbind {
                tracker.spawn(crate::outbind::run(
                    Arc::clone(&core),
                    Arc::clone(account),
                    addr,
                    token.clone(),
                ));
            }
        }
        tracker.spawn(crate::air::accept(
            Arc::clone(&core),
            air,
            token.clone(),
            tracker.clone(),
        ));
        if let Some((listener, acceptor)) = tls {
            tracker.spawn(accept(
                Arc::clone(&core),
                listener,
                Some(acceptor),
                token.clone(),
                tracker.clone(),
                slots,
            ));
        }
        let app = crate::http::router(Arc::clone(&core));
        let http_task = tokio::spawn(crate::http::serve(
            http,
            app,
            core.http_limits,
            token.clone(),
            Duration::from_secs(1),
        ));
        shutdown.await;
        tracing::info!("shutting down: unbinding sessions");
        token.cancel();
        tracker.close();
        let grace = core.settings.drain_timeout + Duration::from_secs(1);
        if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
            tracing::warn!("sessions did not drain in time");
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), http_task).await;
        switch_task.abort();
        core.store.close().await?;
        Ok(())
    }
}

/// Accept connections until shutdown; `tls` wraps each one before its
/// session. Each connection holds one of `slots` until it ends; with none
/// free a new connection is closed at once, so a bind flood cannot exhaust
/// the process (a silent one frees its slot at `bind_timeout_s`).
async fn accept(
    core: Arc<Core>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    token: CancellationToken,
    tracker: TaskTracker,
    slots: Arc<Semaphore>,
) {
    let mut refused: u64 = 0;
    loop {
        let (stream, peer) = tokio::select! {
            _ = token.cancelled() => return,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            refused += 1;
            // Logged at powers of two: a flood must not flood the log too.
            if refused.is_power_of_two() {
                tracing::warn!(%peer, refused, "SMPP connection limit reached; closing new connections");
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (core, child) = (Arc::clone(&core), token.child_token());
        let Some(acceptor) = tls.clone() else {
            tracker.spawn(async move {
                crate::session::serve(core, stream, peer, child).await;
                drop(slot);
            });
            continue;
        };
        tracker.spawn(async move {
            // A handshake that stalls must not hold a task forever.
            match tokio::time::timeout(core.settings.bind_timeout, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => crate::session::serve(core, tls, peer, child).await,
                Ok(Err(e)) => tracing::info!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
            }
            drop(slot);
        });
    }
}
