//! The plaintext inside a sealed message: [`CodeMessage`], the code with
//! what it is bound to (amount, payee, expiry).
//!
//! Encoding, compact UTF-8 with line feeds between the fields and the payee
//! last (it is the only free text, so it may hold anything):
//!
//! ```text
//! C1\n<code>\n<amount>\n<expires, Unix seconds>\n<payee>
//! ```
//!
//! [`CodeMessage::encode`] shortens the payee (on a character boundary) so
//! the whole fits [`super::MAX_PLAINTEXT_LEN`]; [`CodeMessage::decode`] is
//! strict. [`CodeMessage::screen_text`] is what the terminal shows; it holds
//! the code, so neither it nor the message is ever logged (`Debug` redacts
//! the code).

use std::fmt;

use time::OffsetDateTime;

use super::MAX_PLAINTEXT_LEN;

const TAG: &str = "C1";
/// Longest amount text ("GBP 1234567.89" and the like).
pub const MAX_AMOUNT_LEN: usize = 24;

/// A code and what it pays; see the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeMessage {
    /// 4..=10 ASCII digits.
    pub code: String,
    /// Currency and amount as the shopper saw them, e.g. "GBP 12.50".
    pub amount: String,
    /// The merchant's name.
    pub payee: String,
    /// When the code stops working, Unix seconds.
    pub expires_at: i64,
}

impl fmt::Debug for CodeMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeMessage")
            .field("code", &"<redacted>")
            .field("amount", &self.amount)
            .field("payee", &self.payee)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a plaintext was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaintextError {
    #[error("the code must be 4 to 10 digits")]
    BadCode,
    #[error("the amount must be 1 to {MAX_AMOUNT_LEN} octets without line breaks")]
    BadAmount,
    #[error("the payee must not be empty")]
    NoPayee,
    #[error("not a sealed code message: {0}")]
    Malformed(&'static str),
}

impl CodeMessage {
    /// The plaintext octets, the payee shortened to fit one SMS once sealed.
    pub fn encode(&self) -> Result<Vec<u8>, PlaintextError> {
        let code_ok =
            (4..=10).contains(&self.code.len()) && self.code.bytes().all(|b| b.is_ascii_digit());
        if !code_ok {
            return Err(PlaintextError::BadCode);
        }
        if self.amount.is_empty()
            || self.amount.len() > MAX_AMOUNT_LEN
            || self.amount.contains('\n')
        {
            return Err(PlaintextError::BadAmount);
        }
        let payee = self.payee.trim();
        if payee.is_empty() {
            return Err(PlaintextError::NoPayee);
        }
        let head = format!(
            "{TAG}\n{}\n{}\n{}\n",
            self.code, self.amount, self.expires_at
        );
        let room = MAX_PLAINTEXT_LEN.saturating_sub(head.len());
        let mut end = payee.len().min(room);
        while !payee.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            return Err(PlaintextError::NoPayee);
        }
        Ok([head.as_bytes(), &payee.as_bytes()[..end]].concat())
    }

    /// Reads plaintext octets as [`encode`](Self::encode) writes them.
    pub fn decode(bytes: &[u8]) -> Result<CodeMessage, PlaintextError> {
        let text =
            std::str::from_utf8(bytes).map_err(|_| PlaintextError::Malformed("not UTF-8"))?;
        let mut fields = text.splitn(5, '\n');
        let mut next = |what| fields.next().ok_or(PlaintextError::Malformed(what));
        if next("no tag")? != TAG {
            return Err(PlaintextError::Malformed("unknown tag"));
        }
        let code = next("no code")?.to_owned();
        let amount = next("no amount")?.to_owned();
        let expires = next("no expiry")?;
        let payee = next("no payee")?.to_owned();
        if expires.is_empty() || !expires.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(PlaintextError::Malformed("expiry is not a number"));
        }
        let expires_at = expires
            .parse()
            .map_err(|_| PlaintextError::Malformed("expiry is not a number"))?;
        let message = CodeMessage {
            code,
            amount,
            payee,
            expires_at,
        };
        // The same rules as encoding, so a decoded message re-encodes.
        message.encode()?;
        Ok(message)
    }

    /// What the terminal shows, in the style of the clear code SMS:
    /// "Acme Books: code 483920 to pay GBP 12.50. Valid until 14:05 UTC."
    pub fn screen_text(&self) -> String {
        let until = OffsetDateTime::from_unix_timestamp(self.expires_at)
            .map(|t| format!("{:02}:{:02} UTC", t.hour(), t.minute()))
            .unwrap_or_else(|_| "the stated time".to_owned());
        format!(
            "{}: code {} to pay {}. Valid until {until}.",
            self.payee, self.code, self.amount
        )
    }
}
