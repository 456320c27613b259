//! # handset-sim — virtual terminals on a cell of the switch
//!
//! One process is one cell: it connects to the switch's air link (smsc-sim)
//! and attaches its terminals — phones, pagers, PDAs, set-top-box cards —
//! each a SIM (MSISDN, IMSI) with power, coverage, an inbox of limited
//! capacity, and the display rules of its kind. Testers script them over an
//! HTTP API and a CLI; demo audiences watch them on the phones page.
//!
//! Data flow: switch → TCP → `wire::air::AirCodec` → [`link`] (session,
//! dispatch) → [`cell`] (the shared state: terminals, registration, MT
//! deliveries, MO sends) → [`terminal`] (decode, reassemble, display,
//! [`codes`], inbox) → [`events`] → [`http`] (API, SSE, long polls, page).
//! API changes flow back: [`http`] → [`cell`] (reconcile: attach, detach,
//! memory available, submit) → frame queue → [`link`] → switch.
//! [`server::HandsetSim`] ties it together; [`client`] is the CLI's HTTP
//! client; [`config`] reads `fixtures/handset-sim.toml`.

pub mod cell;
pub mod client;
pub mod codes;
pub mod config;
pub mod events;
pub mod http;
pub mod link;
pub mod server;
pub mod terminal;

pub use config::Config;
pub use server::HandsetSim;
