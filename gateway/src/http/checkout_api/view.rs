//! The JSON checkout API's answer: the payment as the shopper sees it
//! (state, amount, payee, masked destination, the code's delivery and
//! expiry, attempts left) and, while it is open, the customer's terminals
//! (masked) and linked accounts.

use serde::Serialize;

use crate::http::ApiError;
use crate::http::pages::mask_msisdn;
use crate::payments::PaymentService;
use crate::store::{Payment, Terminal};

#[derive(Debug, Serialize)]
pub struct TerminalView {
    pub id: i64,
    pub label: String,
    pub kind: &'static str,
    pub msisdn: String,
}

impl From<&Terminal> for TerminalView {
    fn from(t: &Terminal) -> Self {
        TerminalView {
            id: t.id,
            label: t.label.clone(),
            kind: t.kind.as_str(),
            msisdn: mask_msisdn(&t.msisdn),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CheckoutView {
    pub id: String,
    pub state: &'static str,
    pub merchant: String,
    pub amount: String,
    pub currency: String,
    pub description: String,
    pub expires_at: i64,
    /// Masked number the latest code went to.
    pub destination: Option<String>,
    /// pending, sent, delivered or failed.
    pub delivery: Option<&'static str>,
    pub code_expires_at: Option<i64>,
    pub attempts_left: Option<u32>,
    pub return_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terminals: Vec<TerminalView>,
    /// The customer's linked accounts (full numbers: the shopper signed in
    /// and picks one) and the one that will be debited.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    pub account: Option<String>,
}

pub(crate) async fn view(payments: &PaymentService, p: &Payment) -> Result<CheckoutView, ApiError> {
    let store = payments.store();
    let merchant = store
        .merchant(&p.merchant_id)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    let code = store.latest_code(&p.id).await?;
    let (terminals, accounts) = match p.customer_id {
        Some(c) if !p.state.is_final() => {
            (store.terminals(c).await?, store.payable_accounts(c).await?)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let max = payments.policy().max_attempts();
    Ok(CheckoutView {
        id: p.id.as_str().to_owned(),
        state: p.state.as_str(),
        merchant,
        amount: p.amount.to_decimal_string(),
        currency: p.amount.currency.code().to_owned(),
        description: p.description.clone(),
        expires_at: p.expires_at,
        destination: p.msisdn.as_deref().map(mask_msisdn),
        delivery: code.as_ref().map(|c| c.delivery.as_str()),
        code_expires_at: code.as_ref().map(|c| c.expires_at),
        attempts_left: code.as_ref().map(|c| max.saturating_sub(c.attempts)),
        return_url: p.return_url.clone(),
        terminals: terminals.iter().map(TerminalView::from).collect(),
        accounts,
        account: p.bank_account.as_deref().map(crate::payments::mask_account),
    })
}
