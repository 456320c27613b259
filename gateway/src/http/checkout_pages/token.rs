//! The CSRF token of one checkout response: the double-submit cookie
//! `sb_csrf` read back from the request, compared with the form's field in
//! constant time ([`csrf::verify`]), or a fresh token with its `Set-Cookie`.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use super::COOKIE_PATH;
use crate::http::pages::csrf;

/// The token a response renders, and the cookie to set when it is new.
pub(super) struct Csrf {
    pub(super) token: String,
    set_cookie: Option<String>,
}

impl Csrf {
    /// The browser's token when it has one of ours, else a fresh one, so
    /// several open tabs keep working.
    pub(super) fn for_request(headers: &HeaderMap, secure: bool) -> Csrf {
        match cookie_token(headers).filter(|t| looks_like_token(t)) {
            Some(t) => Csrf {
                token: t.to_owned(),
                set_cookie: None,
            },
            None => Csrf::fresh(secure),
        }
    }

    pub(super) fn fresh(secure: bool) -> Csrf {
        let t = csrf::Token::generate();
        Csrf {
            set_cookie: Some(csrf::cookie_header(&t, COOKIE_PATH, secure)),
            token: t.as_str().to_owned(),
        }
    }

    /// The token of the browser's `sb_csrf` cookie (it may hold the page's
    /// and a payment's session one) that equals the form's field.
    pub(super) fn check(headers: &HeaderMap, form_token: &str) -> Option<Csrf> {
        let cookie =
            super::session::cookie_tokens(headers).find(|c| csrf::verify(c, form_token))?;
        Some(Csrf {
            token: cookie.to_owned(),
            set_cookie: None,
        })
    }

    /// A token already known to be the right one (the session's).
    pub(super) fn known(token: String) -> Csrf {
        Csrf {
            token,
            set_cookie: None,
        }
    }

    pub(super) fn attach(self, mut resp: Response) -> Response {
        if let Some(c) = self.set_cookie
            && let Ok(v) = HeaderValue::from_str(&c)
        {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
        resp
    }
}

/// The `sb_csrf` value from any `Cookie` header of the request.
pub(super) fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| csrf::cookie_value(h, csrf::COOKIE_NAME))
}

pub(super) fn looks_like_token(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn reuses_a_well_formed_cookie_and_replaces_others() {
        let t = "ab".repeat(32);
        let kept = Csrf::for_request(&with_cookie(&format!("x=1; sb_csrf={t}")), false);
        assert_eq!(kept.token, t);
        assert!(kept.set_cookie.is_none());
        for bad in ["sb_csrf=short", "sb_csrf=<script>", "other=1"] {
            let fresh = Csrf::for_request(&with_cookie(bad), true);
            assert!(looks_like_token(&fresh.token), "{bad}");
            let cookie = fresh.set_cookie.expect("a new cookie");
            assert!(cookie.contains("Path=/;") && cookie.contains("Secure"));
        }
    }

    #[test]
    fn check_needs_cookie_and_field_to_match() {
        let t = "cd".repeat(32);
        let h = with_cookie(&format!("sb_csrf={t}"));
        assert!(Csrf::check(&h, &t).is_some());
        assert!(Csrf::check(&h, &"ce".repeat(32)).is_none());
        assert!(Csrf::check(&h, "").is_none());
        assert!(Csrf::check(&HeaderMap::new(), &t).is_none());
        // With the page's and a session's cookie, either may match.
        let s = "ef".repeat(32);
        let both = with_cookie(&format!("sb_csrf={s}; sb_csrf={t}"));
        assert_eq!(Csrf::check(&both, &t).map(|c| c.token), Some(t.clone()));
        assert_eq!(Csrf::check(&both, &s).map(|c| c.token), Some(s));
    }
}
