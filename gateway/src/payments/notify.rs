//! SMS the gateway sends outside a payment: the confirmation to each
//! registered terminal when a customer is registered.

use super::{PaymentError, PaymentService};
use crate::domain::CustomerId;
use crate::sms::{self, Locale};

impl PaymentService {
    /// Tell each of the customer's terminals that it was registered; returns
    /// how many SMS an SMSC accepted. Failures are logged, not returned:
    /// the registration itself already happened.
    pub async fn send_registration_sms(&self, id: CustomerId) -> Result<usize, PaymentError> {
        let store = &self.inner.store;
        let Some(customer) = store.customer(id).await? else {
            return Err(PaymentError::NotFound);
        };
        let locale = Locale::parse(&customer.locale).unwrap_or(Locale::En);
        let identity = store
            .identities(id)
            .await?
            .into_iter()
            .next()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let mut sent = 0;
        for t in store.terminals(id).await? {
            let text = sms::templates::registration_sms(locale, "Switchboard Pay", &identity);
            match self
                .inner
                .sms
                .send(&t.msisdn, &text, &format!("customer {id}"), None)
                .await
            {
                Ok(_) => sent += 1,
                Err(e) => tracing::warn!(customer = %id, error = %e, "registration SMS not sent"),
            }
        }
        Ok(sent)
    }
}
