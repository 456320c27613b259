//! An in-process smsc-sim on 127.0.0.1:0 (memory store, HLR "auto" so
//! messages are delivered without handsets) and helpers to point an
//! `SmsGateway` at it.
#![allow(dead_code)]

use std::{
    net::SocketAddr,
    path::Path,
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use gateway::sms::{DeliveryReport, SmscConfig};
use smsc_sim::{Config, Smsc, core::Core};
use tokio::sync::{mpsc, oneshot};

/// Accounts every test can bind with; `extra` adds faults or TLS.
const CONFIG: &str = r#"
[smpp]
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
[air]
listen = "127.0.0.1:0"
[hlr]
default_profile = "auto"
auto_delay_ms = 0
[[accounts]]
system_id = "gateway"
password = "gw-pw"
[[accounts]]
system_id = "hexgw"
password = "hex-pw"
message_id_format = "hex"
[[accounts]]
system_id = "slow"
password = "slow-pw"
max_rate = 2
[[accounts]]
system_id = "refuser"
password = "ref-pw"
[[accounts]]
system_id = "flaky"
password = "flaky-pw"
"#;

pub struct Sim {
    pub smpp: SocketAddr,
    pub tls: Option<SocketAddr>,
    pub core: Arc<Core>,
    stop: Option<oneshot::Sender<()>>,
}

impl Sim {
    pub async fn start(extra: &str) -> Sim {
        let mut config =
            Config::from_toml_str(&format!("{CONFIG}\n{extra}")).expect("test config is valid");
        config.store.memory = true;
        let smsc = Smsc::build(config).await.expect("smsc-sim builds");
        let (smpp, tls, core) = (smsc.smpp_addr(), smsc.tls_addr(), smsc.core());
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(smsc.run_until(async move {
            let _ = stopped.await;
        }));
        Sim {
            smpp,
            tls,
            core,
            stop: Some(stop),
        }
    }

    /// submit_sm answered ESME_ROK so far.
    pub fn submitted(&self) -> u64 {
        self.core.stats.submitted.load(Ordering::Relaxed)
    }

    pub fn throttled(&self) -> u64 {
        self.core.stats.throttled.load(Ordering::Relaxed)
    }

    pub fn smsc(&self, name: &str, system_id: &str, password: &str) -> SmscConfig {
        smsc(name, &self.smpp.to_string(), system_id, password)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An SMSC entry with short timers, so failures show quickly.
pub fn smsc(name: &str, address: &str, system_id: &str, password: &str) -> SmscConfig {
    let mut c = SmscConfig::new(name, address, system_id, password);
    c.source_addr = "ACME".into();
    c.response_timeout_ms = 3_000;
    c.reconnect_min_ms = 100;
    c.reconnect_max_ms = 500;
    c
}

/// An address nothing listens on: bound, then released.
pub async fn closed_port() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr.to_string()
}

/// Reports until every id in `ids` has a final one (bounded).
pub async fn final_reports(
    rx: &mut mpsc::Receiver<DeliveryReport>,
    ids: &[String],
) -> Vec<DeliveryReport> {
    let mut got: Vec<DeliveryReport> = Vec::new();
    let wait = async {
        while !ids.iter().all(|id| got.iter().any(|r| &r.message_id == id)) {
            let r = rx.recv().await.expect("report stream open");
            if r.stat != "ENROUTE" && ids.contains(&r.message_id) {
                got.push(r);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no final receipt for some of {ids:?}; got {got:?}"));
    got
}

/// A self-signed certificate for "localhost", written as PEM files in `dir`.
pub fn tls_files(dir: &Path) -> (String, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert_path, key_path) = (dir.join("smsc-cert.pem"), dir.join("smsc-key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let s = |p: &Path| p.to_str().expect("utf-8 temp path").to_string();
    (s(&cert_path), s(&key_path))
}
