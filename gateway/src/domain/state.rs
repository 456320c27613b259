//! The payment state machine's states. Transitions are decided by the
//! payments module; the store refuses to change a payment that is already
//! final, so a final state is written once.
//!
//! created → identified → code_sent → succeeded | declined | failed, and
//! expired / cancelled from any state that is not final.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::DomainError;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    Created,
    Identified,
    CodeSent,
    Succeeded,
    Declined,
    Failed,
    Expired,
    Cancelled,
}

impl PaymentState {
    pub const ALL: [PaymentState; 8] = [
        PaymentState::Created,
        PaymentState::Identified,
        PaymentState::CodeSent,
        PaymentState::Succeeded,
        PaymentState::Declined,
        PaymentState::Failed,
        PaymentState::Expired,
        PaymentState::Cancelled,
    ];

    /// Succeeded, declined, failed, expired and cancelled never change.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            PaymentState::Created | PaymentState::Identified | PaymentState::CodeSent
        )
    }

    /// The lower-case name used in the API, the database and webhooks.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Created => "created",
            PaymentState::Identified => "identified",
            PaymentState::CodeSent => "code_sent",
            PaymentState::Succeeded => "succeeded",
            PaymentState::Declined => "declined",
            PaymentState::Failed => "failed",
            PaymentState::Expired => "expired",
            PaymentState::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for PaymentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaymentState {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        PaymentState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| DomainError::State(s.to_owned()))
    }
}
