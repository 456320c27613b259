//! Attacks on the gateway over real HTTP (127.0.0.1:0) and on its
//! process: session fixation on the checkout pages, CSRF on the JSON
//! checkout API and the admin side, SMS pumping (per address, per number,
//! per number prefix, and the admin view of it; per address behind a
//! trusted reverse proxy), a payee or amount changed
//! behind the store's back after a code was issued, and the
//! generated backup codes at start.

#[path = "checkout_pages/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "checkout_pages/browser.rs"]
mod browser;

#[path = "security/backup_codes.rs"]
mod backup_codes;
#[path = "security/csrf.rs"]
mod csrf;
#[path = "security/fixation.rs"]
mod fixation;
#[path = "security/payee.rs"]
mod payee;
#[path = "security/prefix.rs"]
mod prefix;
#[path = "security/proxy.rs"]
mod proxy;
#[path = "security/pumping.rs"]
mod pumping;
