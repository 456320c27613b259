//! Run only some parts, so the others can be real systems: the gateway
//! against an operator's SMSC (its `[[smsc]]` from the fixture file), or
//! smsc-sim and handset-sim for a payment gateway of your own.
//!
//! [`Parts`] parses `--parts smsc,handsets,gateway`. When smsc-sim runs,
//! the handsets and the gateway present are pointed at the addresses it
//! actually bound; a part without smsc-sim keeps the addresses of its own
//! configuration. [`run_parts`] serves until the shutdown future resolves,
//! then stops the gateway, the handsets and the SMSC in that order.

use std::str::FromStr;

use anyhow::{Context, bail};
use serde_json::{Map, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::StackConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub smsc: bool,
    pub handsets: bool,
    pub gateway: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        smsc: true,
        handsets: true,
        gateway: true,
    };
}

impl FromStr for Parts {
    type Err = String;

    fn from_str(s: &str) -> Result<Parts, String> {
        let mut p = Parts {
            smsc: false,
            handsets: false,
            gateway: false,
        };
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "smsc" | "smsc-sim" => p.smsc = true,
                "handsets" | "handset-sim" => p.handsets = true,
                "gateway" => p.gateway = true,
                other => {
                    return Err(format!(
                        "unknown part {other:?}: use smsc, handsets and/or gateway"
                    ));
                }
            }
        }
        if p == (Parts {
            smsc: false,
            handsets: false,
            gateway: false,
        }) {
            return Err("name at least one part: smsc, handsets, gateway".into());
        }
        Ok(p)
    }
}

type Task = JoinHandle<anyhow::Result<()>>;

/// Start the chosen parts; prints their ready line; serves until `shutdown`.
pub async fn run_parts(
    mut config: StackConfig,
    parts: Parts,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    if parts == Parts::ALL {
        bail!("all parts: use the full stack");
    }
    let mut ready = Map::new();
    let mut running: Vec<(&str, oneshot::Sender<()>, Task)> = Vec::new();
    if parts.smsc {
        let smsc = smsc_sim::Smsc::build(config.smsc.clone())
            .await
            .context("smsc-sim")?;
        let (smpp, http, air) = (smsc.smpp_addr(), smsc.http_addr(), smsc.air_addr());
        ready.insert("smpp".into(), Value::String(smpp.to_string()));
        ready.insert("smsc_http".into(), Value::String(http.to_string()));
        ready.insert("air".into(), Value::String(air.to_string()));
        config.handsets.cell.air = air.to_string();
        for s in &mut config.gateway.smsc {
            s.address = smpp.to_string();
        }
        if let Some(s) = &mut config.gateway.sim_swap {
            s.url = format!("http://{http}");
        }
        for c in &mut config.gateway.carriers {
            c.base_url = format!("http://{http}");
        }
        let (tx, rx) = oneshot::channel();
        running.push((
            "smsc-sim",
            tx,
            tokio::spawn(smsc.run_until(async move {
                let _ = rx.await;
            })),
        ));
    }
    if parts.handsets {
        let h = handset_sim::HandsetSim::build(config.handsets.clone())
            .await
            .context("handset-sim")?;
        ready.insert(
            "handsets_http".into(),
            Value::String(h.http_addr().to_string()),
        );
        let (tx, rx) = oneshot::channel();
        running.push((
            "handset-sim",
            tx,
            tokio::spawn(h.run_until(async move {
                let _ = rx.await;
            })),
        ));
    }
    if parts.gateway {
        let g = gateway::server::Gateway::build(config.gateway.clone())
            .await
            .context("gateway")?;
        ready.insert(
            "gateway_http".into(),
            Value::String(g.http_addr().to_string()),
        );
        ready.insert(
            "gateway_merchant".into(),
            Value::String(g.merchant_addr().to_string()),
        );
        let (tx, rx) = oneshot::channel();
        running.push((
            "gateway",
            tx,
            tokio::spawn(g.run_until(async move {
                let _ = rx.await;
            })),
        ));
    }
    println!("{}", Value::Object(ready));
    shutdown.await;
    // The gateway first (it unbinds), then the handsets, then the SMSC.
    for (name, tx, task) in running.into_iter().rev() {
        let _ = tx.send(());
        task.await
            .with_context(|| format!("{name} panicked"))?
            .with_context(|| format!("{name} stopped with an error"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_parse_from_a_list() {
        let p: Parts = "smsc, handsets".parse().expect("valid");
        assert_eq!((p.smsc, p.handsets, p.gateway), (true, true, false));
        assert_eq!(
            "smsc-sim,handset-sim,gateway".parse::<Parts>(),
            Ok(Parts::ALL)
        );
        assert!(
            "phone"
                .parse::<Parts>()
                .unwrap_err()
                .contains("unknown part")
        );
        assert!("".parse::<Parts>().is_err());
    }
}
