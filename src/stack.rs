//! Start smsc-sim, handset-sim and the gateway in one process, wired
//! together.
//!
//! [`StackConfig::from_fixtures`] reads `fixtures/smsc-sim.toml`,
//! `fixtures/handset-sim.toml` and `fixtures/gateway.toml` (the same
//! subscribers and customers everywhere);
//! [`StackConfig::on_free_ports`] moves every listener to 127.0.0.1:0 and
//! keeps messages in memory, for tests. [`Stack::start`] builds the SMSC
//! first, points the cell at the air address it actually bound, starts the
//! handsets and waits until every powered terminal in coverage has attached,
//! then starts the gateway bound to the SMSC, so a test can pay at once.
//! [`Stack::stop`] shuts the gateway down first (it unbinds), then the
//! handsets (they detach cleanly) and then the SMSC.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The configuration of every part.
#[derive(Debug, Clone)]
pub struct StackConfig {
    pub smsc: smsc_sim::Config,
    pub handsets: handset_sim::Config,
    pub gateway: gateway::config::Config,
    /// The demo shop's listen address (default 127.0.0.1:8090).
    pub shop_listen: SocketAddr,
}

impl StackConfig {
    /// The fixture configs in `dir` (usually `fixtures/`).
    pub fn from_fixtures(dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            smsc: smsc_sim::Config::from_file(dir.join("smsc-sim.toml"))?,
            handsets: handset_sim::Config::from_file(dir.join("handset-sim.toml"))?,
            gateway: gateway::config::Config::from_file(dir.join("gateway.toml"))?,
            shop_listen: ([127, 0, 0, 1], 8090).into(),
        })
    }

    /// Every listener's port moved up by `offset` (to run two stacks side
    /// by side); port 0 stays 0.
    pub fn with_port_offset(mut self, offset: u16) -> anyhow::Result<Self> {
        let bump = |a: &mut SocketAddr| -> anyhow::Result<()> {
            if a.port() != 0 {
                let port = a.port().checked_add(offset).with_context(|| {
                    format!("--port-offset {offset} takes port {} past 65535", a.port())
                })?;
                a.set_port(port);
            }
            Ok(())
        };
        bump(&mut self.smsc.smpp.listen)?;
        bump(&mut self.smsc.http.listen)?;
        bump(&mut self.smsc.air.listen)?;
        if let Some(tls) = &mut self.smsc.smpp.tls {
            bump(&mut tls.listen)?;
        }
        bump(&mut self.handsets.http.listen)?;
        bump(&mut self.gateway.http.listen)?;
        bump(&mut self.gateway.merchant_api.listen)?;
        bump(&mut self.shop_listen)?;
        Ok(self)
    }

    /// Every listener on 127.0.0.1:0 and no data on disk.
    pub fn on_free_ports(mut self) -> Self {
        let any: SocketAddr = ([127, 0, 0, 1], 0).into();
        self.smsc.smpp.listen = any;
        self.smsc.http.listen = any;
        self.smsc.air.listen = any;
        if let Some(tls) = &mut self.smsc.smpp.tls {
            tls.listen = any;
        }
        self.smsc.store.memory = true;
        self.smsc.store.data_dir = None;
        self.handsets.http.listen = any;
        self.gateway.http.listen = any;
        self.gateway.merchant_api.listen = any;
        self.gateway.store.memory = true;
        self.gateway.store.data_dir = None;
        self.shop_listen = any;
        self
    }
}

type Task = JoinHandle<anyhow::Result<()>>;

/// The running parts and where they listen.
pub struct Stack {
    pub smpp: SocketAddr,
    pub smsc_http: SocketAddr,
    pub air: SocketAddr,
    pub handsets_http: SocketAddr,
    pub gateway_http: SocketAddr,
    pub gateway_merchant: SocketAddr,
    /// The gateway's data directory (its CA, and the fixture merchants'
    /// certificates under `merchants/<id>/`).
    pub gateway_data: std::path::PathBuf,
    pub payments: gateway::payments::PaymentService,
    pub bank: std::sync::Arc<gateway::bank::SimBank>,
    /// The demo shop (a merchant on the real merchant API).
    pub shop_http: SocketAddr,
    shop: JoinHandle<anyhow::Result<()>>,
    stops: Vec<(oneshot::Sender<()>, Task)>,
}

fn spawn(run: impl FnOnce(oneshot::Receiver<()>) -> Task) -> (oneshot::Sender<()>, Task) {
    let (tx, rx) = oneshot::channel();
    (tx, run(rx))
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stack")
            .field("smpp", &self.smpp)
            .field("gateway_http", &self.gateway_http)
            .finish_non_exhaustive()
    }
}

impl Stack {
    pub async fn start(mut config: StackConfig) -> anyhow::Result<Stack> {
        let smsc = smsc_sim::Smsc::build(config.smsc)
            .await
            .context("smsc-sim")?;
        let (smpp, smsc_http, air) = (smsc.smpp_addr(), smsc.http_addr(), smsc.air_addr());
        let hlr = smsc.hlr();
        let smsc_stop = spawn(|rx| {
            tokio::spawn(smsc.run_until(async move {
                let _ = rx.await;
            }))
        });
        config.handsets.cell.air = air.to_string();
        let expected: Vec<String> = config
            .handsets
            .terminals
            .iter()
            .filter(|t| t.power && t.coverage)
            .map(|t| t.msisdn.to_string())
            .collect();
        let handsets = handset_sim::HandsetSim::build(config.handsets)
            .await
            .context("handset-sim")?;
        let handsets_http = handsets.http_addr();
        let handsets_stop = spawn(|rx| {
            tokio::spawn(handsets.run_until(async move {
                let _ = rx.await;
            }))
        });
        let attached = async {
            loop {
                let all = expected.iter().all(|m| {
                    hlr.handset(m)
                        .is_some_and(|s| s.presence == smsc_sim::hlr::Presence::Attached)
                });
                if all {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), attached)
            .await
            .context("the fixture terminals did not attach within 10 s")?;
        for smsc in &mut config.gateway.smsc {
            smsc.address = smpp.to_string();
        }
        // The operator of the fixture numbers is this smsc-sim.
        if let Some(s) = &mut config.gateway.sim_swap {
            s.url = format!("http://{smsc_http}");
        }
        for c in &mut config.gateway.carriers {
            c.base_url = format!("http://{smsc_http}");
        }
        let gw = gateway::server::Gateway::build(config.gateway)
            .await
            .context("gateway")?;
        let (gateway_http, gateway_merchant) = (gw.http_addr(), gw.merchant_addr());
        let gateway_data = gw.data_dir().to_path_buf();
        let payments = gw.payments();
        let bank = gw.bank();
        let shop_listener = tokio::net::TcpListener::bind(config.shop_listen)
            .await
            .context("demo shop")?;
        let shop_http = shop_listener.local_addr()?;
        let merchant = crate::merchant_client::Merchant::from_dir(
            gateway_merchant,
            &gateway_data.join("merchants").join("mer_demoshop"),
        )?;
        let shop = tokio::spawn(crate::shop::serve(shop_listener, merchant));
        let gateway_stop = spawn(|rx| {
            tokio::spawn(gw.run_until(async move {
                let _ = rx.await;
            }))
        });
        Ok(Stack {
            smpp,
            smsc_http,
            air,
            handsets_http,
            gateway_http,
            gateway_merchant,
            gateway_data,
            payments,
            bank,
            shop_http,
            shop,
            stops: vec![gateway_stop, handsets_stop, smsc_stop],
        })
    }

    /// The handset-sim API base URL.
    pub fn handsets_api(&self) -> String {
        format!("http://{}", self.handsets_http)
    }

    /// Stop the gateway, the handsets, then the SMSC.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shop.abort();
        for (tx, task) in self.stops {
            let _ = tx.send(());
            task.await.context("part panicked")??;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> StackConfig {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        StackConfig::from_fixtures(&dir).expect("fixtures load")
    }

    #[test]
    fn port_offset_moves_every_listener_and_refuses_overflow() {
        let c = fixtures().with_port_offset(100).expect("fits");
        let ports = [
            c.smsc.smpp.listen.port(),
            c.smsc.http.listen.port(),
            c.smsc.air.listen.port(),
            c.handsets.http.listen.port(),
            c.gateway.http.listen.port(),
            c.gateway.merchant_api.listen.port(),
        ];
        assert_eq!(ports, [2875, 8875, 4875, 8876, 8180, 8543]);
        assert!(fixtures().with_port_offset(65_000).is_err());
        let free = fixtures()
            .on_free_ports()
            .with_port_offset(7)
            .expect("0 stays 0");
        assert_eq!(free.smsc.smpp.listen.port(), 0);
    }
}
