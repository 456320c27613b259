//! # smsc-sim — an SMS center for tests, demos and interop
//!
//! An SMPP 3.3/3.4/5.0 server that behaves like an operator's SMSC: accounts
//! with bind rules, windows and throughput limits ([`accounts`], [`config`]),
//! a durable message store with group commit ([`store`]), a switch that
//! resolves numbers in an HLR ([`hlr`]) and delivers or fails them
//! ([`switch`]), delivery receipts ([`receipts`]), fault injection
//! ([`faults`]) and an admin HTTP API ([`http`]).
//!
//! Data flow: TCP/TLS → `wire::smpp::FrameCodec` → [`session`] (state
//! machine, validation, window, throttle) → store (durable before
//! submit_sm_resp) → switch (HLR, faults, expiry) → store (final state and
//! receipt together) → the account's [`outbox`] → deliver_sm on a receiver
//! bind of the submitting account.

pub mod accounts;
pub mod air;
pub mod bench;
pub mod billing;
pub mod bind_guard;
pub mod clock;
pub mod config;
pub mod core;
pub mod faults;
pub mod hlr;
pub mod http;
pub mod journal;
pub mod message;
pub mod mo;
pub mod outbind;
pub mod outbox;
pub mod rate;
pub mod receipts;
pub mod server;
pub mod session;
pub mod store;
pub mod switch;
pub mod tls;

pub use config::Config;
pub use server::Smsc;
