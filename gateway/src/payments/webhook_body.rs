//! The JSON a merchant's webhook receives for a final state.

use serde_json::json;

use super::merchant::PaymentView;
use crate::store::{NewWebhook, Payment};

pub(super) fn new_webhook(p: &Payment, url: String, now: i64) -> NewWebhook {
    let body = json!({
        "type": format!("payment.{}", p.state.as_str()),
        "created_at": now,
        "payment": PaymentView::from(p),
    });
    NewWebhook {
        merchant_id: p.merchant_id.clone(),
        payment_id: p.id.clone(),
        url,
        body: body.to_string(),
        next_at: now,
    }
}
