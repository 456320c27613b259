//! Payments: creation with the Idempotency-Key check in the same
//! transaction, compare-and-set state changes that write their timeline
//! event and webhook atomically, and the amount change allowed until a
//! code is issued. Bulk reads are in `listing`.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::listing::SETTLING;
use super::log::insert_event;
use super::outbox::insert_webhook;
use super::rows::{money, parsed};
use super::{CreateOutcome, IdempotencyKey, NewPayment, Payment, PaymentUpdate, Store, StoreError};
use crate::domain::{CustomerId, Money, PaymentId, PaymentMethod, PaymentState};

pub(super) const COLUMNS: &str = "id, merchant_id, order_id, amount_minor, currency, description, \
     return_url, customer_hint, state, customer_id, msisdn, bank_account, bank_reference, \
     reason, created_at, updated_at, expires_at, method";

pub(super) fn payment(row: &Row<'_>) -> rusqlite::Result<Payment> {
    Ok(Payment {
        id: parsed(row, 0)?,
        merchant_id: parsed(row, 1)?,
        order_id: row.get(2)?,
        amount: money(row, 3)?,
        description: row.get(5)?,
        return_url: row.get(6)?,
        customer_hint: row.get(7)?,
        state: parsed(row, 8)?,
        customer_id: row.get::<_, Option<i64>>(9)?.map(CustomerId),
        msisdn: row.get(10)?,
        bank_account: row.get(11)?,
        bank_reference: row.get(12)?,
        reason: row.get(13)?,
        created_at: row.get(14)?,
        updated_at: row.get(15)?,
        expires_at: row.get(16)?,
        method: parsed(row, 17)?,
    })
}

pub(super) fn get(conn: &Connection, id: &PaymentId) -> Result<Payment, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id.as_str()], payment)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "payment",
            id: id.to_string(),
        })
}

fn insert(tx: &Transaction<'_>, p: &NewPayment, now: i64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO payments (id, merchant_id, order_id, amount_minor, currency, description,
           return_url, customer_hint, state, created_at, updated_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'created', ?9, ?9, ?10)",
    )?
    .execute(params![
        p.id.as_str(),
        p.merchant_id.as_str(),
        p.order_id,
        p.amount.minor,
        p.amount.currency.code(),
        p.description,
        p.return_url,
        p.customer_hint,
        now,
        p.expires_at
    ])?;
    let detail = format!("{} order {}", p.amount, p.order_id);
    insert_event(tx, &p.id, now, "created", &detail)
}

fn create(
    tx: &Transaction<'_>,
    p: &NewPayment,
    key: Option<&IdempotencyKey>,
    now: i64,
) -> Result<CreateOutcome, StoreError> {
    if let Some(key) = key {
        let sql = "SELECT request_hash, payment_id FROM idempotency
             WHERE merchant_id = ?1 AND key = ?2";
        let seen: Option<(String, String)> = tx
            .prepare_cached(sql)?
            .query_row(params![p.merchant_id.as_str(), key.key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((hash, id)) = seen {
            let id: PaymentId = id
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("{e}")))?;
            if hash != key.request_hash {
                return Ok(CreateOutcome::KeyReused { payment_id: id });
            }
            return Ok(CreateOutcome::Replayed(get(tx, &id)?));
        }
    }
    insert(tx, p, now)?;
    if let Some(key) = key {
        tx.prepare_cached(
            "INSERT INTO idempotency (merchant_id, key, request_hash, payment_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            p.merchant_id.as_str(),
            key.key,
            key.request_hash,
            p.id.as_str(),
            now
        ])?;
    }
    Ok(CreateOutcome::Created(get(tx, &p.id)?))
}

fn update(
    tx: &Transaction<'_>,
    id: &PaymentId,
    u: &PaymentUpdate,
    now: i64,
) -> Result<Payment, StoreError> {
    let current = get(tx, id)?;
    if current.state.is_final() || (!u.expect.is_empty() && !u.expect.contains(&current.state)) {
        return Err(StoreError::StateConflict {
            current: current.state,
        });
    }
    if u.unless_settling {
        let sql = format!("SELECT {SETTLING} FROM payments WHERE id = ?1");
        if tx
            .prepare_cached(&sql)?
            .query_row([id.as_str()], |r| r.get::<_, bool>(0))?
        {
            return Err(StoreError::StateConflict {
                current: current.state,
            });
        }
    }
    tx.prepare_cached(
        "UPDATE payments SET state = COALESCE(?2, state), customer_id = COALESCE(?3, customer_id),
           msisdn = COALESCE(?4, msisdn), bank_account = COALESCE(?5, bank_account),
           bank_reference = COALESCE(?6, bank_reference), reason = COALESCE(?7, reason),
           updated_at = ?8, method = COALESCE(?9, method)
         WHERE id = ?1",
    )?
    .execute(params![
        id.as_str(),
        u.state.map(PaymentState::as_str),
        u.customer_id.map(|c| c.0),
        u.msisdn,
        u.bank_account,
        u.bank_reference,
        u.reason,
        now,
        u.method.map(PaymentMethod::as_str)
    ])?;
    if let Some(e) = &u.event {
        insert_event(tx, id, now, &e.event, &e.detail)?;
    }
    if let Some(w) = &u.webhook {
        insert_webhook(tx, w, now)?;
    }
    get(tx, id)
}

impl Store {
    /// Creates a payment (state `created`, timeline "created"). With an
    /// idempotency key, a key already used by this merchant returns the
    /// earlier payment (same request hash) or `KeyReused` (different one).
    pub async fn create_payment(
        &self,
        p: NewPayment,
        key: Option<IdempotencyKey>,
        now: i64,
    ) -> Result<CreateOutcome, StoreError> {
        self.write(move |tx| create(tx, &p, key.as_ref(), now))
            .await
    }

    pub async fn payment(&self, id: &PaymentId) -> Result<Option<Payment>, StoreError> {
        let id = id.clone();
        self.read(move |conn| match get(conn, &id) {
            Err(StoreError::NotFound { .. }) => Ok(None),
            other => other.map(Some),
        })
        .await
    }

    /// Applies a compare-and-set change (see [`PaymentUpdate`]) and returns
    /// the payment as it is now.
    pub async fn update_payment(
        &self,
        id: &PaymentId,
        u: PaymentUpdate,
        now: i64,
    ) -> Result<Payment, StoreError> {
        let id = id.clone();
        self.write(move |tx| update(tx, &id, &u, now)).await
    }

    /// Changes the amount of a payment that is not final and has no code
    /// yet; once a code names an amount it is `AmountLocked`.
    pub async fn change_amount(
        &self,
        id: &PaymentId,
        amount: Money,
        now: i64,
    ) -> Result<Payment, StoreError> {
        let id = id.clone();
        self.write(move |tx| {
            let current = get(tx, &id)?;
            if current.state.is_final() {
                return Err(StoreError::StateConflict {
                    current: current.state,
                });
            }
            let codes: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM codes WHERE payment_id = ?1")?
                .query_row([id.as_str()], |r| r.get(0))?;
            if codes > 0 {
                return Err(StoreError::AmountLocked);
            }
            let sql = "UPDATE payments SET amount_minor = ?2, currency = ?3, updated_at = ?4
                 WHERE id = ?1";
            let code = amount.currency.code();
            tx.prepare_cached(sql)?
                .execute(params![id.as_str(), amount.minor, code, now])?;
            insert_event(tx, &id, now, "amount_changed", &amount.to_string())?;
            get(tx, &id)
        })
        .await
    }
}
