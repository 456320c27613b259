//! A temporary gateway installation for CLI tests: a directory holding a
//! small config (`[store] data_dir = "data"` beside it, cheap argon2
//! parameters so registration is fast, an SMSC on a port nobody listens
//! on, which admin commands never contact) and helpers that run the built
//! `gateway` binary against it and capture what it printed.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gateway::config::Config;
use gateway::customers::CustomerService;
use gateway::store::Store;

pub const BIN: &str = env!("CARGO_BIN_EXE_gateway");

pub const CONFIG: &str = r#"
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
"#;

/// What a finished run printed and how it exited.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The value of a "key: value" line on stdout.
    pub fn field(&self, key: &str) -> String {
        let prefix = format!("{key}: ");
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {key:?} in {self:?}"))
            .to_owned()
    }

    /// stdout as JSON lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect()
    }

    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }

    /// Failed with `code` and a message on stderr containing `needle`.
    #[track_caller]
    pub fn fails(&self, code: i32, needle: &str) {
        assert_eq!(self.code, code, "{self:?}");
        assert!(self.stderr.contains(needle), "{needle:?} not in {self:?}");
    }
}

pub struct Install {
    pub dir: tempfile::TempDir,
}

impl Install {
    pub fn new() -> Install {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("gateway.toml"), CONFIG).expect("write config");
        Install { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("gateway.toml")
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `gateway ARGS --config CONFIG` with stdin empty (not a terminal).
    pub fn run(&self, args: &[&str]) -> Out {
        self.run_stdin(args, "")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Out {
        let config = self.config();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", config.to_str().expect("utf-8 temp path")]);
        run_bin(&all, stdin, self.dir.path())
    }

    /// Registers Alice with `password` on stdin; returns the output.
    pub fn add_alice(&self, password: &str) -> Out {
        self.run_stdin(
            &[
                "customers",
                "add",
                "--name",
                "Alice Archer",
                "--id-document",
                "P1234567",
                "--identity",
                "+447700900101",
                "--identity",
                "alice",
                "--terminal",
                "447700900101:phone:Alice's phone",
                "--account",
                "GB33SWBK00000000000101",
                "--limit-per-payment",
                "GBP 100.00",
            ],
            password,
        )
    }

    /// The customer service on this installation's data directory, as
    /// the gateway would open it.
    pub async fn customers(&self) -> CustomerService {
        let config = Config::from_file(self.config()).expect("test config");
        let store = Store::open_dir(self.data()).expect("open store");
        CustomerService::from_config(store, &config)
            .await
            .expect("service")
    }
}

/// Runs the binary in `cwd` with `stdin` piped in.
pub fn run_bin(args: &[&str], stdin: &str, cwd: &Path) -> Out {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gateway");
    // A run that exits before reading (a usage error) closes the pipe;
    // its exit status tells the test what happened.
    let _ = child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes());
    let out = child.wait_with_output().expect("wait for gateway");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
