//! # switchboard — the parts of Switchboard run together
//!
//! The payment gateway's SMS channel has three parts that meet only on the
//! wire: the SMS center and switch (`smsc-sim`), the virtual terminals
//! (`handset-sim`) and, later, the payment gateway. This crate is the one
//! place that depends on all of them: [`stack`] starts them in one process
//! on loopback, wired to each other, from the fixture files; the
//! cross-part scenarios in `tests/` drive that stack over SMPP and HTTP as
//! a user would.

pub mod bench;
pub mod demo;
pub mod merchant_client;
pub mod parts;
pub mod pos;
pub mod shop;
pub mod stack;

pub use stack::{Stack, StackConfig};
