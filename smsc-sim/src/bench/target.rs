//! The system under test: an in-process smsc-sim started for one run (memory
//! store, or a durable store in a fresh temporary directory removed when the
//! run ends), or a running instance named by `--target`.

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::options::{BenchOptions, StoreKind};
use crate::{Config, Smsc};

/// An SMSC to load for one run.
#[derive(Debug)]
pub struct Target {
    pub addr: SocketAddr,
    server: Option<(oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)>,
    data_dir: Option<PathBuf>,
}

impl Target {
    pub async fn start(opts: &BenchOptions) -> anyhow::Result<Target> {
        if let Some(addr) = opts.target {
            return Ok(Target {
                addr,
                server: None,
                data_dir: None,
            });
        }
        let mut config = Config::from_toml_str(&in_process_config(opts))?;
        let data_dir = match opts.store {
            StoreKind::Memory => {
                config.store.memory = true;
                None
            }
            StoreKind::Durable => {
                let dir =
                    std::env::temp_dir().join(format!("smsc-sim-bench-{}", uuid::Uuid::new_v4()));
                std::fs::create_dir_all(&dir)?;
                config.store.memory = false;
                config.store.data_dir = Some(dir.clone());
                Some(dir)
            }
        };
        let mut target = Target {
            addr: "127.0.0.1:0".parse().expect("literal address"),
            server: None,
            data_dir,
        };
        let smsc = Smsc::build(config).await?;
        target.addr = smsc.smpp_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(smsc.run_until(async move {
            let _ = stopped.await;
        }));
        target.server = Some((stop, task));
        Ok(target)
    }

    /// Stops an in-process server and removes its data directory.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some((stop, task)) = self.server.take() {
            let _ = stop.send(());
            task.await??;
        }
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(dir) = &self.data_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// One account sized for the load: window ≥ W, K binds, no rate limit, and
/// an HLR that delivers at once so receipts follow submits directly.
fn in_process_config(opts: &BenchOptions) -> String {
    format!(
        "[smpp]\nlisten = \"127.0.0.1:0\"\n[http]\nlisten = \"127.0.0.1:0\"\n[air]\nlisten = \"127.0.0.1:0\"\n\
         [hlr]\nauto_delay_ms = 0\n\
         [[accounts]]\nsystem_id = {:?}\npassword = {:?}\nwindow = {}\nmax_binds = {}\n",
        opts.system_id, opts.password, opts.window, opts.binds
    )
}
