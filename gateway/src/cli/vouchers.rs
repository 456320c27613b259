//! `gateway vouchers list|show|return-unspent`: the prepaid vouchers in the
//! data directory (never a hash or a password), one voucher with its
//! ledger, and the end-of-day return run now. The return opens the data
//! directory's bank ledger and asks it like the running gateway would
//! (same idempotent keys, so running it beside the gateway's daily job
//! never returns twice); the holders' SMS are the gateway's to send, so
//! this command sends none.

use std::sync::Arc;

use clap::Subcommand;
use futures::future::BoxFuture;
use gateway::bank::{Bank, SimBank};
use gateway::codes::CodeKey;
use gateway::customers::CustomerService;
use gateway::payments::{Clock, FlowSettings, PaymentService, SentSms, SmsFailure, SmsSender};
use gateway::store::Voucher;
use gateway::vouchers::VoucherService;
use serde_json::{Value, json};

use super::{Missing, StoreArgs, format_ms, print_json};

#[derive(Subcommand)]
pub enum VouchersCommand {
    /// List vouchers, newest first: number, status, balance, customer, bought.
    List {
        /// Only this customer's (id).
        #[arg(long)]
        customer: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Show a voucher and its ledger.
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
    /// Return unspent balances now (the end-of-day run), print the report.
    ReturnUnspent,
}

/// The command line sends no SMS.
struct NoSms;

impl SmsSender for NoSms {
    fn send<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: &'a str,
        _: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<SentSms, SmsFailure>> {
        Box::pin(async {
            Err(SmsFailure::Unavailable(
                "no SMS from the command line".into(),
            ))
        })
    }
}

fn view(v: &Voucher) -> Value {
    json!({
        "number": v.number,
        "customer_id": v.customer_id.0,
        "status": v.status.as_str(),
        "amount": v.amount.to_string(),
        "balance": v.balance.to_string(),
        "source_account": v.source_account,
        "created_at": format_ms(v.created_at),
        "purchase_reference": v.purchase_reference,
        "return_reference": v.return_reference,
    })
}

pub async fn run(args: &StoreArgs, command: VouchersCommand) -> anyhow::Result<()> {
    let admin = args.open(Missing::Refuse)?;
    match command {
        VouchersCommand::List { customer, json } => {
            let all = admin
                .store
                .list_vouchers(customer.map(gateway::domain::CustomerId))
                .await?;
            for v in &all {
                if json {
                    print_json(&view(v));
                } else {
                    println!(
                        "{}  {:<12}  {:>14}  customer {}  {}",
                        v.number,
                        v.status.as_str(),
                        v.balance.to_string(),
                        v.customer_id,
                        format_ms(v.created_at)
                    );
                }
            }
        }
        VouchersCommand::Show { number, json } => {
            let v = admin
                .store
                .voucher(&number)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no voucher {number}"))?;
            let txs = admin.store.voucher_transactions(&number).await?;
            let mut out = view(&v);
            out["transactions"] = json!(txs);
            if json {
                print_json(&out);
            } else {
                println!("{}", serde_json::to_string_pretty(&out)?);
            }
        }
        VouchersCommand::ReturnUnspent => {
            let config = admin.config.clone();
            let bank = Arc::new(SimBank::open_dir(&admin.data_dir, config.bank.clone())?);
            let customers = CustomerService::from_config(admin.store.clone(), &config).await?;
            let payments = PaymentService::new(
                admin.store.clone(),
                customers,
                Arc::clone(&bank) as Arc<dyn Bank>,
                Arc::new(NoSms),
                // No code is issued here; the data directory's key stays untouched.
                CodeKey::random(),
                config.codes.clone(),
                FlowSettings::default(),
                Clock::default(),
            );
            let vouchers = VoucherService::new(
                payments,
                bank as Arc<dyn Bank>,
                Arc::new(NoSms),
                config.vouchers.clone(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let report = vouchers
                .return_unspent()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    admin.close().await
}
