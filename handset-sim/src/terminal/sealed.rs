//! Sealed codes on a dedicated terminal (issue 8 part 3): an 8-bit message
//! whose user data header addresses the sealed-code port
//! ([`wire::sealed::CODE_PORT`]) is opened with the terminal's key
//! ([`wire::sealed::open`]); the code message inside becomes the text the
//! terminal shows (so code extraction and the wait-for-code API find the
//! code). A terminal without the right key stores a notice that it cannot
//! read the message, with no code. The plaintext is never logged.

use serde::Serialize;
use wire::msisdn::Msisdn;
use wire::sealed::{self, CODE_PORT, CodeMessage, OpenError, TerminalKey};
use wire::text::InformationElement;
use wire::tpdu::{UserData, UserDataBody};

/// The first words of every unreadable sealed message's text.
pub const UNREADABLE: &str = "encrypted message: cannot be read with this card's key";

/// What became of a sealed message, as the inbox JSON shows it
/// (`"sealed": "opened" | "unreadable"`, null for ordinary messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SealedState {
    /// Opened with the terminal's key; the text is the code message.
    Opened,
    /// No key, another key, or a message that failed authentication.
    Unreadable,
}

/// The body of `user_data` when it is an 8-bit message to the sealed-code port.
pub fn sealed_body(user_data: &UserData) -> Option<&[u8]> {
    let to_port = user_data.header.as_ref().is_some_and(|h| {
        h.elements.iter().any(|e| {
            matches!(e, InformationElement::Port16 { destination, .. } if *destination == CODE_PORT)
        })
    });
    match &user_data.body {
        UserDataBody::Binary(b) if to_port => Some(b),
        _ => None,
    }
}

/// The text to store for a sealed message to `msisdn`, and its state.
pub fn open_text(key: Option<&TerminalKey>, msisdn: &Msisdn, body: &[u8]) -> (String, SealedState) {
    let why = match key {
        None => "this terminal has no key".to_owned(),
        Some(key) => match sealed::open(key, msisdn, body) {
            Ok(plain) => match CodeMessage::decode(&plain) {
                Ok(message) => return (message.screen_text(), SealedState::Opened),
                Err(_) => "its content is not a code message".to_owned(),
            },
            Err(OpenError::WrongKey { .. }) => "it was sealed for another key".to_owned(),
            Err(e) => e.to_string(),
        },
    };
    tracing::info!(msisdn = %msisdn, octets = body.len(), reason = %why, "sealed message unreadable");
    // The nonce's first octets tell two unreadable messages apart, so the
    // inbox does not take the second for a repeat of the first.
    let tag: String = body
        .iter()
        .skip(1 + sealed::KEY_ID_LEN)
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    (
        format!("{UNREADABLE} ({why}; {} octets, ref {tag})", body.len()),
        SealedState::Unreadable,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn carol() -> Msisdn {
        "447700900104".parse().expect("msisdn")
    }

    fn sealed_code(key: &TerminalKey) -> Vec<u8> {
        let plain = CodeMessage {
            code: "592046".into(),
            amount: "GBP 9.99".into(),
            payee: "Corner Shop".into(),
            expires_at: 1_795_000_000,
        }
        .encode()
        .expect("encodes");
        sealed::seal(key, &carol(), &plain).expect("seals")
    }

    #[test]
    fn the_right_key_opens_and_others_cannot() {
        let key = TerminalKey::from_bytes([1; 32]);
        let body = sealed_code(&key);
        let (text, state) = open_text(Some(&key), &carol(), &body);
        assert_eq!(state, SealedState::Opened);
        assert!(text.starts_with("Corner Shop: code 592046 to pay GBP 9.99"));
        for key in [Some(TerminalKey::from_bytes([2; 32])), None] {
            let (text, state) = open_text(key.as_ref(), &carol(), &body);
            assert_eq!(state, SealedState::Unreadable);
            assert!(text.starts_with(UNREADABLE), "{text}");
            assert!(!text.contains("592046"));
        }
        let other: Msisdn = "447700900105".parse().expect("msisdn");
        let (text, state) = open_text(Some(&key), &other, &body);
        assert_eq!(state, SealedState::Unreadable);
        assert!(text.contains("authentication"), "{text}");
    }
}
