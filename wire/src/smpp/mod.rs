//! SMPP glue over rusmpp: exact framing ([`frame`]), decode-error statuses
//! ([`status`]) and the small constructors that avoid rusmpp's traps
//! ([`esm`]). rusmpp's PDU types are re-exported so the parts name one crate.

pub mod esm;
pub mod frame;
pub mod status;
pub mod time;
pub mod tlv;

pub use frame::{FrameCodec, FrameError, FramingError, Inbound, Outbound};
pub use rusmpp;
