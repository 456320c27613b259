//! Resending a code: within the policy's cooldowns and budget, to the
//! same terminal or another of the customer's, and counted against the
//! client address's start limit (a resend sends an SMS like a start does).

use std::time::Duration;

use tokio::time::Instant;

use super::{PaymentError, PaymentService, RefusalReason};
use crate::codes::ResendDenied;
use crate::domain::PaymentState;
use crate::store::{Payment, PaymentUpdate};

impl PaymentService {
    /// Send a new code, to the same terminal or to another of the
    /// customer's (`terminal`: a terminal id), within the resend policy.
    ///
    /// A resend sends an SMS like a checkout start, so it counts against
    /// the same per-address limit (`ip` is the client's address).
    pub async fn resend(
        &self,
        id: &crate::domain::PaymentId,
        terminal: Option<i64>,
        ip: &str,
    ) -> Result<Payment, PaymentError> {
        if let Err(wait) = self.inner.ip_starts.check_and_record(ip, Instant::now()) {
            self.refused(RefusalReason::IpStarts, ip, None);
            return Err(PaymentError::RateLimited(wait.0.as_secs().max(1)));
        }
        let p = self.payment(id).await?;
        let p = self.expire_if_due(p).await?;
        if !matches!(p.state, PaymentState::CodeSent | PaymentState::Identified) {
            return Err(PaymentError::WrongState(p.state));
        }
        let codes = self.inner.store.codes_for_payment(&p.id).await?;
        if let Some(last) = codes.last() {
            let resends = u32::try_from(codes.len() - 1).unwrap_or(u32::MAX);
            let since =
                Duration::from_millis(u64::try_from(self.now() - last.issued_at).unwrap_or(0));
            match self.inner.policy.resend_schedule().check(resends, since) {
                Ok(()) => {}
                Err(ResendDenied::Exhausted) => return Err(PaymentError::ResendLimit),
                Err(ResendDenied::Cooldown(wait)) => {
                    return Err(PaymentError::ResendTooSoon(wait.as_secs().max(1)));
                }
            }
        }
        let msisdn = self.pick_terminal(&p, terminal).await?;
        if p.msisdn.as_deref() != Some(msisdn.as_str()) {
            let u = PaymentUpdate {
                msisdn: Some(msisdn.clone()),
                ..PaymentUpdate::default()
            }
            .event("terminal_chosen", msisdn.clone());
            self.inner
                .store
                .update_payment(&p.id, u, self.now())
                .await?;
        }
        self.send_code(&p, &msisdn, ip).await
    }

    /// The terminal to use: the one asked for (it must be the customer's),
    /// else the payment's current one, else the customer's first.
    pub(super) async fn pick_terminal(
        &self,
        p: &Payment,
        terminal: Option<i64>,
    ) -> Result<String, PaymentError> {
        let customer = p.customer_id.ok_or(PaymentError::WrongState(p.state))?;
        let terminals = self.inner.store.terminals(customer).await?;
        let chosen = match terminal {
            Some(t) => terminals.iter().find(|x| x.id == t),
            None => p
                .msisdn
                .as_deref()
                .and_then(|m| terminals.iter().find(|x| x.msisdn == m))
                .or_else(|| terminals.first()),
        };
        chosen
            .map(|t| t.msisdn.clone())
            .ok_or_else(|| PaymentError::Invalid("no such terminal for this customer".into()))
    }
}
