//! # wire — the protocols shared by Switchboard's parts
//!
//! Everything that knows a byte layout lives here: SMPP framing and PDU glue
//! over rusmpp ([`smpp`]), message text encodings and segmentation
//! ([`text`]), delivery-receipt text ([`receipt`]) and the ESME client
//! ([`esme`]) the gateway and the tests use to talk to any SMSC, and the
//! sealed-code format for dedicated terminals ([`sealed`]).
//! Data flows bytes → [`smpp::FrameCodec`] → `rusmpp::Command` → session
//! logic in the parts, and back the same way.

pub mod air;
pub mod esme;
pub mod fuzz;
pub mod msisdn;
pub mod receipt;
pub mod sealed;
pub mod smpp;
pub mod text;
pub mod tpdu;
