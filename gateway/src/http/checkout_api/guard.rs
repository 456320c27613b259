//! CSRF guard of the JSON checkout API's POSTs.
//!
//! Cross-site request forgery needs a browser: only a browser sends a
//! victim's cookies or a visitor's address on an attacker's behalf. A
//! browser marks what it sends (`Origin` on every cross-origin POST,
//! `Sec-Fetch-Site`/`Sec-Fetch-Mode` in current browsers, and `Cookie`
//! once it holds ours), so a request with any of these is treated as a
//! browser's and must be same-origin (the public URL's origin) and carry
//! the checkout's CSRF token in [`HEADER`], equal (constant time) to its
//! `sb_csrf` cookie; anything else is 403 `csrf_failed` and reaches no
//! handler. A request with none of them is a script's (curl, the test
//! suite, the demo) and holds no ambient credential to abuse; the API
//! still takes only `application/json` bodies, which a cross-site form
//! cannot send without a CORS preflight the gateway never grants.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::pages::csrf;
use crate::http::{ApiError, AppState};

/// The request header that carries the CSRF token.
pub const HEADER: &str = "x-csrf-token";

/// Why a browser request was refused (the `error` text of the 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    CrossSite,
    OtherOrigin,
    NoToken,
    WrongToken,
}

impl Refusal {
    fn text(self) -> &'static str {
        match self {
            Self::CrossSite => "CSRF check failed: cross-site requests are refused",
            Self::OtherOrigin => {
                "CSRF check failed: the request comes from another origin than the checkout"
            }
            Self::NoToken => {
                "CSRF check failed: a browser request needs the X-CSRF-Token header \
                 and the sb_csrf cookie of the checkout page"
            }
            Self::WrongToken => {
                "CSRF check failed: the X-CSRF-Token header does not match this browser's \
                 checkout session"
            }
        }
    }
}

/// `scheme://host[:port]` of a URL, as a browser writes it in `Origin`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

fn text(h: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Whether a POST with these headers may reach the handlers.
pub(crate) fn check(h: &HeaderMap, public_url: &str) -> Result<(), Refusal> {
    let site = text(h, "sec-fetch-site");
    let origin = h.get(header::ORIGIN);
    let browser = site.is_some()
        || origin.is_some()
        || h.contains_key("sec-fetch-mode")
        || h.contains_key(header::COOKIE);
    if !browser {
        return Ok(());
    }
    if site.is_some_and(|s| !matches!(s, "same-origin" | "none")) {
        return Err(Refusal::CrossSite);
    }
    if let Some(o) = origin
        && o.to_str().ok() != Some(origin_of(public_url))
    {
        return Err(Refusal::OtherOrigin);
    }
    let Some(token) = text(h, HEADER).filter(|t| !t.is_empty()) else {
        return Err(Refusal::NoToken);
    };
    // Any of the browser's sb_csrf cookies (the page's, or a payment's
    // session one) may be the one the token came from.
    let matches = h
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == csrf::COOKIE_NAME)
        .any(|(_, v)| csrf::verify(v.trim_matches('"'), token));
    if matches {
        Ok(())
    } else {
        Err(Refusal::WrongToken)
    }
}

/// Middleware: POSTs pass [`check`] or get 403.
pub(crate) async fn guard(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    match check(req.headers(), &app.public_url) {
        Ok(()) => next.run(req).await,
        Err(r) => ApiError::Refused {
            status: StatusCode::FORBIDDEN,
            code: "csrf_failed",
            message: r.text(),
        }
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const URL: &str = "http://127.0.0.1:8080";

    type Headers<'a> = Vec<(&'static str, &'a str)>;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn origins_drop_the_path() {
        assert_eq!(
            origin_of("https://pay.example.com/x/y"),
            "https://pay.example.com"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn scripts_pass_and_browsers_need_origin_and_token() {
        let t = "ab".repeat(32);
        let cookie = format!("other=1; sb_csrf={t}");
        let other = "cd".repeat(32);
        assert_eq!(check(&HeaderMap::new(), URL), Ok(()));
        let cases: [(Headers, Result<(), Refusal>); 7] = [
            (
                vec![("sec-fetch-site", "cross-site")],
                Err(Refusal::CrossSite),
            ),
            (
                vec![("sec-fetch-site", "same-site")],
                Err(Refusal::CrossSite),
            ),
            (vec![("origin", "null")], Err(Refusal::OtherOrigin)),
            (
                vec![("origin", "http://evil.example")],
                Err(Refusal::OtherOrigin),
            ),
            (vec![("cookie", &cookie)], Err(Refusal::NoToken)),
            (
                vec![("cookie", &cookie), (HEADER, &other)],
                Err(Refusal::WrongToken),
            ),
            (
                vec![
                    ("origin", URL),
                    ("sec-fetch-site", "same-origin"),
                    ("cookie", &cookie),
                    (HEADER, &t),
                ],
                Ok(()),
            ),
        ];
        for (pairs, want) in cases {
            assert_eq!(check(&headers(&pairs), URL), want, "{pairs:?}");
        }
    }
}
