//! The separate processes of `bench handsets`: finding the release
//! binaries next to this executable, the generated configs, and starting a
//! server that prints its JSON ready line.
//!
//! [`cell_config`] writes a handset-sim config with T terminals numbered
//! `44780` + 7 digits (IMSIs `23415` + 10 digits); the SMSC's HLR accepts
//! them because [`SMSC_CONFIG`] turns auto-provisioning on. Children are
//! killed when their [`Child`] is dropped, so an error never leaves them
//! running.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// The SMSC of the benchmark: one account with a wide window and receipts,
/// every attaching number provisioned, nothing on disk (`--memory`).
pub const SMSC_CONFIG: &str = "[[accounts]]\nsystem_id = \"bench\"\npassword = \"bench-pw\"\n\
    window = 1000\nmax_rate = 0\nreceipts_enabled = true\n\n\
    [hlr]\ndefault_profile = \"auto\"\nauto_provision = true\n";

/// The number of terminal `i` of the generated cell.
pub fn terminal(i: usize) -> String {
    format!("44780{i:07}")
}

/// Write a cell config with `terminals` phones to `out`.
pub fn cell_config(out: &mut impl Write, terminals: usize) -> std::io::Result<()> {
    writeln!(out, "[cell]\nid = \"bench\"")?;
    for i in 0..terminals {
        writeln!(
            out,
            "[[terminals]]\nmsisdn = \"{}\"\nimsi = \"23415{i:010}\"\nkind = \"phone\"",
            terminal(i)
        )?;
    }
    Ok(())
}

/// The binary `name` beside the running executable (target/release).
pub fn binary(dir: Option<&Path>, name: &str) -> anyhow::Result<PathBuf> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => std::env::current_exe()?
            .parent()
            .context("the executable has no directory")?
            .to_path_buf(),
    };
    let path = dir.join(name);
    if !path.is_file() {
        bail!(
            "{} not found: build the parts first with \
             `cargo build --release -p smsc-sim -p handset-sim` \
             (bench handsets runs smsc-sim and handset-sim as separate release processes)",
            path.display()
        );
    }
    Ok(path)
}

/// A child process killed on drop.
#[derive(Debug)]
pub struct Child(std::process::Child);

impl Child {
    pub fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `cmd` (warnings only on stderr) and read its JSON ready line.
pub fn start(cmd: &mut Command) -> anyhow::Result<(Child, serde_json::Value)> {
    let mut child = cmd
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let stdout = child.stdout.take().context("child stdout")?;
    let child = Child(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let ready = serde_json::from_str(&line)
        .with_context(|| format!("no ready line from {cmd:?} (got {line:?})"))?;
    Ok((child, ready))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_config_parses_with_distinct_numbers_and_imsis() {
        let mut text = Vec::new();
        cell_config(&mut text, 3).expect("in memory");
        let text = String::from_utf8(text).expect("utf-8");
        let config = handset_sim::Config::from_toml_str(&text).expect("valid cell config");
        let numbers: Vec<String> = config
            .terminals
            .iter()
            .map(|t| t.msisdn.to_string())
            .collect();
        assert_eq!(numbers.len(), 3);
        assert_eq!(numbers[2], terminal(2));
        let mut imsis: Vec<String> = config
            .terminals
            .iter()
            .map(|t| t.imsi.to_string())
            .collect();
        imsis.dedup();
        assert_eq!(imsis.len(), 3);
    }

    #[test]
    fn smsc_config_is_valid() {
        let dir = std::env::temp_dir().join(format!("sb-bench-conf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("smsc.toml");
        std::fs::write(&path, SMSC_CONFIG).expect("write");
        let parsed = smsc_sim::Config::from_file(&path);
        let _ = std::fs::remove_dir_all(&dir);
        parsed.expect("valid smsc config");
    }

    #[test]
    fn missing_binary_says_how_to_build() {
        let err = binary(Some(Path::new("/nonexistent")), "smsc-sim").expect_err("missing");
        assert!(err.to_string().contains("cargo build --release"));
    }
}
