//! Carrier billing (issue 8 §2): the `carrier_charges` row of a payment the
//! shopper charged to their phone bill: which operator, the operator's
//! charge id, the number, amount and the charge's state as the operator
//! last reported it (authorized, captured, refunded, voided).

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, StoreError};
use crate::domain::PaymentId;

/// One payment's charge at its operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarrierCharge {
    pub payment_id: String,
    pub carrier: String,
    pub charge_id: String,
    pub msisdn: String,
    pub amount_minor: i64,
    pub currency: String,
    pub state: String,
    pub refunded_minor: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Store {
    /// Records (or updates, for the same payment) the operator's charge.
    pub async fn save_carrier_charge(&self, c: CarrierCharge) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO carrier_charges (payment_id, carrier, charge_id, msisdn, amount_minor,
                     currency, state, refunded_minor, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(payment_id) DO UPDATE SET carrier = excluded.carrier,
                     charge_id = excluded.charge_id, msisdn = excluded.msisdn,
                     state = excluded.state, refunded_minor = excluded.refunded_minor,
                     updated_at = excluded.updated_at",
                params![
                    c.payment_id,
                    c.carrier,
                    c.charge_id,
                    c.msisdn,
                    c.amount_minor,
                    c.currency,
                    c.state,
                    c.refunded_minor,
                    c.created_at,
                    c.updated_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn carrier_charge(
        &self,
        id: &PaymentId,
    ) -> Result<Option<CarrierCharge>, StoreError> {
        let id = id.as_str().to_owned();
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT payment_id, carrier, charge_id, msisdn, amount_minor, currency, state,
                            refunded_minor, created_at, updated_at
                     FROM carrier_charges WHERE payment_id = ?1",
                    [id],
                    |r| {
                        Ok(CarrierCharge {
                            payment_id: r.get(0)?,
                            carrier: r.get(1)?,
                            charge_id: r.get(2)?,
                            msisdn: r.get(3)?,
                            amount_minor: r.get(4)?,
                            currency: r.get(5)?,
                            state: r.get(6)?,
                            refunded_minor: r.get(7)?,
                            created_at: r.get(8)?,
                            updated_at: r.get(9)?,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }
}
