//! The `switchboard` binary as a user runs it: it starts every part with the
//! fixtures, prints one JSON ready line, serves the phones page and the
//! SMSC, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Kills the launcher if the test fails before it stopped it.
struct Reap(u32);

impl Drop for Reap {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = Command::new("kill")
                .args(["-KILL", &self.0.to_string()])
                .status();
        }
    }
}

#[tokio::test]
async fn the_launcher_starts_everything_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--free-ports", "--memory"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("launcher starts");
    let _reap = Reap(child.id());
    let stdout = child.stdout.take().expect("piped");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(20), line)
        .await
        .expect("ready within 20 s")
        .expect("join")
        .expect("read");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("JSON ready line");
    let phones = ready["handsets_http"].as_str().expect("handsets_http");
    let page = reqwest::get(format!("http://{phones}/"))
        .await
        .expect("phones page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("447700900101"),
        "the fixture phone is on the page"
    );
    let smsc = ready["smsc_http"].as_str().expect("smsc_http");
    let stats: serde_json::Value = reqwest::get(format!("http://{smsc}/api/stats"))
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["handsets"]["attached"], 5, "{stats}");
    assert!(
        ready["smpp"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:"))
    );
    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "clean exit on SIGTERM: {status}");
}

#[tokio::test]
async fn switchboard_demo_runs_one_checkout_and_exits_zero() {
    let out = tokio::task::spawn_blocking(|| {
        Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("demo")
            .output()
    });
    let out = tokio::time::timeout(Duration::from_secs(60), out)
        .await
        .expect("the demo finishes within 60 s")
        .expect("join")
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for hop in [
        "created over the merchant API",
        "inbox of Alice's phone",
        "signature valid",
        "bank_approved",
        "OK",
    ] {
        assert!(stdout.contains(hop), "{hop} missing from\n{stdout}");
    }
}

#[tokio::test]
async fn a_subset_of_parts_runs_alone() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--free-ports", "--memory", "--parts", "smsc,handsets"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("launcher starts");
    let _reap = Reap(child.id());
    let stdout = child.stdout.take().expect("piped");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(20), line)
        .await
        .expect("ready within 20 s")
        .expect("join")
        .expect("read");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("JSON ready line");
    assert!(ready.get("gateway_http").is_none(), "{ready}");
    let smsc = ready["smsc_http"].as_str().expect("smsc_http");
    let attached = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let stats: serde_json::Value = reqwest::get(format!("http://{smsc}/api/stats"))
                .await
                .expect("stats")
                .json()
                .await
                .expect("json");
            if stats["handsets"]["attached"] == 5 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        attached.is_ok(),
        "the handsets attach to the SMSC it started"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "{status}");
}
