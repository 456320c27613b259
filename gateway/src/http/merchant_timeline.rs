//! The payment timeline as a merchant sees it on `GET /v1/payments/{id}`.
//!
//! The stored timeline is the operator's record: it names the shopper's
//! customer id, the phone a code went to, and why a sign-in failed
//! (`unknown`, `wrong`, `locked`). A merchant must learn none of that: the
//! kind of a failed sign-in would let any merchant probe which identities
//! exist, and phone numbers are the shopper's. So the merchant gets every
//! event with its time and name, and its detail only for events about the
//! payment itself (amount, bank and operator decisions, delivery receipts);
//! the admin API keeps the whole record.

use crate::store::TimelineEvent;

/// Events whose detail is about the payment, not the shopper.
const DETAIL_SHOWN: &[&str] = &[
    "created",
    "amount_changed",
    "cancelled",
    "expired",
    "code_expired",
    "receipt",
    "bank_approved",
    "bank_declined",
    "bank_error",
    "bank_unavailable",
    "settlement_resumed",
    "carrier_authorized",
    "carrier_captured",
    "carrier_declined",
    "carrier_refused",
    "carrier_refunded",
    "carrier_unavailable",
    "voucher_refunded",
    "notified",
    "notify_failed",
];

/// `events` with the details a merchant may not see left empty.
pub fn for_merchant(events: Vec<TimelineEvent>) -> Vec<TimelineEvent> {
    events
        .into_iter()
        .map(|mut e| {
            if !DETAIL_SHOWN.contains(&e.event.as_str()) {
                e.detail.clear();
            }
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, detail: &str) -> TimelineEvent {
        TimelineEvent {
            at: 1,
            event: name.into(),
            detail: detail.into(),
        }
    }

    #[test]
    fn shopper_details_are_withheld_and_payment_details_kept() {
        let seen = for_merchant(vec![
            event("created", "GBP 12.50 order o-1"),
            event("sign_in_failed", "unknown"),
            event("identified", "customer 3 (alias)"),
            event("code_sent", "to 447700900101 via smsc-sim, message_id 7"),
            event("sim_swap", "447700900101 swapped 2026-11-22"),
            event("bank_approved", "SIM0000000001"),
        ]);
        let names: Vec<_> = seen.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(
            names,
            [
                "created",
                "sign_in_failed",
                "identified",
                "code_sent",
                "sim_swap",
                "bank_approved"
            ],
            "every event is listed"
        );
        let details: Vec<_> = seen.iter().map(|e| e.detail.as_str()).collect();
        assert_eq!(
            details,
            ["GBP 12.50 order o-1", "", "", "", "", "SIM0000000001"]
        );
    }
}
