//! Generated backup codes at start: `gateway serve` with a fixture customer
//! that has no backup code writes the generated code to
//! `DATA_DIR/backup-codes.txt` with mode 0600 (also when the file already
//! existed with looser permissions), and the code is on neither stdout nor
//! stderr, even at TRACE.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gateway");

/// A gateway config with `customers` (name, alias, number) that give no
/// backup code, and an SMSC nobody listens on (the start does not need it).
fn config(customers: &[(&str, &str, &str)]) -> String {
    let mut c = String::from(
        r#"
[store]
data_dir = "data"
[passwords]
m_kib = 1024
t = 1
[[smsc]]
name = "nowhere"
address = "127.0.0.1:9"
system_id = "gateway"
password = "gw-pw"
[[bank_accounts]]
number = "GB00BKUP0001"
holder = "Backup Test"
currency = "GBP"
balance = "10.00"
"#,
    );
    for (name, alias, msisdn) in customers {
        c.push_str(&format!(
            r#"
[[customers]]
name = "{name}"
id_document = "P0000001"
identities = ["{alias}"]
password = "{alias}-pass-1"
terminals = [{{ msisdn = "{msisdn}", kind = "phone" }}]
accounts = ["GB00BKUP0001"]
"#
        ));
    }
    c
}

/// Starts `gateway serve` at TRACE, waits for the ready line, stops it with
/// SIGTERM; returns (stdout, stderr).
async fn serve_once(dir: &std::path::Path) -> (String, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--config", "gateway.toml"])
        .args([
            "--http-listen",
            "127.0.0.1:0",
            "--merchant-listen",
            "127.0.0.1:0",
        ])
        .current_dir(dir)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn gateway serve");
    let mut stderr = child.stderr.take().expect("stderr");
    let err_task = tokio::spawn(async move {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s).await;
        s
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("ready line within 60 s")
        .expect("stdout")
        .expect("a ready line");
    let pid = child.id().expect("running").to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    while let Ok(Some(l)) = lines.next_line().await {
        rest.push_str(&l);
        rest.push('\n');
    }
    let err = err_task.await.expect("stderr task");
    (format!("{ready}\n{rest}"), err)
}

/// The codes in the file, by customer name.
fn codes(file: &str) -> Vec<(String, String)> {
    file.lines()
        .filter_map(|l| {
            let (who, code) = l.split_once("): backup code ")?;
            let name = who.split_once(" (")?.1;
            Some((name.to_owned(), code.trim().to_owned()))
        })
        .collect()
}

fn assert_private(path: &std::path::Path) {
    let mode = std::fs::metadata(path)
        .expect("backup-codes.txt")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{path:?} has mode {:o}", mode & 0o777);
}

fn assert_not_in(code: &str, out: &str, err: &str) {
    let bare: String = code.chars().filter(|c| *c != '-').collect();
    for needle in [code, bare.as_str()] {
        assert!(!out.contains(needle), "backup code on stdout: {out}");
        assert!(!err.contains(needle), "backup code on stderr: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_backup_codes_go_to_a_private_file_and_never_to_the_console() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("data").join("backup-codes.txt");
    std::fs::write(
        dir.path().join("gateway.toml"),
        config(&[("Carol", "carol", "447700900301")]),
    )
    .unwrap();
    let (out, err) = serve_once(dir.path()).await;
    assert_private(&file);
    let first = codes(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].0, "Carol");
    assert!(first[0].1.len() >= 12, "{first:?}");
    assert_not_in(&first[0].1, &out, &err);
    assert!(err.contains("backup-codes.txt"), "stderr says where: {err}");

    // The file loosened by someone, and a second customer added: the next
    // start tightens it before writing the new code.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let both = config(&[
        ("Carol", "carol", "447700900301"),
        ("Dave", "dave", "447700900302"),
    ]);
    std::fs::write(dir.path().join("gateway.toml"), both).unwrap();
    let (out, err) = serve_once(dir.path()).await;
    assert_private(&file);
    let now = codes(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(now.len(), 2, "{now:?}");
    assert_eq!(now[0], first[0], "Carol's code is not generated twice");
    assert_eq!(now[1].0, "Dave");
    for (_, code) in &now {
        assert_not_in(code, &out, &err);
    }
}
