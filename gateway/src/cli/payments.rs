//! `gateway payments list|show`: the payments in the data directory,
//! newest first with filters, and one payment with its timeline (created,
//! identified, code sent with message ids, receipts, code checks, bank
//! result, notifications), read straight from the store.

use anyhow::anyhow;
use clap::Subcommand;
use gateway::domain::{MerchantId, PaymentId, PaymentState};
use gateway::store::{DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, Payment, PaymentFilter, TimelineEvent};

use super::{Missing, StoreArgs, format_ms, print_json};

#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// List payments, newest first: id, state, amount, merchant, order, created.
    List {
        /// created, identified, code_sent, succeeded, declined, failed,
        /// expired or cancelled.
        #[arg(long)]
        state: Option<PaymentState>,
        #[arg(long)]
        merchant: Option<MerchantId>,
        /// At most this many (1 to 500).
        #[arg(long, default_value_t = DEFAULT_LIST_LIMIT, value_parser = parse_limit)]
        limit: usize,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Show a payment and its timeline.
    Show {
        id: PaymentId,
        #[arg(long)]
        json: bool,
    },
}

fn parse_limit(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_LIST_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!("expected a number from 1 to {MAX_LIST_LIMIT}")),
    }
}

pub async fn run(args: &StoreArgs, command: PaymentsCommand) -> anyhow::Result<()> {
    let admin = args.open(Missing::Refuse)?;
    match command {
        PaymentsCommand::List {
            state,
            merchant,
            limit,
            json,
        } => {
            let filter = PaymentFilter {
                state,
                merchant_id: merchant,
                limit,
                ..PaymentFilter::default()
            };
            for p in admin.store.list_payments(filter).await? {
                if json {
                    print_json(&payment_json(&p));
                } else {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.state,
                        p.amount,
                        p.merchant_id,
                        p.order_id,
                        format_ms(p.created_at)
                    );
                }
            }
        }
        PaymentsCommand::Show { id, json } => {
            let p = admin
                .store
                .payment(&id)
                .await?
                .ok_or_else(|| anyhow!("payment {id} not found"))?;
            let timeline = admin.store.timeline(&id).await?;
            if json {
                let mut v = payment_json(&p);
                v["timeline"] = serde_json::to_value(&timeline)?;
                print_json(&v);
            } else {
                print_payment(&p, &timeline);
            }
        }
    }
    admin.close().await
}

fn payment_json(p: &Payment) -> serde_json::Value {
    serde_json::json!({
        "id": p.id.as_str(),
        "merchant_id": p.merchant_id.as_str(),
        "order_id": p.order_id,
        "amount": p.amount.to_decimal_string(),
        "currency": p.amount.currency.code(),
        "amount_minor": p.amount.minor,
        "description": p.description,
        "state": p.state.as_str(),
        "customer_id": p.customer_id,
        "msisdn": p.msisdn,
        "bank_account": p.bank_account,
        "bank_reference": p.bank_reference,
        "reason": p.reason,
        "return_url": p.return_url,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "expires_at": p.expires_at,
    })
}

fn print_payment(p: &Payment, timeline: &[TimelineEvent]) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    println!("payment {}: {}", p.id, p.state);
    println!("  amount:      {}", p.amount);
    println!("  merchant:    {}", p.merchant_id);
    println!("  order:       {}", p.order_id);
    println!("  description: {}", p.description);
    println!(
        "  customer:    {}",
        p.customer_id
            .map_or_else(|| "-".to_owned(), |c| c.to_string())
    );
    println!("  terminal:    {}", opt(&p.msisdn));
    println!("  account:     {}", opt(&p.bank_account));
    println!("  bank ref:    {}", opt(&p.bank_reference));
    println!("  reason:      {}", opt(&p.reason));
    println!("  created:     {}", format_ms(p.created_at));
    println!("  updated:     {}", format_ms(p.updated_at));
    println!("  expires:     {}", format_ms(p.expires_at));
    println!("  timeline:");
    for e in timeline {
        println!("    {}  {:<14} {}", format_ms(e.at), e.event, e.detail);
    }
}
