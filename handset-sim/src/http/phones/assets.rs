//! The page's stylesheet and script, compiled into the binary from
//! `handset-sim/assets/` ([`CSS`], [`JS`]), so the page needs no files and
//! no outside resources at run time.
//!
//! Each [`Asset`] has a version: a hash of its bytes, computed at compile
//! time. The page links `/assets/NAME?v=VERSION`; a request with the
//! current version may be cached for good (a rebuild changes the URL),
//! any other is revalidated through the ETag.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A file served under `/assets/`.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
    pub version: u64,
}

pub const CSS: Asset = Asset::new(
    "/assets/phones.css",
    "text/css; charset=utf-8",
    include_str!("../../../assets/phones.css"),
);

pub const JS: Asset = Asset::new(
    "/assets/phones.js",
    "text/javascript; charset=utf-8",
    include_str!("../../../assets/phones.js"),
);

/// FNV-1a: small, const, and good enough to tell two builds' files apart.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

impl Asset {
    const fn new(path: &'static str, content_type: &'static str, body: &'static str) -> Self {
        Asset {
            path,
            content_type,
            body,
            version: fnv1a(body.as_bytes()),
        }
    }

    /// The URL the page links: changes whenever the file does.
    pub fn url(&self) -> String {
        format!("{}?v={:016x}", self.path, self.version)
    }

    fn etag(&self) -> String {
        format!("\"{:016x}\"", self.version)
    }

    /// The answer to `GET path?query`.
    pub fn respond(&self, query: Option<&str>, request: &HeaderMap) -> Response {
        let etag = self.etag();
        let current = query == Some(&format!("v={:016x}", self.version));
        let cache = match current {
            true => "public, max-age=31536000, immutable",
            false => "no-cache",
        };
        let headers = [
            (header::CONTENT_TYPE, self.content_type.to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::ETAG, etag.clone()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ];
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
        match fresh {
            true => (StatusCode::NOT_MODIFIED, headers).into_response(),
            false => (headers, self.body).into_response(),
        }
    }
}

/// Headers for every HTML answer: never cached (it shows live state), and
/// nothing but this server's own script and stylesheet may run or load.
pub fn html_headers() -> [(header::HeaderName, HeaderValue); 3] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self'; \
                 connect-src 'self'; img-src 'self' data:; form-action 'self'; \
                 base-uri 'none'",
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_bytes() {
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
        assert_eq!(CSS.version, fnv1a(CSS.body.as_bytes()));
        assert!(JS.url().starts_with("/assets/phones.js?v="));
        assert_eq!(JS.url().len(), "/assets/phones.js?v=".len() + 16);
    }

    #[test]
    fn a_matching_etag_gets_not_modified() {
        let mut request = HeaderMap::new();
        let r = JS.respond(None, &request);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        request.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&JS.etag()).expect("ascii"),
        );
        assert_eq!(
            JS.respond(None, &request).status(),
            StatusCode::NOT_MODIFIED
        );
        let versioned = format!("v={:016x}", JS.version);
        let r = JS.respond(Some(&versioned), &HeaderMap::new());
        assert!(
            r.headers()[header::CACHE_CONTROL]
                .to_str()
                .is_ok_and(|v| v.contains("immutable"))
        );
    }
}
