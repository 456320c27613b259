//! The detail of a journal hop. The switch records several hops for every
//! message, so the common details are kept as data and only rendered as text
//! (and serialized as that text) when the history is read.

use std::fmt;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::message::MessageState;

/// A hop's detail; serialized as its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Text(String),
    Static(&'static str),
    /// Accepted from this source address for this account.
    Accepted {
        source: String,
        account: String,
    },
    /// An `auto` number, acknowledged after this delay.
    AutoAck(Duration),
    /// A final state and its error code.
    Final(MessageState, u16),
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::Text(s) => f.write_str(s),
            Detail::Static(s) => f.write_str(s),
            Detail::Accepted { source, account } => write!(f, "from {source} account {account}"),
            Detail::AutoAck(delay) => write!(f, "auto, acknowledged after {delay:?}"),
            Detail::Final(state, err) => write!(f, "{} err:{err:03}", state.receipt_word()),
        }
    }
}

impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Self {
        Detail::Text(s)
    }
}

impl From<&'static str> for Detail {
    fn from(s: &'static str) -> Self {
        Detail::Static(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_the_text_they_stand_for() {
        let cases = [
            (
                Detail::Accepted {
                    source: "MyBank".into(),
                    account: "gateway".into(),
                },
                "from MyBank account gateway",
            ),
            (
                Detail::AutoAck(Duration::from_millis(0)),
                "auto, acknowledged after 0ns",
            ),
            (
                Detail::Final(MessageState::Undeliverable, 1),
                "UNDELIV err:001",
            ),
            (Detail::from("barred"), "barred"),
            (Detail::from(String::from("by 42")), "by 42"),
        ];
        for (detail, text) in cases {
            assert_eq!(detail.to_string(), text);
            assert_eq!(
                serde_json::to_value(&detail).expect("serializes"),
                serde_json::json!(text)
            );
        }
    }
}
