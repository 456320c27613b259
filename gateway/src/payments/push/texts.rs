//! The SMS texts of handset confirmation: the push, and the answers the
//! customer gets to a reply. None of them repeats the PIN or says how
//! close a wrong PIN was; they name the merchant, amount and reference so
//! the customer knows which payment an answer is about.

use crate::domain::Money;

/// "Demo Shop asks GBP 12.50 (Coffee). Reply YES K7Q2 <PIN> to pay or NO K7Q2. Valid 2 min."
pub fn push(
    merchant: &str,
    amount: &Money,
    description: &str,
    reference: &str,
    ttl_s: u64,
) -> String {
    let what = if description.is_empty() {
        String::new()
    } else {
        format!(" ({})", clip(description, 40))
    };
    let valid = if ttl_s >= 120 {
        format!("{} min", ttl_s / 60)
    } else {
        format!("{ttl_s} s")
    };
    format!(
        "{} asks {amount}{what}. Reply YES {reference} <PIN> to pay or NO {reference}. Valid {valid}.",
        clip(merchant, 40)
    )
}

fn clip(s: &str, max: usize) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).collect();
    if s.chars().count() <= max {
        s
    } else {
        let mut cut: String = s.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

pub fn paid(merchant: &str, amount: &Money, reference: &str) -> String {
    format!(
        "Paid {amount} to {}. Ref {reference}. Thank you.",
        clip(merchant, 40)
    )
}

pub fn declined(merchant: &str, amount: &Money, reference: &str) -> String {
    format!(
        "Payment {reference} of {amount} to {} declined as you asked.",
        clip(merchant, 40)
    )
}

pub fn bank_refused(reference: &str) -> String {
    format!("Payment {reference} could not be completed by your bank. Nothing was charged.")
}

pub fn wrong_pin(reference: &str, left: u32) -> String {
    format!(
        "Wrong PIN for payment {reference}. {left} attempt(s) left. Reply YES {reference} <PIN> or NO {reference}."
    )
}

pub fn pin_locked(reference: &str) -> String {
    format!(
        "Your payment PIN is locked after too many wrong entries; payment {reference} was not made. Contact your bank to unlock it."
    )
}

pub fn no_pin(reference: &str) -> String {
    format!("Payment {reference} needs a payment PIN, and none is set for you. Contact your bank.")
}

pub fn already(reference: &str, how: &str) -> String {
    format!("Payment {reference} was already {how}; this reply changed nothing.")
}

pub fn too_late(reference: &str, state: &str) -> String {
    format!("Payment {reference} is {state}; it can no longer be answered.")
}

pub fn unknown_reference(reference: &str) -> String {
    format!("No payment {reference} is waiting for this phone. Check the reference in the request.")
}

pub const NOTHING_PENDING: &str = "No payment is waiting for your answer on this phone.";

pub fn several_pending(references: &[String]) -> String {
    format!(
        "Several payments are waiting ({}). Reply YES <ref> <PIN> or NO <ref> naming one.",
        references.join(", ")
    )
}

pub const MISSING_PIN: &str =
    "Your reply needs your payment PIN: YES <ref> <PIN> to pay, NO <ref> to decline.";

pub const GARBLED: &str =
    "Sorry, that reply was not understood. Answer YES <ref> <PIN> to pay or NO <ref> to decline.";

pub const NOT_REGISTERED: &str = "This number is not registered for payments. Nothing was done.";

pub const UNAVAILABLE: &str =
    "Sorry, payments cannot be answered right now. Please reply again in a few minutes.";

pub const HELP: &str =
    "Switchboard Pay: answer a payment request with YES <ref> <PIN> to pay or NO <ref> to decline.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    #[test]
    fn the_push_names_merchant_amount_reference_and_how_to_answer() {
        let amount =
            Money::parse_decimal("12.50", Currency::parse("GBP").expect("GBP")).expect("m");
        let t = push("Demo Shop", &amount, "Coffee", "K7Q2", 120);
        assert_eq!(
            t,
            "Demo Shop asks GBP 12.50 (Coffee). Reply YES K7Q2 <PIN> to pay or NO K7Q2. Valid 2 min."
        );
        let t = push(&"M".repeat(60), &amount, "", "K7Q2", 90);
        assert!(t.contains("…") && t.ends_with("Valid 90 s."), "{t}");
    }
}
