//! What the fault engine tells its callers: [`SubmitFault`] for the session
//! answering a submit, [`ReceiptFault`] for the delivery engine finishing a
//! message. The defaults mean "no fault".

use std::time::Duration;

use wire::smpp::rusmpp::CommandStatus;

use crate::message::MessageState;

/// How the session answers a submit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubmitOutcome {
    #[default]
    Proceed,
    Reject(CommandStatus),
    Throttle,
    Disconnect,
}

/// The faults for one submit: an optional delay before the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubmitFault {
    pub delay: Option<Duration>,
    pub outcome: SubmitOutcome,
}

/// The faults for one message's receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReceiptFault {
    /// Final state and network error code to report instead of the real one.
    pub override_state: Option<(MessageState, u16)>,
    pub delay: Option<Duration>,
    pub drop: bool,
}
