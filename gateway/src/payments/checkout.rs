//! The shopper identifies: online identity and password, checked with the
//! lockout rules; one generic refusal whatever was wrong. Then the limits
//! (per payment, per day), the terminal and bank account, and the code.

use tokio::time::Instant;

use super::{PaymentError, PaymentService};
use crate::customers::LoginError;
use crate::domain::{OnlineIdentity, Password, PaymentId, PaymentState};
use crate::store::{Payment, PaymentUpdate, Terminal};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug)]
pub struct IdentifyRequest {
    pub identity: String,
    pub password: Password,
    /// The terminal to send the code to (a terminal id); default the first.
    pub terminal: Option<i64>,
    /// The linked bank account to pay from; default the first.
    pub account: Option<String>,
    /// A number to send the code to that need not be registered; only
    /// when `[codes] allow_unregistered_terminal` is on.
    pub send_to: Option<String>,
    /// The shopper's address, for per-IP limits.
    pub ip: String,
}

/// After a successful identification: the payment (code sent) and the
/// customer's terminals to choose from.
#[derive(Debug, Clone)]
pub struct Identified {
    pub payment: Payment,
    pub terminals: Vec<Terminal>,
    pub accounts: Vec<String>,
}

impl PaymentService {
    /// Expire `p` if its time is up (and say so), else hand it back.
    pub(super) async fn expire_if_due(&self, p: Payment) -> Result<Payment, PaymentError> {
        if !p.state.is_final() && self.now() >= p.expires_at {
            let detail = "the shopper did not finish in time";
            return match self
                .finish(&p, PaymentState::Expired, "expired", detail, None)
                .await
            {
                Ok(p) => Ok(p),
                // Someone else finished it meanwhile: show what it is now.
                Err(PaymentError::WrongState(_)) => self.payment(&p.id).await,
                Err(e) => Err(e),
            };
        }
        Ok(p)
    }

    pub async fn identify(
        &self,
        id: &PaymentId,
        req: IdentifyRequest,
    ) -> Result<Identified, PaymentError> {
        let inner = &self.inner;
        if let Err(wait) = inner.ip_starts.check_and_record(&req.ip, Instant::now()) {
            self.refused(super::RefusalReason::IpStarts, &req.ip, None);
            return Err(PaymentError::RateLimited(wait.0.as_secs().max(1)));
        }
        let p = self.expire_if_due(self.payment(id).await?).await?;
        if !matches!(p.state, PaymentState::Created | PaymentState::Identified) {
            return Err(PaymentError::WrongState(p.state));
        }
        let send_to = self.named_number(&req)?;
        let now = self.now();
        // An identity that does not even parse is refused like a wrong one.
        let Ok(identity) = OnlineIdentity::parse(&req.identity) else {
            inner
                .store
                .add_event(&p.id, now, "sign_in_failed", "malformed identity")
                .await?;
            return Err(PaymentError::SignInFailed);
        };
        let customer = match inner.customers.login(&identity, &req.password, now).await {
            Ok(c) => c,
            Err(LoginError::Internal(e)) => return Err(PaymentError::Internal(e)),
            Err(e) => {
                inner
                    .store
                    .add_event(&p.id, now, "sign_in_failed", e.kind())
                    .await?;
                return Err(PaymentError::SignInFailed);
            }
        };
        if let Some(reason) = self.limit_refusal(&customer, &p).await? {
            self.finish(&p, PaymentState::Declined, "declined", reason, None)
                .await?;
            return Err(PaymentError::WrongState(PaymentState::Declined));
        }
        let terminals = inner.store.terminals(customer.id).await?;
        let accounts = inner.store.payable_accounts(customer.id).await?;
        let account = match &req.account {
            Some(a) if accounts.contains(a) => a.clone(),
            Some(_) => {
                return Err(PaymentError::Invalid(
                    "no such account for this customer".into(),
                ));
            }
            None => accounts.first().cloned().ok_or_else(|| {
                PaymentError::Invalid(
                    "the customer has no linked account that may pay by SMS code".into(),
                )
            })?,
        };
        let mut u = PaymentUpdate::to(PaymentState::Identified)
            .expect(&[PaymentState::Created, PaymentState::Identified])
            .event(
                "identified",
                format!("customer {} ({})", customer.id, identity.kind().as_str()),
            );
        u.customer_id = Some(customer.id);
        u.bank_account = Some(account);
        let p = inner.store.update_payment(&p.id, u, self.now()).await?;
        let msisdn = match send_to {
            Some(number) => {
                if !terminals.iter().any(|t| t.msisdn == number) {
                    // Only the last digits: the timeline is shown to admins.
                    let detail = format!(
                        "code to a number the shopper named, ending {}",
                        tail(&number)
                    );
                    inner
                        .store
                        .add_event(&p.id, self.now(), "unregistered_terminal", &detail)
                        .await?;
                }
                number
            }
            None => match self.pick_terminal(&p, req.terminal).await {
                Ok(m) => m,
                Err(_) if req.terminal.is_none() => {
                    return Err(PaymentError::Invalid(
                        "the customer has no registered terminal".into(),
                    ));
                }
                Err(e) => return Err(e),
            },
        };
        let chosen = PaymentUpdate {
            msisdn: Some(msisdn.clone()),
            ..PaymentUpdate::default()
        };
        let p = inner
            .store
            .update_payment(&p.id, chosen, self.now())
            .await?;
        let payment = self.send_code(&p, &msisdn, &req.ip).await?;
        Ok(Identified {
            payment,
            terminals,
            accounts,
        })
    }

    /// The number the shopper named instead of a registered terminal,
    /// checked before the password: refused unless the policy allows it.
    fn named_number(&self, req: &IdentifyRequest) -> Result<Option<String>, PaymentError> {
        let Some(raw) = req
            .send_to
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        if !self.inner.policy.allow_unregistered_terminal() {
            return Err(PaymentError::Invalid(
                "codes go only to the customer's registered terminals".into(),
            ));
        }
        if req.terminal.is_some() {
            return Err(PaymentError::Invalid(
                "choose a registered terminal or another number, not both".into(),
            ));
        }
        let number: wire::msisdn::Msisdn = raw
            .parse()
            .map_err(|e| PaymentError::Invalid(format!("send_to: {e}")))?;
        Ok(Some(number.as_str().to_owned()))
    }

    /// Why this customer may not pay `p`, if a limit forbids it.
    pub(super) async fn limit_refusal(
        &self,
        customer: &crate::store::Customer,
        p: &Payment,
    ) -> Result<Option<&'static str>, PaymentError> {
        if let Some(limit) = &customer.limit_per_payment
            && limit.currency == p.amount.currency
            && p.amount.minor > limit.minor
        {
            return Ok(Some("limit_per_payment"));
        }
        if let Some(limit) = &customer.limit_per_day
            && limit.currency == p.amount.currency
        {
            let spent = self
                .inner
                .store
                .customer_spent_since(customer.id, p.amount.currency, self.now() - DAY_MS)
                .await?;
            if spent + p.amount.minor > limit.minor {
                return Ok(Some("limit_per_day"));
            }
        }
        Ok(None)
    }
}

impl PaymentService {
    /// The shopper picks another of their linked accounts to pay from,
    /// after signing in and before the code is confirmed.
    pub async fn choose_account(
        &self,
        id: &PaymentId,
        account: &str,
    ) -> Result<Payment, PaymentError> {
        let p = self.expire_if_due(self.payment(id).await?).await?;
        if !matches!(p.state, PaymentState::Identified | PaymentState::CodeSent) {
            return Err(PaymentError::WrongState(p.state));
        }
        let customer = p.customer_id.ok_or(PaymentError::WrongState(p.state))?;
        let accounts = self.inner.store.payable_accounts(customer).await?;
        if !accounts.iter().any(|a| a == account) {
            return Err(PaymentError::Invalid(
                "no such account for this customer".into(),
            ));
        }
        let u = PaymentUpdate {
            bank_account: Some(account.to_owned()),
            expect: vec![PaymentState::Identified, PaymentState::CodeSent],
            ..PaymentUpdate::default()
        }
        .event("account_chosen", mask_account(account));
        Ok(self
            .inner
            .store
            .update_payment(&p.id, u, self.now())
            .await?)
    }
}

/// The last four characters of `s`.
fn tail(s: &str) -> &str {
    let start = s.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    &s[start..]
}

/// "GB33SWBK00000000000102" -> "••••0102": enough to tell accounts apart.
pub fn mask_account(account: &str) -> String {
    let tail: String = account
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("••••{tail}")
}
