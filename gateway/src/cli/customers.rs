//! `gateway customers add|list|show|unlock|pin`: registration with the
//! password from stdin or a prompt (the backup code is printed once), the
//! customer list, one customer's details (ID document masked) and the
//! administrator's unlock, which is audited.

use anyhow::{Context, anyhow};
use clap::Subcommand;
use gateway::customers::{CustomerDetails, CustomerService, Registration};
use gateway::domain::{CustomerId, IdentityKind, Money, OnlineIdentity};
use gateway::sms::Locale;
use gateway::store::{NewTerminal, TerminalKind};

use super::{AUDIT_ACTOR, Missing, StoreArgs, now_ms, password::read_password, print_json};

#[derive(Subcommand)]
pub enum CustomersCommand {
    /// Register a customer; the password is read from stdin (one line) or
    /// prompted for, never taken from the command line.
    Add(AddArgs),
    /// List customers: id, status, name, identities.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Show a customer (the ID document masked).
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Unlock a customer locked by wrong passwords or backup codes (and
    /// a payment PIN locked by wrong PINs).
    Unlock { id: i64 },
    /// Set a customer's payment PIN for confirmation from the handset (4-8
    /// digits, from stdin or prompted for, never from the command line);
    /// this also lifts a PIN lock.
    Pin { id: i64 },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The customer's real name.
    #[arg(long)]
    name: String,
    /// ID document number; only its last 4 characters are stored.
    #[arg(long)]
    id_document: String,
    /// Online identity: phone number, bank account number or alias (repeat).
    #[arg(long = "identity", value_name = "ID", required = true, value_parser = parse_identity)]
    identities: Vec<OnlineIdentity>,
    /// Registered terminal, MSISDN[:kind[:label]], kind phone (default),
    /// pda, pager or stb-card (repeat; the first gets the codes by default).
    #[arg(long = "terminal", value_name = "MSISDN[:KIND[:LABEL]]", required = true,
          value_parser = parse_terminal)]
    terminals: Vec<NewTerminal>,
    /// Linked bank account number (repeat; the first is the default).
    #[arg(long = "account", value_name = "NUMBER", required = true)]
    accounts: Vec<String>,
    /// Largest single payment, "GBP 100.00".
    #[arg(long, value_parser = parse_money)]
    limit_per_payment: Option<Money>,
    /// Largest total per day, "GBP 500.00".
    #[arg(long, value_parser = parse_money)]
    limit_per_day: Option<Money>,
    /// Language of the SMS texts: en or zh-CN (default: `[sms] locale`).
    #[arg(long)]
    locale: Option<Locale>,
    /// Print the id and backup code as JSON.
    #[arg(long)]
    json: bool,
    /// Also set a payment PIN (confirmation from the handset): read after
    /// the password, from the next stdin line or a second prompt.
    #[arg(long)]
    pin: bool,
}

fn parse_identity(s: &str) -> Result<OnlineIdentity, String> {
    OnlineIdentity::parse(s).map_err(|e| e.to_string())
}

fn parse_money(s: &str) -> Result<Money, String> {
    s.parse::<Money>().map_err(|e| e.to_string())
}

/// "447700900101", "+447700900101:pager", "447700900101:phone:Alice's phone".
fn parse_terminal(s: &str) -> Result<NewTerminal, String> {
    let mut parts = s.splitn(3, ':');
    let number = parts.next().unwrap_or_default();
    let msisdn = match OnlineIdentity::parse(number) {
        Ok(id) if id.kind() == IdentityKind::Phone => id.value().to_owned(),
        _ => {
            return Err(format!(
                "{number:?} is not a phone number (8-15 digits, \"+\" optional)"
            ));
        }
    };
    let kind = match parts.next() {
        None | Some("") => TerminalKind::Phone,
        Some(k) => k
            .parse()
            .map_err(|_| format!("unknown terminal kind {k:?} (phone, pda, pager or stb-card)"))?,
    };
    let label = parts.next().unwrap_or_default().to_owned();
    Ok(NewTerminal {
        msisdn,
        kind,
        label,
    })
}

pub async fn run(args: &StoreArgs, command: CustomersCommand) -> anyhow::Result<()> {
    // The password before opening anything: a missing one must not leave
    // a new data directory behind.
    let (missing, password) = match &command {
        CustomersCommand::Add(_) => (Missing::Create, Some(read_password()?)),
        _ => (Missing::Refuse, None),
    };
    let pin = match &command {
        CustomersCommand::Add(a) if a.pin => Some(super::pin::read_pin()?),
        CustomersCommand::Pin { .. } => Some(super::pin::read_pin()?),
        _ => None,
    };
    let admin = args.open(missing)?;
    let service = CustomerService::from_config(admin.store.clone(), &admin.config).await?;
    match command {
        CustomersCommand::Add(a) => {
            let password = password.expect("read above for add");
            for account in &a.accounts {
                super::warn_unknown_account(&admin.config, account);
            }
            let registration = Registration {
                name: a.name,
                id_document: a.id_document,
                identities: a.identities,
                password,
                backup_code: None,
                terminals: a.terminals,
                accounts: a.accounts,
                limit_per_payment: a.limit_per_payment,
                limit_per_day: a.limit_per_day,
                locale: a.locale.unwrap_or(admin.config.sms.locale),
            };
            let (id, backup) = service
                .register(registration, now_ms())
                .await
                .context("registering the customer")?;
            admin
                .store
                .audit(now_ms(), AUDIT_ACTOR, "customers add", &id.to_string())
                .await?;
            if let Some(pin) = &pin {
                service.set_pin(id, pin, now_ms()).await?;
            }
            // Dedicated terminals (stb-card) get their key now, shown once.
            let keys = service.provision_terminal_keys(id, &[], now_ms()).await?;
            if a.json {
                let keys: Vec<_> = keys.iter().map(|k| k.to_json()).collect();
                print_json(
                    &serde_json::json!({"customer_id": id, "backup_code": backup.expose(),
                    "terminal_keys": keys}),
                );
            } else {
                println!("customer_id: {id}");
                println!("backup_code: {}", backup.expose());
                for k in &keys {
                    println!(
                        "terminal_key +{}: {} (key id {})",
                        k.msisdn,
                        k.key_hex(),
                        k.key_id_hex()
                    );
                }
            }
            if !keys.is_empty() {
                eprintln!(
                    "warning: terminal keys are shown only once; provision each into its card now"
                );
            }
            eprintln!(
                "warning: the backup code is shown only once; give it to the customer now \
                 (it unlocks the identity after too many wrong passwords)"
            );
        }
        CustomersCommand::List { json } => {
            for c in service.list().await? {
                print_customer_line(&c, json);
            }
        }
        CustomersCommand::Show { id, json } => {
            let c = service
                .details(CustomerId(id))
                .await?
                .ok_or_else(|| anyhow!("customer {id} not found"))?;
            print_details(&c, json);
        }
        CustomersCommand::Unlock { id } => {
            service
                .admin_unlock(CustomerId(id), AUDIT_ACTOR, now_ms())
                .await?;
            println!("customer {id} unlocked");
        }
        CustomersCommand::Pin { id } => {
            let pin = pin.expect("read above for pin");
            service.set_pin(CustomerId(id), &pin, now_ms()).await?;
            admin
                .store
                .audit(now_ms(), AUDIT_ACTOR, "customers pin", &id.to_string())
                .await?;
            println!("customer {id}: payment PIN set");
        }
    }
    admin.close().await
}

fn print_customer_line(c: &CustomerDetails, json: bool) {
    let s = c.summary();
    if json {
        print_json(&serde_json::to_value(&s).unwrap_or_default());
    } else {
        println!(
            "{}\t{}\t{}\t{}",
            s.id,
            s.status,
            s.name,
            s.identities.join(", ")
        );
    }
}

fn print_details(c: &CustomerDetails, json: bool) {
    let s = c.summary();
    let cu = &c.customer;
    if json {
        let mut v = serde_json::to_value(&s).unwrap_or_default();
        v["limit_per_payment"] = cu.limit_per_payment.map(|m| m.to_string()).into();
        v["limit_per_day"] = cu.limit_per_day.map(|m| m.to_string()).into();
        v["locale"] = cu.locale.clone().into();
        v["password_failures"] = cu.password_failures.into();
        v["backup_failures"] = cu.backup_failures.into();
        print_json(&v);
        return;
    }
    let limit = |m: Option<Money>| m.map_or_else(|| "none".to_owned(), |m| m.to_string());
    println!("customer {}: {}", s.id, s.name);
    println!("  status:            {}", s.status);
    println!("  id document:       {}", s.id_document);
    println!("  identities:        {}", s.identities.join(", "));
    for t in &s.terminals {
        println!(
            "  terminal:          +{} ({}) {}",
            t.msisdn, t.kind, t.label
        );
    }
    println!("  accounts:          {}", s.accounts.join(", "));
    println!("  limit per payment: {}", limit(cu.limit_per_payment));
    println!("  limit per day:     {}", limit(cu.limit_per_day));
    println!("  locale:            {}", cu.locale);
    println!(
        "  failures:          {} password, {} backup code",
        cu.password_failures, cu.backup_failures
    );
    println!("  created:           {}", super::format_ms(cu.created_at));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_takes_number_kind_and_label() {
        let t = parse_terminal("+447700900101:pager:Bob's: pager").unwrap();
        assert_eq!(t.msisdn, "447700900101");
        assert_eq!(t.kind, TerminalKind::Pager);
        assert_eq!(t.label, "Bob's: pager");
        let t = parse_terminal("447700900101").unwrap();
        assert_eq!((t.kind, t.label.as_str()), (TerminalKind::Phone, ""));
    }

    #[test]
    fn terminal_refuses_aliases_and_unknown_kinds() {
        assert!(
            parse_terminal("alice")
                .unwrap_err()
                .contains("not a phone number")
        );
        assert!(
            parse_terminal("447700900101:fax")
                .unwrap_err()
                .contains("fax")
        );
    }
}
