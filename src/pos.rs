//! The merchant-terminal simulator: a point of sale that charges a customer
//! named by an online identity through the gateway's merchant API (mutual
//! TLS, `POST /v1/terminal-payments`), then polls
//! `GET /v1/terminal-payments/{id}` until the customer answered on the
//! phone (or the push expired) and prints a [`Receipt`]. The `switchboard
//! pos` command ([`run`]) and the `/pos` page on the demo shop's listener
//! ([`page`]) both use [`charge`] and [`wait_final`].

pub mod page;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::merchant_client::Merchant;

/// What the terminal charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    /// The customer's online identity (phone number, alias, account).
    pub customer: String,
    /// Decimal, "12.50".
    pub amount: String,
    pub currency: String,
    pub description: String,
    pub terminal_id: String,
}

/// Starts the payment; returns the gateway's answer (the payment with its
/// push reference). A refusal is an error naming the gateway's reason.
pub async fn charge(merchant: &Merchant, sale: &Sale) -> anyhow::Result<Value> {
    let body = json!({
        "customer": sale.customer, "amount": sale.amount, "currency": sale.currency,
        "description": sale.description, "terminal_id": sale.terminal_id,
    });
    let a = merchant
        .call("POST", "/v1/terminal-payments", Some(&body), &[])
        .await;
    match a.status {
        201 | 200 => Ok(a.body),
        0 => bail!("the gateway's merchant API did not answer"),
        s => bail!(
            "the gateway refused the payment ({s}): {}",
            a.body["error"].as_str().unwrap_or("no reason given")
        ),
    }
}

/// Polls the payment every `every` until it is final or `timeout` passed.
pub async fn wait_final(
    merchant: &Merchant,
    id: &str,
    every: Duration,
    timeout: Duration,
) -> anyhow::Result<Value> {
    let poll = async {
        loop {
            let a = merchant
                .call("GET", &format!("/v1/terminal-payments/{id}"), None, &[])
                .await;
            if a.status == 200 && is_final(&a.body) {
                return a.body;
            }
            tokio::time::sleep(every).await;
        }
    };
    tokio::time::timeout(timeout, poll)
        .await
        .with_context(|| format!("payment {id} was not answered within {timeout:?}"))
}

/// True when the payment's state can no longer change.
pub fn is_final(payment: &Value) -> bool {
    matches!(
        payment["state"].as_str(),
        Some("succeeded" | "declined" | "failed" | "expired" | "cancelled")
    )
}

/// What the terminal prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub merchant: String,
    pub amount: String,
    pub currency: String,
    pub description: String,
    /// The push's short reference (in the customer's SMS too).
    pub reference: String,
    pub payment_id: String,
    pub bank_reference: Option<String>,
    /// When the payment became final, UTC.
    pub time: String,
    /// "APPROVED", or "NOT PAID (<state>: <reason>)".
    pub result: String,
    pub approved: bool,
}

impl Receipt {
    pub fn from_payment(p: &Value) -> Receipt {
        let s = |k: &str| p[k].as_str().unwrap_or("").to_owned();
        let state = s("state");
        let approved = state == "succeeded";
        let result = if approved {
            "APPROVED".to_owned()
        } else {
            match p["reason"].as_str() {
                Some(r) => format!("NOT PAID ({state}: {r})"),
                None => format!("NOT PAID ({state})"),
            }
        };
        let time = p["updated_at"]
            .as_i64()
            .and_then(|ms| {
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
            })
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        Receipt {
            merchant: s("merchant"),
            amount: s("amount"),
            currency: s("currency"),
            description: s("description"),
            reference: p["push"]["reference"].as_str().unwrap_or("-").to_owned(),
            payment_id: s("id"),
            bank_reference: p["bank_reference"].as_str().map(str::to_owned),
            time,
            result,
            approved,
        }
    }
}

impl std::fmt::Display for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "----------------------------------------")?;
        writeln!(f, "  {}", self.merchant)?;
        if !self.description.is_empty() {
            writeln!(f, "  {}", self.description)?;
        }
        writeln!(f, "  AMOUNT     {} {}", self.currency, self.amount)?;
        writeln!(f, "  REFERENCE  {}", self.reference)?;
        writeln!(f, "  PAYMENT    {}", self.payment_id)?;
        if let Some(b) = &self.bank_reference {
            writeln!(f, "  BANK REF   {b}")?;
        }
        writeln!(f, "  TIME       {}", self.time)?;
        writeln!(f, "  RESULT     {}", self.result)?;
        write!(f, "----------------------------------------")
    }
}

/// `switchboard pos`: options of the command.
#[derive(Debug, clap::Args)]
pub struct PosArgs {
    /// The customer's online identity: phone number, alias or account.
    #[arg(long)]
    pub customer: String,
    /// Decimal amount, e.g. 12.50.
    #[arg(long)]
    pub amount: String,
    #[arg(long, default_value = "GBP")]
    pub currency: String,
    #[arg(long, default_value = "")]
    pub description: String,
    /// This terminal's id (shown in the payment's timeline).
    #[arg(long, default_value = "POS-1")]
    pub terminal: String,
    /// The gateway's merchant API.
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub gateway: std::net::SocketAddr,
    /// The merchant's certificate files (ca.pem, client.pem, client.key).
    #[arg(long, default_value = "data/gateway/merchants/mer_demoshop")]
    pub merchant_dir: PathBuf,
    /// Seconds to wait for the customer's answer.
    #[arg(long, default_value_t = 180)]
    pub wait_s: u64,
}

/// Runs the command: charge, print the reference, wait, print the receipt.
/// Fails (exit 1) when the payment did not succeed.
pub async fn run(args: &PosArgs) -> anyhow::Result<()> {
    let merchant = Merchant::from_dir(args.gateway, &args.merchant_dir)?;
    let sale = Sale {
        customer: args.customer.clone(),
        amount: args.amount.clone(),
        currency: args.currency.clone(),
        description: args.description.clone(),
        terminal_id: args.terminal.clone(),
    };
    let started = charge(&merchant, &sale).await?;
    let id = started["id"]
        .as_str()
        .context("no payment id in the answer")?;
    if let Some(r) = started["push"]["reference"].as_str()
        && !is_final(&started)
    {
        eprintln!(
            "sent to the customer's phone {}: reference {r}; waiting for YES {r} <PIN> ...",
            started["push"]["phone"].as_str().unwrap_or("")
        );
    }
    let done = wait_final(
        &merchant,
        id,
        Duration::from_millis(500),
        Duration::from_secs(args.wait_s),
    )
    .await?;
    let receipt = Receipt::from_payment(&done);
    println!("{receipt}");
    if !receipt.approved {
        bail!("not paid: {}", receipt.result);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_name_merchant_amount_reference_time_and_result() {
        let p = json!({
            "id": "pay_1", "state": "succeeded", "amount": "12.50", "currency": "GBP",
            "description": "Coffee", "merchant": "Demo Shop", "bank_reference": "BNK-9",
            "updated_at": 1_700_000_000_000_i64, "push": { "reference": "K7Q2" },
        });
        let r = Receipt::from_payment(&p);
        assert!(r.approved);
        let text = r.to_string();
        for want in [
            "Demo Shop",
            "GBP 12.50",
            "K7Q2",
            "2023-11-14T22:13:20Z",
            "APPROVED",
            "BNK-9",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
        let p = json!({ "id": "pay_2", "state": "declined", "reason": "declined by the customer on the phone" });
        let r = Receipt::from_payment(&p);
        assert!(!r.approved);
        assert_eq!(
            r.result,
            "NOT PAID (declined: declined by the customer on the phone)"
        );
        assert!(!is_final(&json!({ "state": "code_sent" })));
    }
}
