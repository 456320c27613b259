//! The short reference a push names and a reply repeats ("K7Q2"): four
//! characters from an alphabet without look-alikes (no I, O, 0, 1), drawn
//! from the CSPRNG, always holding at least one letter so that it can
//! never be mistaken for a PIN. Unique per phone number (the store refuses
//! a repeat and the caller draws again).

use rand::Rng;

/// Letters and digits that cannot be misread for one another.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters in a reference.
pub const LEN: usize = 4;

/// A fresh reference.
pub fn generate() -> String {
    let mut rng = rand::rng();
    loop {
        let r: String = (0..LEN)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        if is_well_formed(&r) {
            return r;
        }
    }
}

/// True for an upper-case reference of the right shape.
pub fn is_well_formed(s: &str) -> bool {
    s.len() == LEN
        && s.bytes().all(|b| ALPHABET.contains(&b))
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_references_are_well_formed_and_varied() {
        let drawn: std::collections::HashSet<String> = (0..200).map(|_| generate()).collect();
        assert!(drawn.iter().all(|r| is_well_formed(r)));
        assert!(drawn.len() > 190, "only {} distinct of 200", drawn.len());
    }

    #[test]
    fn shapes() {
        assert!(is_well_formed("K7Q2"));
        for bad in ["2345", "K7Q", "K7Q2X", "K7O2", "k7q2", "K1Q2"] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}
