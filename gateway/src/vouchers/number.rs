//! Voucher numbers: "V" and 10 digits, the last a Luhn check digit over
//! the nine before it, so a mistyped digit or two swapped neighbours are
//! caught before any lookup (and before a wrong try is counted). The nine
//! digits come from the CSPRNG; uniqueness is the store's primary key (the
//! caller draws again on a collision).

use std::fmt;

use rand::Rng;

/// Digits after the "V", check digit included.
pub const NUMBER_DIGITS: usize = 10;

/// A well-formed voucher number ("V1234567897").
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VoucherNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a voucher number is V followed by 10 digits, as on the voucher SMS")]
pub struct BadVoucherNumber;

/// The Luhn check digit for `digits` (each 0..=9).
pub fn luhn_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    u8::try_from((10 - sum % 10) % 10).expect("a digit")
}

impl VoucherNumber {
    /// A fresh random number.
    pub fn generate() -> VoucherNumber {
        let mut rng = rand::rng();
        let mut digits: Vec<u8> = (0..NUMBER_DIGITS - 1)
            .map(|_| rng.random_range(0..10u8))
            .collect();
        digits.push(luhn_digit(&digits));
        VoucherNumber(
            std::iter::once('V')
                .chain(digits.iter().map(|d| char::from(b'0' + d)))
                .collect(),
        )
    }

    /// Reads what someone typed: case, spaces and hyphens do not matter.
    pub fn parse(s: &str) -> Result<VoucherNumber, BadVoucherNumber> {
        let cleaned: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let digits = cleaned.strip_prefix('V').ok_or(BadVoucherNumber)?;
        if digits.len() != NUMBER_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadVoucherNumber);
        }
        let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        if luhn_digit(&d[..NUMBER_DIGITS - 1]) != d[NUMBER_DIGITS - 1] {
            return Err(BadVoucherNumber);
        }
        Ok(VoucherNumber(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VoucherNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VoucherNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn luhn_matches_the_known_example() {
        // 7992739871 has check digit 3 (the textbook example).
        assert_eq!(luhn_digit(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1]), 3);
    }

    #[test]
    fn generated_numbers_have_the_format_and_differ() {
        let a = VoucherNumber::generate();
        assert_eq!(a.as_str().len(), 11);
        assert!(a.as_str().starts_with('V'));
        assert_eq!(VoucherNumber::parse(a.as_str()), Ok(a.clone()));
        let b = VoucherNumber::generate();
        assert_ne!(a, b);
    }

    #[test]
    fn typing_is_forgiving_but_the_form_is_checked() {
        let n = VoucherNumber::generate();
        let typed = format!(" {}-{} ", &n.as_str()[..5].to_lowercase(), &n.as_str()[5..]);
        assert_eq!(VoucherNumber::parse(&typed), Ok(n));
        for bad in [
            "",
            "V",
            "V123456789",
            "X1234567890",
            "V12345678901",
            "V12345678a0",
        ] {
            assert_eq!(VoucherNumber::parse(bad), Err(BadVoucherNumber), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn one_changed_digit_is_always_caught(pos in 1usize..=10, delta in 1u8..=9) {
            let n = VoucherNumber::generate();
            let mut bytes = n.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let typo = String::from_utf8(bytes).expect("ascii");
            prop_assert_eq!(VoucherNumber::parse(&typo), Err(BadVoucherNumber));
        }
    }
}
