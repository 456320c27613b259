//! Cross-check of `wire::tpdu` against an independent decoder: python
//! `smspdudecoder` 2.2.0 (installed by `scripts/test.sh`).
//!
//! The test encodes SMS-DELIVER and SMS-SUBMIT TPDUs covering GSM 7-bit
//! with and without a user data header, UCS-2 Chinese and emoji, 8-bit
//! data, alphanumeric senders, international and national numbers, time
//! zones either side of GMT and every TP-VP form, feeds them as hex lines
//! to `tests/interop/smspdudecoder_check.py`, and compares the JSON line
//! it prints for each with the fields we encoded. smspdudecoder has no
//! decoder for SMS-STATUS-REPORT or SMS-DELIVER-REPORT, so those are
//! covered by the golden vectors in `src/tpdu/tests` only.
//!
//! Missing python3 or module fails the test (CI must run it) unless
//! SWITCHBOARD_SKIP_PY_INTEROP=1.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "interop/tpdu_cases.rs"]
mod cases;
#[path = "interop/tpdu_expected.rs"]
mod expected;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/interop/smspdudecoder_check.py"
);
const SKIP_VAR: &str = "SWITCHBOARD_SKIP_PY_INTEROP";
const VERSION: &str = "2.2.0";

fn hint() -> String {
    format!(
        "run scripts/test.sh, which installs python3 and smspdudecoder=={VERSION} \
         (or set {SKIP_VAR}=1 to skip this cross-check)"
    )
}

/// False when told to skip; panics when the decoder is missing.
fn smspdudecoder_available() -> bool {
    if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
        eprintln!("{SKIP_VAR}=1: skipping the smspdudecoder cross-check");
        return false;
    }
    let code = format!(
        "import sys; from importlib.metadata import version; import smspdudecoder.fields; \
         sys.exit(0 if version('smspdudecoder') == '{VERSION}' else 3)"
    );
    let probe = Command::new("python3")
        .args(["-c", &code])
        .stdin(Stdio::null())
        .output();
    match probe {
        Err(e) => panic!("cannot run python3 ({e}); {}", hint()),
        Ok(out) if out.status.code() == Some(3) => {
            panic!(
                "python3 has a smspdudecoder other than {VERSION}; {}",
                hint()
            )
        }
        Ok(out) if !out.status.success() => panic!(
            "python3 cannot import smspdudecoder ({}); {}",
            String::from_utf8_lossy(&out.stderr).trim(),
            hint()
        ),
        Ok(_) => true,
    }
}

#[test]
fn smspdudecoder_reads_what_we_encode() {
    if !smspdudecoder_available() {
        return;
    }
    let cases: Vec<_> = cases::cases().iter().map(expected::expected).collect();
    let input: String = cases
        .iter()
        .map(|(kind, bytes, _)| format!("{kind} {}\n", expected::hex(bytes)))
        .collect();
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the smspdudecoder script");
    // The script reads line by line and exits at end of input.
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .expect("running the smspdudecoder script");
    writer
        .join()
        .expect("writer thread")
        .expect("writing TPDUs to the script");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "script failed ({}): {stderr}",
        out.status
    );
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout)
        .expect("UTF-8 output")
        .lines()
        .collect();
    assert_eq!(
        lines.len(),
        cases.len(),
        "one line per TPDU; stderr: {stderr}"
    );
    for (i, ((kind, bytes, want), line)) in cases.iter().zip(&lines).enumerate() {
        let got: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {i} is not JSON ({e}): {line}"));
        assert_eq!(&got, want, "case {i}: {kind} {}", expected::hex(bytes));
    }
}
