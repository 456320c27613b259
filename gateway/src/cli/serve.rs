//! `gateway serve`: the config with the command line's overrides applied,
//! [`Gateway::build`], the JSON ready line on stdout
//! (`{"http":"...","merchant":"..."}`), then [`Gateway::run_until`] the
//! first SIGINT or SIGTERM, which drains HTTP, unbinds from the SMSCs and
//! closes the store before the process exits 0.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use gateway::config::Config;
use gateway::server::Gateway;

use super::DEFAULT_DATA_DIR;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// TOML configuration (see fixtures/gateway.toml); default: a loopback
    /// gateway with no SMSC, which cannot start.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Checkout pages and APIs (port 0 picks a free port); default [http] listen.
    #[arg(long)]
    http_listen: Option<SocketAddr>,
    /// Merchant API over mutual TLS; default [merchant_api] listen.
    #[arg(long)]
    merchant_listen: Option<SocketAddr>,
    /// Data directory (default: [store] data_dir, else data/gateway).
    #[arg(long, conflicts_with = "memory")]
    data_dir: Option<PathBuf>,
    /// Keep everything in memory, CA and keys included (tests, load runs).
    #[arg(long)]
    memory: bool,
}

/// The config `serve` runs with: the file (or defaults) and the overrides.
fn effective_config(args: &ServeArgs) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(a) = args.http_listen {
        config.http.listen = a;
    }
    if let Some(a) = args.merchant_listen {
        config.merchant_api.listen = a;
    }
    if args.memory {
        config.store.memory = true;
        config.store.data_dir = None;
    } else if let Some(dir) = &args.data_dir {
        config.store.data_dir = Some(dir.clone());
        config.store.memory = false;
    } else if config.store.data_dir.is_none() && !config.store.memory {
        // The library treats "no directory" as memory; the CLI's default
        // is the same directory the admin commands use.
        config.store.data_dir = Some(PathBuf::from(DEFAULT_DATA_DIR));
    }
    let (http, merchant) = (config.http.listen, config.merchant_api.listen);
    if http.port() != 0 && http == merchant {
        anyhow::bail!("--http-listen and --merchant-listen are both {http}");
    }
    Ok(config)
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = effective_config(&args)?;
    let gateway = Gateway::build(config).await?;
    // Registered before the ready line: a supervisor that stops the
    // gateway as soon as it is ready gets a clean shutdown, not the
    // default action of SIGTERM.
    let shutdown = http_serve::shutdown_signal()?;
    tracing::info!(
        http = %gateway.http_addr(),
        merchant = %gateway.merchant_addr(),
        data_dir = %gateway.data_dir().display(),
        "gateway ready"
    );
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", gateway.ready_line())?;
    stdout.flush()?;
    drop(stdout);
    gateway.run_until(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn config(argv: &[&str]) -> anyhow::Result<Config> {
        let w = Wrap::try_parse_from(std::iter::once("serve").chain(argv.iter().copied()))?;
        effective_config(&w.serve)
    }

    #[test]
    fn overrides_apply_and_the_data_dir_defaults() {
        let c = config(&[
            "--http-listen",
            "127.0.0.1:0",
            "--merchant-listen",
            "127.0.0.1:0",
        ])
        .unwrap();
        assert_eq!(c.http.listen.port(), 0);
        assert_eq!(c.merchant_api.listen.port(), 0);
        assert_eq!(c.store.data_dir, Some(PathBuf::from(DEFAULT_DATA_DIR)));
        let c = config(&["--memory"]).unwrap();
        assert!(c.store.memory && c.store.data_dir.is_none());
        let c = config(&["--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(c.store.data_dir, Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn one_address_for_both_listeners_is_refused() {
        let e = config(&[
            "--http-listen",
            "127.0.0.1:9000",
            "--merchant-listen",
            "127.0.0.1:9000",
        ])
        .unwrap_err();
        assert!(e.to_string().contains("both 127.0.0.1:9000"), "{e}");
        assert!(config(&["--memory", "--data-dir", "x"]).is_err());
    }
}
