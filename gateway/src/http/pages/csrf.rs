//! CSRF protection for the checkout forms (double submit) and the cookie
//! helpers the checkout uses.
//!
//! A [`Token`] is 32 bytes from the thread-local CSPRNG, hex-encoded. The
//! server sets it in an HttpOnly, SameSite=Strict cookie ([`cookie_header`])
//! and renders the same value in each form's hidden [`FIELD_NAME`] field; a
//! POST is accepted only when [`verify`] finds the cookie and the field equal
//! (constant-time compare). [`session_cookie`] builds the checkout session
//! cookie with the same attributes, [`cookie_value`] reads a cookie back from
//! a `Cookie` request header.

use std::fmt;
use std::fmt::Write as _;
use std::time::Duration;

use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

/// Name of the cookie that carries the CSRF token.
pub const COOKIE_NAME: &str = "sb_csrf";
/// Name of the hidden form field that carries the CSRF token.
pub const FIELD_NAME: &str = "csrf_token";

/// A CSRF token: 64 lowercase hex characters (32 random bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token from the CSPRNG (`rand::rng()` is ChaCha seeded from the OS).
    pub fn generate() -> Token {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let mut hex = String::with_capacity(64);
        for b in bytes {
            let _ = write!(hex, "{b:02x}");
        }
        Token(hex)
    }

    /// The token as it goes into the cookie and the form field.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// `Set-Cookie` value for the CSRF cookie, scoped to `path`.
pub fn cookie_header(token: &Token, path: &str, secure: bool) -> String {
    build_cookie(COOKIE_NAME, token.as_str(), path, None, secure)
}

/// True when both values are present and equal; compares in constant time.
pub fn verify(cookie_value: &str, form_value: &str) -> bool {
    if cookie_value.is_empty() || form_value.is_empty() {
        return false;
    }
    // Lengths are not secret (tokens have a fixed length); the contents are.
    bool::from(cookie_value.as_bytes().ct_eq(form_value.as_bytes()))
}

/// SHA-256 of a token: what the store keeps of a checkout session's token.
pub fn digest(token: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// True when `token` hashes to `bound` (constant-time compare).
pub fn matches_digest(token: &str, bound: &[u8; 32]) -> bool {
    bool::from(digest(token).ct_eq(bound))
}

/// `Set-Cookie` value for a session cookie on path `/`: HttpOnly,
/// SameSite=Strict, Max-Age from `max_age` (zero deletes the cookie), Secure
/// when `secure`.
pub fn session_cookie(name: &str, value: &str, max_age: Duration, secure: bool) -> String {
    build_cookie(name, value, "/", Some(max_age), secure)
}

/// The value of cookie `name` in a `Cookie` request header, if present.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.trim_matches('"'))
    })
}

fn build_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<Duration>,
    secure: bool,
) -> String {
    // Callers pass generated tokens and fixed paths; anything outside the
    // cookie grammar is dropped rather than allowed to inject attributes.
    let name: String = name.chars().filter(|c| is_token_char(*c)).collect();
    let value: String = value.chars().filter(|c| is_cookie_octet(*c)).collect();
    let path: String = path
        .chars()
        .filter(|c| is_cookie_octet(*c) || *c == ',' || *c == '\\' || *c == '"')
        .collect();
    let path = if path.starts_with('/') {
        path
    } else {
        "/".to_owned()
    };
    let mut out = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        let _ = write!(out, "; Max-Age={}", age.as_secs());
    }
    if secure {
        out.push_str("; Secure");
    }
    out
}

/// RFC 6265 cookie-octet: visible ASCII except `"`, `,`, `;` and `\`.
fn is_cookie_octet(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, '"' | ',' | ';' | '\\')
}

/// RFC 7230 token character (cookie names).
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_hex_and_distinct() {
        let a = Token::generate();
        let b = Token::generate();
        assert_eq!(a.as_str().len(), 64);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Token(<redacted>)");
    }

    #[test]
    fn verify_accepts_equal_and_rejects_others() {
        let t = Token::generate();
        assert!(verify(t.as_str(), t.as_str()));
        assert!(!verify(t.as_str(), Token::generate().as_str()));
        assert!(!verify(t.as_str(), &t.as_str()[..63]));
        assert!(!verify("", ""));
        assert!(!verify(t.as_str(), ""));
        assert!(!verify("", t.as_str()));
    }

    #[test]
    fn csrf_cookie_has_protective_attributes() {
        let t = Token::generate();
        let c = cookie_header(&t, "/checkout", true);
        assert!(c.starts_with(&format!("sb_csrf={}; ", t.as_str())));
        for attr in ["Path=/checkout", "HttpOnly", "SameSite=Strict", "Secure"] {
            assert!(c.split("; ").any(|a| a == attr), "{attr} missing in {c}");
        }
        assert!(!cookie_header(&t, "/", false).contains("Secure"));
    }

    #[test]
    fn session_cookie_attributes_and_injection() {
        let c = session_cookie("sb_session", "abc", Duration::from_secs(900), false);
        assert_eq!(
            c,
            "sb_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=900"
        );
        let evil = session_cookie("s", "x; Domain=evil.example", Duration::ZERO, true);
        assert_eq!(
            evil,
            "s=xDomain=evil.example; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
    }

    #[test]
    fn reads_cookie_from_header() {
        let h = "a=1; sb_csrf=tok; sb_session=\"s\"";
        assert_eq!(cookie_value(h, "sb_csrf"), Some("tok"));
        assert_eq!(cookie_value(h, "sb_session"), Some("s"));
        assert_eq!(cookie_value(h, "sb"), None);
    }
}
