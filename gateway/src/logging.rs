//! Log formatting that text from outside cannot forge: the shared
//! [`log_escape`] formatter, under the name the gateway's code and tests use.

pub use log_escape::{EscapedFields, EscapedVisitor, escape, fmt_builder};
