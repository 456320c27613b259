//! `gateway merchants add|cert|list|revoke`: onboarding by certificate.
//! `add` registers a merchant with a fresh id and webhook secret (printed
//! once), has the data directory's CA issue its client certificate and
//! writes `client.pem`, `client.key` (0600) and `ca.pem` to `--out`;
//! `cert` issues a new certificate for a known merchant (the old one stops
//! working at once); `revoke` makes the merchant API refuse it. Each change
//! is written to the admin audit log.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::Subcommand;
use gateway::domain::MerchantId;
use gateway::pki::{Ca, IssuedCert};
use gateway::server::write_merchant_files;
use gateway::store::{Merchant, MerchantStatus, NewMerchant};

use super::{AUDIT_ACTOR, Admin, Missing, StoreArgs, now_ms, print_json};

/// Validity of a merchant certificate unless `--valid-days` says otherwise.
const DEFAULT_VALID_DAYS: u32 = 825;
/// Hex digits of the certificate fingerprint `list` shows.
const FINGERPRINT_PREFIX: usize = 16;

#[derive(Subcommand)]
pub enum MerchantsCommand {
    /// Register a merchant and write its client certificate, key and the
    /// CA certificate to a directory.
    Add {
        #[arg(long)]
        name: String,
        /// Directory for client.pem, client.key and ca.pem (created).
        #[arg(long)]
        out: PathBuf,
        /// Where the gateway POSTs signed webhooks (http:// or https://).
        #[arg(long, value_parser = parse_url)]
        webhook_url: Option<String>,
        /// The bank account the merchant's payments are credited to.
        #[arg(long, value_name = "NUMBER")]
        account: String,
        #[arg(long, default_value_t = DEFAULT_VALID_DAYS)]
        valid_days: u32,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Issue a new client certificate for a merchant (replaces the old one).
    Cert {
        id: MerchantId,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = DEFAULT_VALID_DAYS)]
        valid_days: u32,
    },
    /// List merchants: id, status, fingerprint prefix, name.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a merchant: the merchant API refuses its certificate at once.
    Revoke { id: MerchantId },
}

fn parse_url(s: &str) -> Result<String, String> {
    if s.starts_with("http://") || s.starts_with("https://") {
        Ok(s.to_owned())
    } else {
        Err(format!("{s:?} must start with http:// or https://"))
    }
}

pub async fn run(args: &StoreArgs, command: MerchantsCommand) -> anyhow::Result<()> {
    let missing = match command {
        MerchantsCommand::Add { .. } => Missing::Create,
        _ => Missing::Refuse,
    };
    let admin = args.open(missing)?;
    match command {
        MerchantsCommand::Add {
            name,
            out,
            webhook_url,
            account,
            valid_days,
            json,
        } => {
            add(&admin, name, &out, webhook_url, account, valid_days, json).await?;
        }
        MerchantsCommand::Cert {
            id,
            out,
            valid_days,
        } => {
            let m = find(&admin, &id).await?;
            refuse_existing_key(&out)?;
            let ca = Ca::load_or_create(&admin.data_dir)?;
            let issued = ca.issue_merchant(&m.name, id.as_str(), valid_days)?;
            admin
                .store
                .set_merchant_certificate(&id, &issued.fingerprint_sha256, now_ms())
                .await?;
            admin
                .store
                .audit(now_ms(), AUDIT_ACTOR, "merchants cert", id.as_str())
                .await?;
            write_files(&out, &issued, &ca, &id)?;
            println!("merchant_id: {id}");
            println!("fingerprint: {}", issued.fingerprint_sha256);
            println!("files: {}", out.display());
        }
        MerchantsCommand::List { json } => {
            for m in admin.store.list_merchants().await? {
                print_line(&m, json);
            }
        }
        MerchantsCommand::Revoke { id } => {
            find(&admin, &id).await?;
            admin
                .store
                .set_merchant_status(&id, MerchantStatus::Revoked, now_ms())
                .await?;
            admin
                .store
                .audit(now_ms(), AUDIT_ACTOR, "merchants revoke", id.as_str())
                .await?;
            println!("merchant {id} revoked");
        }
    }
    admin.close().await
}

async fn add(
    admin: &Admin,
    name: String,
    out: &Path,
    webhook_url: Option<String>,
    account: String,
    valid_days: u32,
    json: bool,
) -> anyhow::Result<()> {
    if account.trim().is_empty() {
        bail!("--account is empty");
    }
    refuse_existing_key(out)?;
    super::warn_unknown_account(&admin.config, account.trim());
    let id = MerchantId::generate();
    let ca = Ca::load_or_create(&admin.data_dir)?;
    let issued = ca.issue_merchant(&name, id.as_str(), valid_days)?;
    let secret: [u8; 32] = rand::random();
    let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let merchant = NewMerchant {
        id: id.clone(),
        name: name.trim().to_owned(),
        bank_account: account.trim().to_owned(),
        webhook_url,
        webhook_secret: secret.clone(),
        cert_fingerprint: Some(issued.fingerprint_sha256.clone()),
    };
    admin
        .store
        .create_merchant(merchant, now_ms())
        .await
        .context("registering the merchant")?;
    admin
        .store
        .audit(now_ms(), AUDIT_ACTOR, "merchants add", id.as_str())
        .await?;
    write_files(out, &issued, &ca, &id)?;
    if json {
        print_json(&serde_json::json!({
            "merchant_id": id.as_str(),
            "webhook_secret": secret,
            "fingerprint": issued.fingerprint_sha256,
            "dir": out.display().to_string(),
        }));
    } else {
        println!("merchant_id: {id}");
        println!("webhook_secret: {secret}");
        println!("fingerprint: {}", issued.fingerprint_sha256);
        println!("files: {} (client.pem, client.key, ca.pem)", out.display());
    }
    eprintln!(
        "warning: the webhook secret is shown only once; store it with the merchant's \
         webhook receiver now"
    );
    Ok(())
}

/// A key already in `dir` may be a working merchant's: never overwrite it.
fn refuse_existing_key(dir: &Path) -> anyhow::Result<()> {
    let key = dir.join("client.key");
    if key.exists() {
        bail!(
            "{} already exists; choose another --out directory",
            key.display()
        );
    }
    Ok(())
}

fn write_files(dir: &Path, issued: &IssuedCert, ca: &Ca, id: &MerchantId) -> anyhow::Result<()> {
    write_merchant_files(dir, issued, &ca.cert_pem()).with_context(|| {
        format!(
            "merchant {id} is registered but its files were not written; \
             run `gateway merchants cert {id} --out DIR` to issue them again"
        )
    })
}

async fn find(admin: &Admin, id: &MerchantId) -> anyhow::Result<Merchant> {
    admin
        .store
        .merchant(id)
        .await?
        .ok_or_else(|| anyhow!("merchant {id} not found"))
}

fn print_line(m: &Merchant, json: bool) {
    let fingerprint = m.cert_fingerprint.as_deref().unwrap_or("");
    if json {
        print_json(&serde_json::json!({
            "id": m.id.as_str(),
            "name": m.name,
            "status": m.status.as_str(),
            "fingerprint": m.cert_fingerprint,
            "webhook_url": m.webhook_url,
            "account": m.bank_account,
        }));
    } else {
        let prefix = fingerprint
            .get(..FINGERPRINT_PREFIX)
            .unwrap_or(if fingerprint.is_empty() {
                "-"
            } else {
                fingerprint
            });
        println!("{}\t{}\t{prefix}\t{}", m.id, m.status, m.name);
    }
}
