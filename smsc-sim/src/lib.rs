//! # smsc-sim — an SMS center for tests, demos and interop
//!
//! An SMPP 3.3/3.4/5.0 server that behaves like an operator's SMSC: accounts
//! with bind rules, windows and throughput limits ([`config`]), a durable
//! message store with group commit ([`store`]), a switch that resolves numbers
//! in an HLR and delivers or fails them, delivery receipts, fault injection
//! ([`faults`]) and an admin HTTP API.
//!
//! Data flow: TCP/TLS → `wire::smpp::FrameCodec` → session (state machine,
//! validation, window, throttle) → store (durable before submit_sm_resp) →
//! delivery engine (HLR, faults, retries) → receipt queue → deliver_sm on a
//! receiver bind of the submitting account.

pub mod config;
pub mod faults;
pub mod message;
pub mod store;
