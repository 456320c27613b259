//! Interop with a third-party SMPP client: python `smpplib` (pinned and
//! installed by `scripts/test.sh`) drives the real `smsc-sim` binary.
//!
//! The test starts `smsc-sim serve` as a child process on loopback port 0,
//! reads its JSON ready line for the SMPP address, and runs
//! `tests/interop/smpplib_client.py`, which binds as transceiver with the
//! fixture's `tester` account, submits 1000 messages with
//! registered_delivery=1, waits for 1000 delivery receipts and prints one
//! JSON summary line. The server is killed by a drop guard, so a failing
//! assertion does not leave it running.

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::NamedTempFile;

const MESSAGES: u64 = 1000;
const ACCOUNT: &str = "tester";
const FIXTURE: &str = "fixtures/smsc-sim.toml";
const CLIENT: &str = "tests/interop/smpplib_client.py";
/// Generous for a debug build on a loaded CI machine; the ready line normally
/// comes within a second.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Kills the server when the test ends, passing or not.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("smsc-sim sits one level below the workspace root")
        .to_path_buf()
}

/// Fails (rather than skips) when the client's tools are missing: CI must
/// run this test, and scripts/test.sh is what installs them.
fn require_smpplib() {
    let hint = "run scripts/test.sh, which installs python3 and the pinned smpplib";
    let probe = Command::new("python3")
        .args(["-c", "import smpplib"])
        .stdin(Stdio::null())
        .output();
    match probe {
        Err(e) => panic!("cannot run python3 ({e}); {hint}"),
        Ok(out) if !out.status.success() => panic!(
            "python3 cannot import smpplib ({}); {hint}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Ok(_) => {}
    }
}

/// The fixture account's password, read from the file the server loads so
/// the two cannot drift apart.
fn fixture_password(root: &Path, system_id: &str) -> String {
    let text = std::fs::read_to_string(root.join(FIXTURE)).expect("reading the smsc-sim fixture");
    let config: toml::Value = toml::from_str(&text).expect("the smsc-sim fixture is TOML");
    config
        .get("accounts")
        .and_then(toml::Value::as_array)
        .expect("the fixture has [[accounts]]")
        .iter()
        .find(|a| a.get("system_id").and_then(toml::Value::as_str) == Some(system_id))
        .and_then(|a| a.get("password").and_then(toml::Value::as_str))
        .unwrap_or_else(|| panic!("no account {system_id} with a password in {FIXTURE}"))
        .to_owned()
}

/// The last lines of the server's log, read through a separate open of the
/// file so the server's write offset is left alone.
fn read_log(log: &NamedTempFile) -> String {
    let mut text = String::new();
    if let Err(e) = log.reopen().and_then(|mut f| f.read_to_string(&mut text)) {
        return format!("(log unreadable: {e})");
    }
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Starts `smsc-sim serve` and returns it with its SMPP address.
fn start_smsc(root: &Path, log: &NamedTempFile) -> (KillOnDrop, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smsc-sim"))
        .current_dir(root)
        .args(["serve", "--config", FIXTURE])
        .args([
            "--smpp-listen",
            "127.0.0.1:0",
            "--http-listen",
            "127.0.0.1:0",
            "--air-listen",
            "127.0.0.1:0",
            "--memory",
        ])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log.reopen().expect("opening the server log for writing"))
        .spawn()
        .expect("starting the smsc-sim binary");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut server = KillOnDrop(child);

    // A thread owns the pipe so the wait for the ready line can be bounded;
    // it keeps draining afterwards so the server never writes to a closed pipe.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = tx.send(reader.read_line(&mut line).map(|_| line));
        let _ = io::copy(&mut reader, &mut io::sink());
    });
    let line = match rx.recv_timeout(READY_TIMEOUT) {
        Ok(Ok(line)) if !line.trim().is_empty() => line,
        Ok(Ok(_)) => {
            let status = server.0.wait().expect("waiting for smsc-sim");
            panic!(
                "smsc-sim exited ({status}) without a ready line; its log:\n{}",
                read_log(log)
            );
        }
        Ok(Err(e)) => panic!("reading smsc-sim stdout: {e}"),
        Err(_) => panic!(
            "no ready line from smsc-sim within {READY_TIMEOUT:?}; its log:\n{}",
            read_log(log)
        ),
    };
    let ready: serde_json::Value = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("ready line is not JSON ({e}): {line:?}"));
    let smpp = ready["smpp"]
        .as_str()
        .unwrap_or_else(|| panic!("ready line has no \"smpp\" address: {line:?}"))
        .to_owned();
    (server, smpp)
}

#[test]
fn smpplib_submits_1000_and_gets_1000_receipts() {
    require_smpplib();
    let root = workspace_root();
    let password = fixture_password(&root, ACCOUNT);
    let log = NamedTempFile::new().expect("creating the server log file");
    let started = Instant::now();
    let (_server, smpp) = start_smsc(&root, &log);

    // The client bounds itself (120 s run deadline plus a SIGALRM backstop).
    let count = MESSAGES.to_string();
    let out = Command::new("python3")
        .arg(root.join(CLIENT))
        .args([
            smpp.as_str(),
            ACCOUNT,
            password.as_str(),
            "--count",
            count.as_str(),
        ])
        .stdin(Stdio::null())
        .output()
        .expect("running the smpplib client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let context = || {
        format!(
            "client stderr:\n{stderr}\nsmsc-sim log (tail):\n{}",
            read_log(&log)
        )
    };
    assert!(
        out.status.success(),
        "smpplib client failed ({}): {stdout}\n{}",
        out.status,
        context()
    );

    let summary_line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let summary: serde_json::Value = serde_json::from_str(summary_line).unwrap_or_else(|e| {
        panic!(
            "client summary is not JSON ({e}): {stdout:?}\n{}",
            context()
        )
    });
    for key in ["submitted", "receipts", "matched"] {
        assert_eq!(
            summary[key].as_u64(),
            Some(MESSAGES),
            "{key} in {summary}\n{}",
            context()
        );
    }
    // A fresh server has no receipts held from earlier sessions, so any
    // receipt for an id this client was not given is the server's invention.
    assert_eq!(
        summary["foreign"].as_u64(),
        Some(0),
        "foreign receipts in {summary}\n{}",
        context()
    );
    let seconds = summary["seconds"].as_f64().expect("summary has seconds");
    assert!(seconds > 0.0, "client reported no run time: {summary}");
    println!(
        "smpplib interop: {MESSAGES} messages with receipts in {seconds:.2} s ({:.0} msg/s); test took {:.2} s",
        MESSAGES as f64 / seconds,
        started.elapsed().as_secs_f64()
    );
}
