//! Server-rendered checkout pages and their CSRF protection.
//!
//! Pure rendering: each page is a function from a view struct to a complete
//! HTML document ([`identify_page`], [`code_page`], [`result_page`],
//! [`error_page`]); the HTTP layer fills the views from the store and owns
//! the routes. Every value that reaches the HTML goes through
//! [`text::escape`]; phone numbers are shown masked ([`mask_msisdn`]); the
//! return link accepts only http/https. Pages load [`CHECKOUT_CSS`] and
//! [`CHECKOUT_JS`] from [`CSS_PATH`] and [`JS_PATH`] on the gateway itself
//! and contain no inline script or style, so [`CONTENT_SECURITY_POLICY`] can
//! be strict. Forms use double-submit CSRF tokens from [`csrf`].

pub mod csrf;
pub mod text;

mod carrier;
mod code;
mod identify;
mod layout;
mod resend;
mod result;
mod voucher;

pub use carrier::{CarrierNotice, CarrierView, carrier_page};
pub use code::{CodeNotice, CodeView, DeliveryStatus, code_page};
pub use identify::{IdentifyNotice, IdentifyView, identify_page};
pub use resend::{ResendView, TerminalOption};
pub use result::{Outcome, ResultView, result_page};
pub use text::mask_msisdn;
pub use voucher::{Field, VoucherFormView, VoucherPayView, voucher_form_page, voucher_pay_page};

use text::escape;

/// The checkout stylesheet; serve at [`CSS_PATH`] as `text/css; charset=utf-8`.
pub const CHECKOUT_CSS: &str = include_str!("../../../assets/checkout.css");
/// The checkout script; serve at [`JS_PATH`] as `text/javascript; charset=utf-8`.
pub const CHECKOUT_JS: &str = include_str!("../../../assets/checkout.js");
/// Where the pages expect the stylesheet.
pub const CSS_PATH: &str = "/assets/checkout.css";
/// Where the pages expect the script.
pub const JS_PATH: &str = "/assets/checkout.js";

/// A `Content-Security-Policy` the pages satisfy: same-origin assets,
/// same-origin form posts and status polling, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// Renders an error page for HTTP status `status` with a shopper-facing
/// `message` (escaped; keep it generic).
pub fn error_page(status: u16, message: &str) -> String {
    let reason = match status {
        400 => "Bad request",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "Request too large",
        429 => "Too many requests",
        500 => "Internal error",
        502..=504 => "Service unavailable",
        _ => "Error",
    };
    let body = format!(
        r#"<div class="result result-failed">
<p class="result-icon" aria-hidden="true">!</p>
<h1>{reason}</h1>
<p class="result-message">{}</p>
<p class="hint">Error {status}</p>
</div>
"#,
        escape(message)
    );
    layout::page(reason, None, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_page_escapes_message_and_shows_status() {
        let html = error_page(404, "<script>alert(1)</script> not here");
        assert!(html.contains("<h1>Not found</h1>"));
        assert!(html.contains("Error 404"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; not here"));
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("Checkout progress"));
        assert!(error_page(599, "x").contains("<h1>Error</h1>"));
    }

    #[test]
    fn assets_are_embedded_and_self_contained() {
        assert!(CHECKOUT_JS.contains("data-expires-at") && CHECKOUT_JS.contains("data-resend-at"));
        assert!(CHECKOUT_CSS.contains(".status-delivered"));
        for asset in [CHECKOUT_CSS, CHECKOUT_JS] {
            assert!(!asset.contains("http://") && !asset.contains("https://"));
            assert!(!asset.contains("@import"));
        }
    }
}
