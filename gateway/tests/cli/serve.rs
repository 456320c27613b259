//! `gateway serve` as a process: bound to port 0 against an smsc-sim
//! running in the test, it prints the JSON ready line, answers /health,
//! and exits 0 soon after SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use smsc_sim::{Config as SimConfig, Smsc};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::support::{BIN, Install};

const SIM: &str = r#"
[smpp]
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
[air]
listen = "127.0.0.1:0"
[hlr]
default_profile = "auto"
[[accounts]]
system_id = "gateway"
password = "gw-pw"
"#;

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_the_ready_line_answers_health_and_stops_on_sigterm() {
    let mut sim = SimConfig::from_toml_str(SIM).expect("sim config");
    sim.store.memory = true;
    let sim = Smsc::build(sim).await.expect("smsc-sim builds");
    let smpp = sim.smpp_addr();
    let (stop_sim, sim_stopped) = tokio::sync::oneshot::channel::<()>();
    let sim_task = tokio::spawn(sim.run_until(async move {
        let _ = sim_stopped.await;
    }));

    let gw = Install::new();
    let config = super::support::CONFIG.replace("127.0.0.1:9", &smpp.to_string());
    std::fs::write(gw.config(), config).unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--config", gw.config().to_str().unwrap()])
        .args([
            "--http-listen",
            "127.0.0.1:0",
            "--merchant-listen",
            "127.0.0.1:0",
        ])
        .current_dir(gw.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn gateway serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("ready line within 60 s")
        .unwrap()
        .expect("a ready line before stdout closed");
    let ready: serde_json::Value = serde_json::from_str(&ready).unwrap();
    let http = ready["http"].as_str().expect("http address");
    let merchant = ready["merchant"].as_str().expect("merchant address");
    assert!(
        http.starts_with("127.0.0.1:") && !http.ends_with(":0"),
        "{ready}"
    );
    assert!(
        merchant.starts_with("127.0.0.1:") && merchant != http,
        "{ready}"
    );
    // The data directory from the config, relative to the config file.
    assert!(gw.data().join(gateway::pki::CA_CERT_FILE).exists());

    let health = reqwest::get(format!("http://{http}/health")).await.unwrap();
    assert!(health.status().is_success());
    assert_eq!(health.text().await.unwrap(), "ok");

    let pid = child.id().expect("running").to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits within 10 s of SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");

    let _ = stop_sim.send(());
    let _ = sim_task.await;
}
