//! The command line's parts: `serve` ([`serve`]), the admin commands
//! ([`customers`], [`merchants`], [`payments`]) and `check-config`.
//!
//! Admin commands share [`StoreArgs`]: the config (for password parameters
//! and the data directory) and `--data-dir`. [`StoreArgs::open`] resolves
//! the data directory (`--data-dir`, else `[store] data_dir`, else
//! [`DEFAULT_DATA_DIR`]) and opens the store there; a memory-only store has
//! nothing to administer, so it is refused. The running gateway and an
//! admin command may use the directory at once (SQLite WAL): a revoke or an
//! unlock takes effect at the gateway's next lookup.

pub mod customers;
pub mod merchants;
pub mod password;
pub mod payments;
pub mod pin;
pub mod serve;
pub mod vouchers;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use gateway::config::Config;
use gateway::store::Store;

/// Where the data lives when neither `--data-dir` nor the config says.
pub const DEFAULT_DATA_DIR: &str = "data/gateway";

/// Who the audit log names for actions taken from the command line.
pub const AUDIT_ACTOR: &str = "cli";

/// Options of every admin command.
#[derive(clap::Args)]
pub struct StoreArgs {
    /// TOML configuration (password parameters, `[store] data_dir`).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (default: `[store] data_dir`, else data/gateway).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Refused: admin commands work on the data directory.
    #[arg(long, global = true, hide = true)]
    memory: bool,
}

/// An opened data directory.
pub struct Admin {
    pub config: Config,
    pub data_dir: PathBuf,
    pub store: Store,
}

/// Whether an admin command may create a data directory that is missing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Create,
    Refuse,
}

impl StoreArgs {
    pub fn open(&self, missing: Missing) -> anyhow::Result<Admin> {
        if self.memory {
            bail!("--memory: admin commands work on a data directory; pass --data-dir instead");
        }
        let config = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        let data_dir = match (&self.data_dir, &config.store.data_dir, config.store.memory) {
            (Some(dir), _, _) => dir.clone(),
            (None, Some(dir), _) => dir.clone(),
            (None, None, true) => bail!(
                "the config keeps the store in memory ([store] memory = true); \
                 admin commands need a data directory: pass --data-dir"
            ),
            (None, None, false) => PathBuf::from(DEFAULT_DATA_DIR),
        };
        if missing == Missing::Refuse && !data_dir.is_dir() {
            bail!(
                "data directory {} does not exist (pass --data-dir, or start the gateway once)",
                data_dir.display()
            );
        }
        let store = Store::open_dir_with(&data_dir, config.store.sync)
            .with_context(|| format!("opening the store in {}", data_dir.display()))?;
        Ok(Admin {
            config,
            data_dir,
            store,
        })
    }
}

impl Admin {
    /// Closes the store so everything is on disk before the process exits.
    pub async fn close(self) -> anyhow::Result<()> {
        self.store.close().await?;
        Ok(())
    }
}

/// Unix milliseconds now, the store's time unit.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// "2025-01-31T12:00:00.123Z" for Unix milliseconds.
pub fn format_ms(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// The simulated bank opens only the config's `[[bank_accounts]]`: an
/// account outside them would make every payment touching it fail.
pub fn warn_unknown_account(config: &Config, account: &str) {
    let known = &config.bank_accounts;
    if !known.is_empty() && !known.iter().any(|a| a.number == account) {
        eprintln!("warning: account {account} is not among the config's [[bank_accounts]]");
    }
}

/// Prints a value as one line of JSON.
pub fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// `check-config`: parse and validate, then say what the file defines.
pub fn check_config(path: &Path) -> anyhow::Result<()> {
    let c = Config::from_file(path)?;
    let data_dir = match (&c.store.data_dir, c.store.memory) {
        (_, true) => "memory".to_owned(),
        (Some(dir), false) => dir.display().to_string(),
        (None, false) => format!("{DEFAULT_DATA_DIR} (default)"),
    };
    println!(
        "{}: ok: http {}, merchant API {}, data {data_dir}, {} SMSCs, {} customers, \
         {} merchants, {} bank accounts, admin API {}",
        path.display(),
        c.http.listen,
        c.merchant_api.listen,
        c.smsc.len(),
        c.customers.len(),
        c.merchants.len(),
        c.bank_accounts.len(),
        if c.admin.token.is_some() { "on" } else { "off" },
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_format_as_utc_rfc3339() {
        assert_eq!(format_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
