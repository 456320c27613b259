//! # gateway — the payment gateway of Switchboard
//!
//! Authenticates the merchant by client certificate ([`pki`]) and the
//! customer by online identity and password ([`customers`]), sends a dynamic
//! authorization code bound to the amount and the payee ([`codes`]) as an SMS
//! through an SMS center over SMPP ([`sms`]), checks the code the shopper
//! types, has the bank move the money ([`bank`]) and tells the merchant
//! ([`webhooks`]). Data lives in SQLite ([`store`]); types at the edges are
//! parsed once into [`domain`] values; [`logging`] keeps outside text from
//! forging log lines.

pub mod bank;
pub mod carrier;
pub mod codes;
pub mod config;
pub mod customers;
pub mod domain;
pub mod http;
pub mod key_file;
pub mod logging;
pub mod mo;
pub mod operator;
pub mod payments;
pub mod pki;
pub mod server;
pub mod sms;
pub mod store;
pub mod vouchers;
pub mod webhooks;
