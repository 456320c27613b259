//! handset-sim as a library value: [`HandsetSim::build`] checks the config,
//! creates the cell and binds the HTTP listener (port 0 allowed);
//! [`HandsetSim::run_until`] connects the cell to the switch (reconnecting
//! as needed) and serves the API until the shutdown future resolves, then
//! detaches every terminal, closes the link and stops the HTTP server
//! (event streams and long polls end at once). The HTTP listener runs with
//! the `[http]` connection limit and time-outs ([`crate::http::serve`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::cell::{Cell, LinkQueue};
use crate::config::Config;
use crate::http::HttpLimits;
use crate::link::{self, LinkSettings};

/// How long shutdown waits for the link and the HTTP server to finish.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

pub struct HandsetSim {
    cell: Arc<Cell>,
    queue: LinkQueue,
    link: LinkSettings,
    http: TcpListener,
    http_limits: HttpLimits,
}

impl std::fmt::Debug for HandsetSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandsetSim")
            .field("cell", &self.cell.id())
            .field("http", &self.http.local_addr().ok())
            .finish()
    }
}

impl HandsetSim {
    /// Checks `config`, builds the cell and binds the HTTP listener. The
    /// link is not opened until [`HandsetSim::run_until`].
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        config.check()?;
        let (cell, queue) = Cell::new(&config)?;
        let http = TcpListener::bind(config.http.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.http.listen))?;
        Ok(Self {
            cell,
            queue,
            link: LinkSettings::from(&config.cell),
            http,
            http_limits: HttpLimits {
                max_connections: config.http.max_connections.get(),
                header_timeout: config.http.header_timeout,
                idle_timeout: config.http.idle_timeout,
            },
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The switch's air-link address the cell connects to.
    pub fn air(&self) -> &str {
        &self.link.air
    }

    pub fn cell(&self) -> Arc<Cell> {
        Arc::clone(&self.cell)
    }

    /// The JSON line printed once ready: `{"http": "...", "cell": "..."}`.
    pub fn ready_line(&self) -> String {
        serde_json::json!({ "http": self.http_addr().to_string(), "cell": self.cell.id() })
            .to_string()
    }

    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let HandsetSim {
            cell,
            queue,
            link,
            http,
            http_limits,
        } = self;
        let token = CancellationToken::new();
        let link_task = tokio::spawn(link::run(Arc::clone(&cell), queue, link, token.clone()));
        let app = crate::http::router(Arc::clone(&cell), token.clone());
        let http_task = tokio::spawn(crate::http::serve(
            http,
            app,
            http_limits,
            token.clone(),
            STOP_TIMEOUT,
        ));
        shutdown.await;
        tracing::info!(cell = cell.id(), "shutting down: detaching terminals");
        token.cancel();
        if tokio::time::timeout(STOP_TIMEOUT, link_task).await.is_err() {
            tracing::warn!("air link did not close in time");
        }
        match tokio::time::timeout(STOP_TIMEOUT + Duration::from_secs(1), http_task).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "HTTP server task failed"),
            Err(_) => tracing::warn!("HTTP server did not stop in time"),
        }
        Ok(())
    }
}
