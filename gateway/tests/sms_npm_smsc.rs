//! `gateway::sms` against an SMSC we did not write: the server side of npm's
//! `smpp` package, driven by `tests/interop/npm-smsc/smsc.js` (its pinned
//! packages are installed by `scripts/test.sh` with `npm ci`).
//!
//! Each test starts `node smsc.js` on 127.0.0.1:0, reads its ready line and
//! then its JSON event lines (what the SMSC decoded from every PDU), points
//! an [`SmsGateway`] at it and checks: a GSM text and a long UCS-2 text reach
//! the SMSC as the library decodes them; every part's delivery receipt comes
//! back as a [`DeliveryReport`] whose id is the normalised form of the id the
//! SMSC gave (decimal, hex and UUID ids, receipts with TLVs or text only,
//! transceiver and TX+RX binds); a refused destination is
//! [`SendError::Rejected`]; enquire_link keeps the session; a wrong password
//! leaves the SMSC down. The SMSC exits when its stdin closes, and a drop
//! guard kills it when a test fails. `SWITCHBOARD_SKIP_NODE_INTEROP=1` skips
//! these tests; otherwise a missing node or npm install is a failure.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use gateway::sms::{BindKind, DeliveryReport, IdFormat, SendError, SmsGateway, SmscConfig};
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, BufReader},
    process::{Child, ChildStdin, Command},
    sync::mpsc,
    time::timeout,
};
use wire::msisdn::Msisdn;

const SYSTEM_ID: &str = "npmgw";
const PASSWORD: &str = "npm-pw";
const TO: &str = "447700900123";
const REFUSED: &str = "447700900999";
/// GSM 7-bit with an escaped character (€) and ones whose GSM codes differ from ASCII.
const GSM_TEXT: &str = "ACME: code 483920 to pay EUR 12.50 (€) @shop_1. Valid 5 min.";
/// Any bounded wait: node starts and answers within well under a second.
const WAIT: Duration = Duration::from_secs(5);
const HINT: &str =
    "run scripts/test.sh (it installs node and runs `npm ci --prefix tests/interop/npm-smsc`)";

fn ucs2_text() -> String {
    "【ACME】您的订单已支付成功，金额CNY 128.00。".repeat(4)
}

fn msisdn(digits: &str) -> Msisdn {
    digits.parse().expect("a valid MSISDN")
}

fn smsc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/npm-smsc")
}

/// Kills the SMSC when a test ends early; a clean end has already stopped it.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// The `smpp` version package.json pins and the one installed must agree.
fn require_installed(dir: &Path) {
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
fn forward_lines(out: impl AsyncRead + Unpin + Send + 'static) -> mpsc::UnboundedReceiver<Value> {
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
struct NpmSmsc {
    addr: String,
    events: mpsc::UnboundedReceiver<Value>,
    /// Every event read so far, in order.
    seen: Vec<Value>,
    stderr: Arc<Mutex<Vec<String>>>,
    stdin: Option<ChildStdin>,
    child: KillOnDrop,
}

impl NpmSmsc {
    /// Starts the SMSC with `args` after the account; `None` when skipped.
    async fn start(args: &[&str]) -> Option<NpmSmsc> {
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
    fn config(&self, name: &str) -> SmscConfig {
        let mut c = SmscConfig::new(name, &self.addr, SYSTEM_ID, PASSWORD);
        c.source_addr = "ACME".into();
        c.response_timeout_ms = 3_000;
        c.reconnect_min_ms = 100;
        c.reconnect_max_ms = 500;
        c
    }

    /// The next `n` events named `kind`, skipping others (bounded).
    async fn events(&mut self, kind: &str, n: usize) -> Vec<Value> {
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

    async fn event(&mut self, kind: &str) -> Value {
        self.events(kind, 1).await.remove(0)
    }

    /// How many events named `kind` have been read so far.
    fn seen(&self, kind: &str) -> usize {
        self.seen.iter().filter(|v| v["event"] == kind).count()
    }

    /// Closes the SMSC's stdin, which must make it exit cleanly.
    async fn stop(mut self) {
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
fn normalised(form: &str, smsc_id: &str) -> String {
    let id = smsc_id.to_ascii_lowercase();
    match form {
        "uuid" => id,
        _ => id.trim_start_matches('0').to_string(),
    }
}

/// One report per id in `ids` (bounded); a report for any other id fails.
async fn reports_for(
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

/// A GSM text and a long UCS-2 text through the npm SMSC; every part receipted.
async fn texts_are_receipted(form: &str, format: IdFormat, bind: BindKind, extra: &[&str]) {
    let Some(mut smsc) = NpmSmsc::start(&[&["--id-form", form], extra].concat()).await else {
        return;
    };
    let mut c = smsc.config("npm");
    (c.message_id_format, c.bind) = (format, bind);
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.expect("gateway starts");
    assert!(
        gw.status()[0].up,
        "bound to the npm SMSC: {:?}",
        gw.status()
    );

    let gsm = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_gsm")
        .await
        .expect("GSM text sent");
    assert_eq!((gsm.smsc.as_str(), gsm.segments), ("npm", 1));
    let long = ucs2_text();
    let ucs2 = gw
        .send(&msisdn(TO), &long, "pay_ucs2")
        .await
        .expect("UCS-2 text sent");
    assert!(ucs2.segments >= 2, "{ucs2:?}");
    assert_eq!(ucs2.message_ids.len(), ucs2.segments);

    // What the library decoded: the GSM text as one plain part, the UCS-2
    // text as parts with one concatenation reference that join up again.
    let submits = smsc.events("submit", 1 + ucs2.segments).await;
    let first = &submits[0];
    assert_eq!(first["text"], GSM_TEXT, "{first}");
    assert_eq!(
        (first["data_coding"].as_u64(), first["esm_class"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        (
            first["destination_addr"].as_str(),
            first["registered_delivery"].as_u64()
        ),
        (Some(TO), Some(1))
    );
    let parts = &submits[1..];
    let mut joined = String::new();
    let mut reference = None;
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(
            (part["data_coding"].as_u64(), part["esm_class"].as_u64()),
            (Some(8), Some(0x40)),
            "{part}"
        );
        let udh = part["udh"][0].as_str().expect("a concatenation element");
        // IEI 00, length 03, reference, total, sequence (hex).
        assert_eq!(&udh[..4], "0003", "{part}");
        assert_eq!(
            &udh[6..],
            format!("{:02x}{:02x}", parts.len(), i + 1),
            "{part}"
        );
        assert!(
            reference.is_none_or(|r| r == &udh[4..6]),
            "one reference: {parts:?}"
        );
        reference = Some(&udh[4..6]);
        joined.push_str(part["text"].as_str().expect("decoded text"));
    }
    assert_eq!(joined, long);

    // The ids send returned are the SMSC's, normalised, in part order.
    let sent: Vec<String> = gsm
        .message_ids
        .iter()
        .chain(&ucs2.message_ids)
        .cloned()
        .collect();
    let given: Vec<String> = submits
        .iter()
        .map(|s| normalised(form, s["message_id"].as_str().expect("message_id")))
        .collect();
    assert_eq!(sent, given);

    let got = reports_for(&mut reports, &sent).await;
    for r in got.values() {
        assert!(r.delivered() && r.smsc == "npm", "{r:?}");
        assert_eq!(r.err.as_deref(), Some("000"), "{r:?}");
    }
    let sessions = if bind == BindKind::TxRx { 2 } else { 1 };
    gw.shutdown().await;
    smsc.events("unbind", sessions).await;
    smsc.stop().await;
}

#[tokio::test]
async fn decimal_ids_with_receipt_tlvs_correlate() {
    texts_are_receipted("decimal", IdFormat::Decimal, BindKind::Transceiver, &[]).await;
}

#[tokio::test]
async fn hex_ids_correlate_over_a_transmitter_and_a_receiver() {
    texts_are_receipted("hex", IdFormat::Hex, BindKind::TxRx, &[]).await;
}

#[tokio::test]
async fn hex_ids_correlate_from_text_only_receipts_with_decimal_ids() {
    let extra = ["--receipt-tlvs", "off", "--text-id", "decimal"];
    texts_are_receipted("hex", IdFormat::Hex, BindKind::Transceiver, &extra).await;
}

#[tokio::test]
async fn uuid_ids_correlate() {
    texts_are_receipted("uuid", IdFormat::Uuid, BindKind::Transceiver, &[]).await;
}

#[tokio::test]
async fn refused_destination_is_rejected_and_the_link_stays_up() {
    let Some(mut smsc) = NpmSmsc::start(&["--reject-dest", REFUSED]).await else {
        return;
    };
    let (gw, mut reports) = SmsGateway::start(vec![smsc.config("npm")])
        .await
        .expect("gateway starts");
    let err = gw
        .send(&msisdn(REFUSED), GSM_TEXT, "pay_refused")
        .await
        .unwrap_err();
    assert_eq!(err, SendError::Rejected("ESME_RSUBMITFAIL".into()));
    assert_eq!(smsc.event("reject").await["destination_addr"], REFUSED);
    let sent = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_after")
        .await
        .expect("other numbers still sent");
    reports_for(&mut reports, &sent.message_ids).await;
    gw.shutdown().await;
    smsc.stop().await;
}

#[tokio::test]
async fn enquire_link_is_answered_and_the_session_kept() {
    let Some(mut smsc) = NpmSmsc::start(&[]).await else {
        return;
    };
    let mut c = smsc.config("npm");
    // The ESME pings when idle for the interval and then waits out the
    // response timeout before the next: about 2 s for two pings.
    (c.enquire_link_s, c.response_timeout_ms) = (1, 1_000);
    let (gw, mut reports) = SmsGateway::start(vec![c]).await.expect("gateway starts");
    smsc.events("enquire_link", 2).await;
    // A response the ESME did not take would have cost it the session.
    assert_eq!(smsc.seen("bind"), 1, "no re-bind: {:?}", smsc.seen);
    assert!(gw.status()[0].up, "{:?}", gw.status());
    let sent = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_keepalive")
        .await
        .expect("sent");
    reports_for(&mut reports, &sent.message_ids).await;
    gw.shutdown().await;
    smsc.stop().await;
}

#[tokio::test]
async fn wrong_password_leaves_the_smsc_down() {
    let Some(mut smsc) = NpmSmsc::start(&[]).await else {
        return;
    };
    let mut c = smsc.config("npm");
    c.password.0 = "wrong".into();
    let (gw, _reports) = SmsGateway::start(vec![c]).await.expect("gateway starts");
    let bind = smsc.event("bind").await;
    assert_eq!(bind["status"], 0x0E, "ESME_RINVPASWD: {bind}");
    assert!(!gw.status()[0].up);
    let err = gw
        .send(&msisdn(TO), GSM_TEXT, "pay_down")
        .await
        .unwrap_err();
    assert_eq!(err, SendError::AllSmscsDown);
    gw.shutdown().await;
    smsc.stop().await;
}
