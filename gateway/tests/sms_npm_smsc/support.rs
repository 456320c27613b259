//! The npm `smpp` SMSC as a child process, and the waits the tests share.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use gateway::sms::{DeliveryReport, SmscConfig};
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, BufReader},
    process::{Child, ChildStdin, Command},
    sync::mpsc,
    time::timeout,
};
use wire::msisdn::Msisdn;

pub const SYSTEM_ID: &str = "npmgw";
pub const PASSWORD: &str = "npm-pw";
pub const TO: &str = "447700900123";
pub const REFUSED: &str = "447700900999";
/// GSM 7-bit with an escaped character (€) and ones whose GSM codes differ from ASCII.
pub const GSM_TEXT: &str = "ACME: code 483920 to pay EUR 12.50 (€) @shop_1. Valid 5 min.";
/// Any bounded wait: node starts and answers within well under a second.
pub const WAIT: Duration = Duration::from_secs(5);
pub const HINT: &str =
    "run scripts/test.sh (it installs node and runs `npm ci --prefix tests/interop/npm-smsc`)";

pub fn ucs2_text() -> String {
    "【ACME】您的订单已支付成功，金额CNY 128.00。".repeat(4)
}

pub fn msisdn(digits: &str) -> Msisdn {
    digits.parse().expect("a valid MSISDN")
}

pub fn smsc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/npm-smsc")
}

/// Kills the SMSC when a test ends early; a clean end has already stopped it.
pub struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// The `smpp` version package.json pins and the one installed must agree.
pub fn require_installed(dir: &Path) {
    let read = |p: PathBuf| -> Value {
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("cannot read {} ({e}); {HINT}", p.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let pinned = read(dir.join("package.json"))["dependencies"]["smpp"].clone();
    let installed = read(dir.join("node_modules/smpp/package.json"))["version"].clone();
    assert_eq!(
        installed, pinned,
        "installed smpp is not the pinned one; {HINT}"
    );
}

/// Lines of a child's output, one JSON value each (other lines as strings).
pub fn forward_lines(
    out: impl AsyncRead + Unpin + Send + 'static,
) -> mpsc::UnboundedReceiver<Value> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(out).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
            if tx.send(value).is_err() {
                break;
            }
        }
    });
    rx
}

/// A running `node smsc.js` and what it has reported.
pub struct NpmSmsc {
    pub addr: String,
    pub events: mpsc::UnboundedReceiver<Value>,
    /// Every event read so far, in order.
    pub seen: Vec<Value>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub stdin: Option<ChildStdin>,
    pub child: KillOnDrop,
}

impl NpmSmsc {
    /// Starts the SMSC with `args` after the account; `None` when skipped.
    pub async fn start(args: &[&str]) -> Option<NpmSmsc> {
        if std::env::var("SWITCHBOARD_SKIP_NODE_INTEROP").as_deref() == Ok("1") {
            eprintln!("skipped: SWITCHBOARD_SKIP_NODE_INTEROP=1 (npm smpp interop not run)");
            return None;
        }
        let dir = smsc_dir();
        require_installed(&dir);
        let mut child = Command::new("node")
            .current_dir(&dir)
            .arg("smsc.js")
            .args([
                "--port",
                "0",
                "--system-id",
                SYSTEM_ID,
                "--password",
                PASSWORD,
            ])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node ({e}); {HINT}"));
        let (stdin, stdout, err) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let child = KillOnDrop(child);
        let mut events = forward_lines(stdout.expect("stdout is piped"));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut err_lines = forward_lines(err.expect("stderr is piped"));
        tokio::spawn({
            let stderr = stderr.clone();
            async move {
                while let Some(line) = err_lines.recv().await {
                    stderr.lock().expect("stderr log").push(line.to_string());
                }
            }
        });
        let ready = timeout(WAIT, events.recv()).await;
        let addr = match ready {
            Ok(Some(v)) if v["smpp"].is_string() => v["smpp"].as_str().unwrap_or_default().into(),
            other => panic!(
                "no ready line from smsc.js ({other:?}); stderr: {:?}",
                stderr.lock().expect("stderr log")
            ),
        };
        Some(NpmSmsc {
            addr,
            events,
            seen: Vec::new(),
            stderr,
            stdin,
            child,
        })
    }

    /// Gateway settings for this SMSC, with short timers.
    pub fn config(&self, name: &str) -> SmscConfig {
        let mut c = SmscConfig::new(name, &self.addr, SYSTEM_ID, PASSWORD);
        c.source_addr = "ACME".into();
        c.response_timeout_ms = 3_000;
        c.reconnect_min_ms = 100;
        c.reconnect_max_ms = 500;
        c
    }

    /// The next `n` events named `kind`, skipping others (bounded).
    pub async fn events(&mut self, kind: &str, n: usize) -> Vec<Value> {
        let mut got = Vec::new();
        let wait = async {
            while got.len() < n {
                let Some(v) = self.events.recv().await else {
                    break;
                };
                if v["event"] == kind {
                    got.push(v.clone());
                }
                self.seen.push(v);
            }
        };
        let _ = timeout(WAIT, wait).await;
        assert_eq!(
            got.len(),
            n,
            "{kind} events from smsc.js: {got:?}; stderr: {:?}",
            self.stderr.lock().expect("stderr log")
        );
        got
    }

    pub async fn event(&mut self, kind: &str) -> Value {
        self.events(kind, 1).await.remove(0)
    }

    /// How many events named `kind` have been read so far.
    pub fn seen(&self, kind: &str) -> usize {
        self.seen.iter().filter(|v| v["event"] == kind).count()
    }

    /// Closes the SMSC's stdin, which must make it exit cleanly.
    pub async fn stop(mut self) {
        drop(self.stdin.take());
        let status = timeout(WAIT, self.child.0.wait())
            .await
            .expect("smsc.js exits when its stdin closes")
            .expect("waiting for smsc.js");
        assert!(status.success(), "smsc.js exited with {status}");
    }
}

/// The id the gateway must report for an id the SMSC gave in `form`:
/// zero-padded upper-case numbers lose the zeros and the case, UUIDs the case.
pub fn normalised(form: &str, smsc_id: &str) -> String {
    let id = smsc_id.to_ascii_lowercase();
    match form {
        "uuid" => id,
        _ => id.trim_start_matches('0').to_string(),
    }
}

/// One report per id in `ids` (bounded); a report for any other id fails.
pub async fn reports_for(
    rx: &mut mpsc::Receiver<DeliveryReport>,
    ids: &[String],
) -> HashMap<String, DeliveryReport> {
    let mut got = HashMap::new();
    let wait = async {
        while got.len() < ids.len() {
            let r = rx.recv().await.expect("report stream open");
            assert!(
                ids.contains(&r.message_id),
                "receipt for an id never sent: {r:?}, sent {ids:?}"
            );
            let id = r.message_id.clone();
            assert!(got.insert(id, r).is_none(), "two receipts for one part");
        }
    };
    timeout(WAIT, wait)
        .await
        .unwrap_or_else(|_| panic!("receipts missing for some of {ids:?}; got {got:?}"));
    got
}
