//! The gateway's HTTP side (being written): checkout pages and JSON API,
//! the merchant API over mutual TLS, the admin API.

pub mod pages;
