//! Drawing a fresh authorization code.
//!
//! [`generate`] takes a 64-bit value from the thread's CSPRNG (`rand::rng()`,
//! ChaCha seeded and reseeded from the operating system), maps it onto
//! `0..10^digits` without modulo bias by rejecting the few values above the
//! largest multiple of `10^digits`, and zero-pads it, so "004217" is as likely
//! as "904217". The digits go straight into an [`AuthCode`], whose memory is
//! wiped on drop and whose `Debug` is redacted.

use std::fmt::Write as _;

use rand::RngCore;
use zeroize::Zeroizing;

use super::CODE_DIGITS;
use crate::domain::AuthCode;

/// A uniformly random code of `digits` decimal digits, leading zeros kept.
///
/// # Panics
/// If `digits` is outside 4..=10; [`super::CodePolicy`] only holds valid
/// lengths, so use [`super::CodePolicy::generate`] with configured values.
pub fn generate(digits: u8) -> AuthCode {
    assert!(
        CODE_DIGITS.contains(&digits),
        "code length {digits} is outside 4..=10"
    );
    let value = draw(&mut rand::rng(), digits);
    // Capacity for the longest code up front, so formatting never reallocates
    // and leaves a stray copy of the digits in freed memory.
    let mut text = Zeroizing::new(String::with_capacity(usize::from(*CODE_DIGITS.end())));
    write!(&mut *text, "{value:0width$}", width = usize::from(digits))
        .expect("writing into a String cannot fail");
    AuthCode::new(std::mem::take(&mut *text))
        .expect("digits.len() is within 4..=10 and all ASCII digits")
}

/// A value uniform over `0..10^digits` (rejection sampling).
fn draw<R: RngCore + ?Sized>(rng: &mut R, digits: u8) -> u64 {
    let n = 10u64.pow(u32::from(digits));
    // The largest multiple of n not above u64::MAX: below it every residue
    // mod n occurs equally often. At most n / 2^64 of the draws are rejected.
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::codes::{CodePolicy, CodePolicySettings};

    #[test]
    fn every_length_has_exactly_that_many_ascii_digits() {
        for digits in 4..=10u8 {
            for _ in 0..2000 {
                let code = generate(digits);
                assert_eq!(code.expose().len(), usize::from(digits));
                assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
            }
        }
        let policy = CodePolicy::try_from(CodePolicySettings {
            digits: 8,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(policy.generate().expose().len(), 8);
    }

    /// Chi-square statistic of the digit counts at each position.
    fn chi_square_per_position(digits: u8, samples: usize) -> Vec<f64> {
        let width = usize::from(digits);
        let mut counts = vec![[0u32; 10]; width];
        for _ in 0..samples {
            for (pos, b) in generate(digits).expose().bytes().enumerate() {
                counts[pos][usize::from(b - b'0')] += 1;
            }
        }
        let expected = samples as f64 / 10.0;
        counts
            .iter()
            .map(|c| {
                c.iter()
                    .map(|&o| (f64::from(o) - expected).powi(2) / expected)
                    .sum()
            })
            .collect()
    }

    #[test]
    fn each_position_is_uniform_including_leading_zeros() {
        // 9 degrees of freedom: mean 9, and P(chi2 > 100) is about 1e-16, so
        // a correct generator never trips this while a biased one (a leading
        // digit never 0, or a modulo bias towards low digits) does by far.
        for (digits, samples) in [(6u8, 100_000usize), (10, 20_000)] {
            for (pos, chi2) in chi_square_per_position(digits, samples)
                .into_iter()
                .enumerate()
            {
                assert!(
                    chi2 < 100.0,
                    "{digits} digits, position {pos}: chi2 = {chi2}"
                );
            }
        }
        let leading_zero = (0..100_000)
            .filter(|_| generate(6).expose().starts_with('0'))
            .count();
        assert!(
            (8_000..12_000).contains(&leading_zero),
            "{leading_zero} leading zeros"
        );
    }

    struct Scripted(VecDeque<u64>);

    impl RngCore for Scripted {
        fn next_u32(&mut self) -> u32 {
            unreachable!("draw takes 64-bit values")
        }
        fn next_u64(&mut self) -> u64 {
            self.0.pop_front().expect("script long enough")
        }
        fn fill_bytes(&mut self, _: &mut [u8]) {
            unreachable!("draw takes 64-bit values")
        }
    }

    #[test]
    fn values_in_the_biased_tail_are_rejected() {
        let zone = u64::MAX - u64::MAX % 10_000;
        assert_eq!(zone % 10_000, 0);
        let mut rng = Scripted(VecDeque::from([u64::MAX, zone, zone - 1, 5]));
        assert_eq!(
            draw(&mut rng, 4),
            9999,
            "u64::MAX and the zone edge are redrawn"
        );
        assert_eq!(draw(&mut rng, 4), 5);
        assert!(rng.0.is_empty());
    }

    #[test]
    #[should_panic(expected = "outside 4..=10")]
    fn too_short_is_a_programming_error() {
        let _ = generate(3);
    }

    #[test]
    #[should_panic(expected = "outside 4..=10")]
    fn too_long_is_a_programming_error() {
        let _ = generate(11);
    }
}
