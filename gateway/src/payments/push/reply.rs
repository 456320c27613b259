//! The customer's answer to a push, as typed on the phone: `YES <ref>
//! <PIN>` or `NO <ref>`, and `YES <PIN>` / `NO` when only one push waits.
//! Keywords and references are case-insensitive, any whitespace separates
//! words. A reference always holds a letter (see [`super::reference`]), so
//! `YES 4821` is a PIN and `YES K7Q2` a reference without its PIN.
//! [`Reply`] never prints the PIN in `Debug`.

use std::fmt;

use zeroize::Zeroizing;

/// A parsed reply.
#[derive(Clone, PartialEq, Eq)]
pub enum Reply {
    Yes {
        reference: Option<String>,
        pin: Zeroizing<String>,
    },
    No {
        reference: Option<String>,
    },
    /// `YES` or `NO` with words that do not fit (the why is for the answer).
    Malformed(Malformed),
    /// No keyword this service knows, or an empty message.
    Unknown,
}

/// What was wrong with a YES/NO reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// `YES` or `YES <ref>` without the PIN.
    MissingPin,
    /// More words than the keyword takes, or a reference that is not one.
    Garbled,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Yes { reference, .. } => f
                .debug_struct("Yes")
                .field("reference", reference)
                .field("pin", &"<redacted>")
                .finish(),
            Reply::No { reference } => f.debug_struct("No").field("reference", reference).finish(),
            Reply::Malformed(m) => f.debug_tuple("Malformed").field(m).finish(),
            Reply::Unknown => f.write_str("Unknown"),
        }
    }
}

/// The keywords a push answer starts with (for the MO dispatcher).
pub const KEYWORDS: [&str; 2] = ["YES", "NO"];

fn is_reference(word: &str) -> bool {
    super::reference::is_well_formed(&word.to_ascii_uppercase())
}

fn is_pin_like(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// Parses an MO text (see the module docs).
pub fn parse(text: &str) -> Reply {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((keyword, rest)) = words.split_first() else {
        return Reply::Unknown;
    };
    let upper = |w: &str| w.to_ascii_uppercase();
    match upper(keyword).as_str() {
        "YES" => match rest {
            [] => Reply::Malformed(Malformed::MissingPin),
            [one] if is_pin_like(one) => Reply::Yes {
                reference: None,
                pin: Zeroizing::new((*one).to_owned()),
            },
            [one] if is_reference(one) => Reply::Malformed(Malformed::MissingPin),
            [r, pin] if is_reference(r) && is_pin_like(pin) => Reply::Yes {
                reference: Some(upper(r)),
                pin: Zeroizing::new((*pin).to_owned()),
            },
            _ => Reply::Malformed(Malformed::Garbled),
        },
        "NO" => match rest {
            [] => Reply::No { reference: None },
            [r] if is_reference(r) => Reply::No {
                reference: Some(upper(r)),
            },
            _ => Reply::Malformed(Malformed::Garbled),
        },
        _ => Reply::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn yes(r: Option<&str>, pin: &str) -> Reply {
        Reply::Yes {
            reference: r.map(str::to_owned),
            pin: Zeroizing::new(pin.to_owned()),
        }
    }

    #[test]
    fn the_reply_forms() {
        let cases = [
            ("YES K7Q2 4821", yes(Some("K7Q2"), "4821")),
            ("  yes\tk7q2   4821 \n", yes(Some("K7Q2"), "4821")),
            ("Yes 4821", yes(None, "4821")),
            (
                "NO K7Q2",
                Reply::No {
                    reference: Some("K7Q2".into()),
                },
            ),
            ("no", Reply::No { reference: None }),
            ("YES", Reply::Malformed(Malformed::MissingPin)),
            ("YES K7Q2", Reply::Malformed(Malformed::MissingPin)),
            ("YES K7Q2 4821 extra", Reply::Malformed(Malformed::Garbled)),
            ("YES K7Q2 48a1", Reply::Malformed(Malformed::Garbled)),
            ("YES 4821 K7Q2", Reply::Malformed(Malformed::Garbled)),
            ("NO 4821", Reply::Malformed(Malformed::Garbled)),
            ("NO K7Q2 please", Reply::Malformed(Malformed::Garbled)),
            ("YESK7Q2", Reply::Unknown),
            ("STOP", Reply::Unknown),
            ("", Reply::Unknown),
            ("   ", Reply::Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), want, "{text:?}");
        }
    }

    #[test]
    fn debug_hides_the_pin() {
        let shown = format!("{:?}", parse("YES K7Q2 4821"));
        assert!(!shown.contains("4821") && shown.contains("K7Q2"), "{shown}");
    }

    proptest! {
        /// Whatever the case and spacing, a well-formed answer parses to
        /// the same reference and PIN.
        #[test]
        fn case_and_spacing_do_not_matter(
            r in "[A-HJ-NP-Z][A-HJ-NP-Z2-9]{3}",
            pin in "[0-9]{4,8}",
            pad in "[ \t]{1,3}",
            lower in any::<bool>(),
        ) {
            let keyword = if lower { "yes" } else { "YES" };
            let typed = if lower { r.to_ascii_lowercase() } else { r.clone() };
            let text = format!("{pad}{keyword}{pad}{typed}{pad}{pin}{pad}");
            prop_assert_eq!(parse(&text), yes(Some(&r), &pin));
        }

        #[test]
        fn never_panics(text in ".{0,60}") {
            let _ = parse(&text);
        }
    }
}
