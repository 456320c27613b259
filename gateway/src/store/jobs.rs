//! Records for the work that hangs off a payment: authorization codes and
//! their SMS delivery, webhooks in the outbox, admin audit entries.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::types::text_enum;
use crate::domain::{MerchantId, PaymentId};

/// How far the SMS with a code got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Stored; not yet accepted by an SMSC.
    Pending,
    /// The SMSC accepted it (submit_sm_resp with a message id).
    Sent,
    /// A receipt said it reached the handset.
    Delivered,
    /// Refused, undeliverable or expired.
    Failed,
}
text_enum!(DeliveryStatus { Pending = "pending", Sent = "sent", Delivered = "delivered", Failed = "failed" });

/// A code to store: only its HMAC, never the digits.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub payment_id: PaymentId,
    pub hmac: [u8; 32],
    pub msisdn: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// The client address whose request made the gateway send it (none
    /// for sends no shopper asked for).
    pub ip: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct CodeRecord {
    pub id: i64,
    pub payment_id: PaymentId,
    pub hmac: [u8; 32],
    pub msisdn: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// Wrong entries so far.
    pub attempts: u32,
    pub used: bool,
    pub revoked: bool,
    pub delivery: DeliveryStatus,
    pub delivery_at: Option<i64>,
    /// (smsc, message_id) of each segment the SMSCs accepted.
    pub message_ids: Vec<(String, String)>,
}

impl fmt::Debug for CodeRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeRecord")
            .field("id", &self.id)
            .field("payment_id", &self.payment_id)
            .field("msisdn", &self.msisdn)
            .field("attempts", &self.attempts)
            .field("used", &self.used)
            .field("revoked", &self.revoked)
            .field("delivery", &self.delivery)
            .finish_non_exhaustive()
    }
}

/// A webhook to queue; `next_at` is when to send the first attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub merchant_id: MerchantId,
    pub payment_id: PaymentId,
    pub url: String,
    pub body: String,
    pub next_at: i64,
}

/// A due webhook, with the merchant's current signing secret.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookJob {
    pub id: i64,
    pub merchant_id: MerchantId,
    pub payment_id: PaymentId,
    pub url: String,
    pub body: String,
    pub secret: String,
    pub attempts: u32,
    pub next_at: i64,
}

impl fmt::Debug for WebhookJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookJob")
            .field("id", &self.id)
            .field("payment_id", &self.payment_id)
            .field("url", &self.url)
            .field("attempts", &self.attempts)
            .field("next_at", &self.next_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatus {
    Pending,
    Delivered,
    /// Gave up after the last attempt.
    Failed,
}
text_enum!(WebhookStatus { Pending = "pending", Delivered = "delivered", Failed = "failed" });

/// An outbox row as the admin side shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookRecord {
    pub id: i64,
    pub payment_id: PaymentId,
    pub url: String,
    pub body: String,
    pub attempts: u32,
    pub next_at: i64,
    pub status: WebhookStatus,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
}
