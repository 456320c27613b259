//! Switchboard's parts as real processes, the way an operator deploys them:
//! the `smsc-sim`, `handset-sim` and `gateway` binaries spawned from the
//! build with the fixture configs, listeners on 127.0.0.1:0, each one's
//! addresses read from the JSON ready line it prints, and nothing shared
//! but loopback sockets. [`Part`] is one running process (stopped with
//! SIGTERM, killed on drop if a test failed first); [`Scratch`] is a
//! directory for configs, stores and each part's stderr log.
#![allow(dead_code)]

mod client;
mod proxy;
mod receipts;
#[allow(unused_imports)]
pub use client::*;
#[allow(unused_imports)]
pub use proxy::Proxy;
#[allow(unused_imports)]
pub use receipts::{Receipts, collect_receipts};

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The directory cargo puts this build's binaries in (`target/debug`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test>-<hash>
    exe.parent()
        .and_then(Path::parent)
        .expect("test binary in target/<profile>/deps")
        .to_path_buf()
}

/// Path of a part's binary. `cargo test --workspace` has built it with the
/// same features as everything else; a narrower run (`cargo test --test
/// processes`) has not, so the first call asks cargo for the same
/// workspace build, a no-op when it is already up to date.
pub fn bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    let dir = profile_dir();
    BUILT.get_or_init(|| {
        let target = dir.parent().expect("target dir");
        let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cargo
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["test", "--workspace", "--no-run", "--quiet"])
            .arg("--target-dir")
            .arg(target)
            .stdout(Stdio::null());
        if dir.file_name().is_some_and(|p| p == "release") {
            cargo.arg("--release");
        }
        // cargo gives a test its package's CARGO_PKG_*, CARGO_MANIFEST_DIR,
        // OUT_DIR...; build scripts that watch those (ring's do) would see
        // them changed and rebuild half the graph, so they are not passed on.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if set_by_cargo_for_tests(&key) {
                cargo.env_remove(&*key);
            }
        }
        let status = cargo.status().expect("cargo runs");
        if !status.success() {
            // Some other test target of the workspace does not compile (a
            // colleague's edit in progress): the binaries alone may still
            // build, with the features of a plain build.
            eprintln!(
                "`cargo test --workspace --no-run` failed ({status}); building the binaries only"
            );
            let mut bins = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            bins.current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["build", "--workspace", "--bins", "--quiet"])
                .arg("--target-dir")
                .arg(target)
                .stdout(Stdio::null());
            if dir.file_name().is_some_and(|p| p == "release") {
                bins.arg("--release");
            }
            for (key, _) in std::env::vars_os() {
                let key = key.to_string_lossy();
                if set_by_cargo_for_tests(&key) {
                    bins.env_remove(&*key);
                }
            }
            let status = bins.status().expect("cargo runs");
            assert!(status.success(), "building the parts failed: {status}");
        }
    });
    dir.join(name)
}

fn set_by_cargo_for_tests(key: &str) -> bool {
    const KEPT: [&str; 9] = [
        "CARGO_HOME",
        "CARGO_TARGET_DIR",
        "CARGO_INCREMENTAL",
        "CARGO_BUILD_",
        "CARGO_PROFILE_",
        "CARGO_REGISTRIES_",
        "CARGO_NET_",
        "CARGO_TERM_",
        "CARGO_HTTP_",
    ];
    key == "OUT_DIR" || (key.starts_with("CARGO_") && !KEPT.iter().any(|k| key.starts_with(k)))
}

/// A directory removed when dropped, unless the test panicked (then its
/// logs are kept and their path printed).
pub struct Scratch {
    pub dir: PathBuf,
    /// RUST_LOG of the parts spawned with it.
    log: String,
}

impl Scratch {
    pub fn new(test: &str) -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "switchboard-{test}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch {
            dir,
            log: "info".into(),
        }
    }

    /// Parts spawned from now on log with this RUST_LOG filter.
    pub fn with_log(mut self, filter: &str) -> Scratch {
        filter.clone_into(&mut self.log);
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Everything `name` wrote to stderr so far.
    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(&format!("{name}.log"))).unwrap_or_default()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("logs and stores kept in {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// One running part.
pub struct Part {
    pub name: String,
    child: Child,
    /// The JSON ready line: the bound addresses.
    pub ready: Value,
}

impl Part {
    /// Runs `bin args...`, stderr to `<scratch>/<name>.log`, and waits (at
    /// most 30 s) for its ready line.
    pub fn spawn(scratch: &Scratch, name: &str, bin: &Path, args: &[String]) -> Part {
        let log = File::options()
            .create(true)
            .append(true)
            .open(scratch.path(&format!("{name}.log")))
            .expect("log file");
        let mut child = Command::new(bin)
            .args(args)
            .env("RUST_LOG", &scratch.log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Keep draining so a late print never meets a closed pipe.
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                panic!("{name} printed no ready line: {other:?}");
            }
        };
        let ready = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{name} ready line {line:?}: {e}"));
        Part {
            name: name.to_owned(),
            child,
            ready,
        }
    }

    /// An address from the ready line (`"smpp"`, `"http"`, ...).
    pub fn addr(&self, key: &str) -> String {
        self.ready[key]
            .as_str()
            .unwrap_or_else(|| panic!("{} ready line has no {key}: {}", self.name, self.ready))
            .to_owned()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size now (`VmRSS` of /proc/PID/status), in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_else(|e| panic!("/proc status of {}: {e}", self.name));
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no VmRSS for {}", self.name))
    }

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// SIGTERM, then wait (at most 20 s) for the exit status.
    pub fn stop(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM to {}", self.name);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} still running 20 s after SIGTERM",
                self.name
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Part {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// smsc-sim with the fixtures and its store in `scratch/smsc`; `listen`
/// gives (smpp, http, air) addresses, port 0 for any.
pub fn smsc_sim(scratch: &Scratch, listen: [&str; 3]) -> Part {
    smsc_sim_with(scratch, &fixtures().join("smsc-sim.toml"), listen)
}

/// smsc-sim as [`smsc_sim`], with another config file.
pub fn smsc_sim_with(scratch: &Scratch, config: &Path, listen: [&str; 3]) -> Part {
    let args = [
        "serve",
        "--config",
        &config.to_string_lossy(),
        "--smpp-listen",
        listen[0],
        "--http-listen",
        listen[1],
        "--air-listen",
        listen[2],
        "--data-dir",
        &scratch.path("smsc").to_string_lossy(),
    ]
    .map(String::from);
    Part::spawn(scratch, "smsc-sim", &bin("smsc-sim"), &args)
}

/// handset-sim with the fixture terminals, attached to `smsc`'s air link.
pub fn handset_sim(scratch: &Scratch, smsc: &Part) -> Part {
    handset_sim_with(
        scratch,
        &fixtures().join("handset-sim.toml"),
        &smsc.addr("air"),
    )
}

/// handset-sim with another config file, its cell connecting to `air` (a
/// [`Proxy`] in front of smsc-sim's air link, for instance).
pub fn handset_sim_with(scratch: &Scratch, config: &Path, air: &str) -> Part {
    let args = [
        "serve",
        "--config",
        &config.to_string_lossy(),
        "--air",
        air,
        "--http-listen",
        "127.0.0.1:0",
    ]
    .map(String::from);
    Part::spawn(scratch, "handset-sim", &bin("handset-sim"), &args)
}

/// Where a gateway listens and sends its webhooks.
#[derive(Debug, Clone)]
pub struct GatewayOptions {
    pub http: String,
    pub merchant: String,
    /// Replaces every fixture merchant's webhook host (`http://IP:PORT`).
    pub webhooks: Option<String>,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        GatewayOptions {
            http: "127.0.0.1:0".into(),
            merchant: "127.0.0.1:0".into(),
            webhooks: None,
        }
    }
}

/// The gateway with the fixture customers and merchants, bound to
/// `smsc` over SMPP and asking its CAMARA API about SIM swaps; its data
/// (store, CA, merchant certificates) in `scratch/gateway`.
pub fn gateway(scratch: &Scratch, smsc: &Part) -> Part {
    gateway_with(scratch, smsc, &GatewayOptions::default())
}

pub fn gateway_with(scratch: &Scratch, smsc: &Part, options: &GatewayOptions) -> Part {
    gateway_configured(scratch, &smsc.addr("smpp"), smsc, options, |_| {})
}

/// The gateway as [`gateway_with`], bound over SMPP to `smpp` (smsc-sim's
/// own address or a [`Proxy`] in front of it), its fixture config changed
/// by `edit` before it starts.
pub fn gateway_configured(
    scratch: &Scratch,
    smpp: &str,
    smsc: &Part,
    options: &GatewayOptions,
    edit: impl FnOnce(&mut toml::Table),
) -> Part {
    let text = std::fs::read_to_string(fixtures().join("gateway.toml")).expect("fixture");
    let mut config: toml::Table = text.parse().expect("fixture TOML");
    let smscs = config["smsc"].as_array_mut().expect("[[smsc]]");
    smscs[0]
        .as_table_mut()
        .expect("a table")
        .insert("address".into(), smpp.into());
    config["sim_swap"]
        .as_table_mut()
        .expect("[sim_swap]")
        .insert("url".into(), format!("http://{}", smsc.addr("http")).into());
    if let Some(carriers) = config.get_mut("carriers").and_then(|c| c.as_array_mut()) {
        for c in carriers {
            let c = c.as_table_mut().expect("a table");
            c.insert(
                "base_url".into(),
                format!("http://{}", smsc.addr("http")).into(),
            );
        }
    }
    if let Some(base) = &options.webhooks {
        for m in config["merchants"].as_array_mut().expect("[[merchants]]") {
            let m = m.as_table_mut().expect("a table");
            let id = m["id"].as_str().expect("id").to_owned();
            m.insert("webhook_url".into(), format!("{base}/webhooks/{id}").into());
        }
    }
    edit(&mut config);
    let path = scratch.path("gateway.toml");
    std::fs::write(&path, config.to_string()).expect("write config");
    let args = [
        "serve",
        "--config",
        &path.to_string_lossy(),
        "--http-listen",
        &options.http,
        "--merchant-listen",
        &options.merchant,
        "--data-dir",
        &scratch.path("gateway").to_string_lossy(),
    ]
    .map(String::from);
    Part::spawn(scratch, "gateway", &bin("gateway"), &args)
}
