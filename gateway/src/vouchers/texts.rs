//! The voucher SMS. The purchase SMS carries the payment password: that is
//! the design of the seeds (the password reaches the buyer's registered
//! phone and nowhere else); callers never log these texts.

use crate::domain::Money;

/// Groups a password "ABCDE FGHJK" for reading off a small screen.
fn grouped(password: &str) -> String {
    let (a, b) = password.split_at(password.len() / 2);
    format!("{a} {b}")
}

pub fn bought(number: &str, password: &str, amount: &Money) -> String {
    format!(
        "Switchboard Pay voucher {number}: {amount}. Payment password: {}. \
         Keep it secret; unspent balance returns to your account at the end of day.",
        grouped(password)
    )
}

pub fn paid(number: &str, amount: &Money, merchant: &str, balance: &Money) -> String {
    format!("Voucher {number} paid {amount} to {merchant}. Balance left: {balance}.")
}

pub fn new_password(number: &str, password: &str) -> String {
    format!(
        "Switchboard Pay voucher {number}: your new payment password is {}.",
        grouped(password)
    )
}

pub fn returned(number: &str, amount: &Money, account: &str) -> String {
    let tail: String = account
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("Voucher {number}: the unspent {amount} went back to your account ending {tail}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    #[test]
    fn texts_name_the_voucher_and_amounts() {
        let gbp = Currency::parse("GBP").expect("GBP");
        let t = bought("V1234567897", "ABCDEFGHJK", &Money::new(2_000, gbp));
        assert!(t.contains("V1234567897") && t.contains("GBP 20.00") && t.contains("ABCDE FGHJK"));
        let r = returned("V1", &Money::new(5, gbp), "GB33SWBK00000000000101");
        assert!(r.ends_with("ending 0101."));
        assert!(t.len() <= 300);
    }
}
