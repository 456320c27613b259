//! A browser on one payment's checkout pages: keeps the `sb_csrf` cookie
//! (and takes the new one a sign-in sets), reads the form's token, checks
//! the protective headers of every page.

use reqwest::{Response, StatusCode, header};

use crate::support::{Harness, PASSWORD};

/// The `sb_csrf` value a response sets, if any.
pub fn set_csrf(r: &Response) -> Option<String> {
    r.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("sb_csrf="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

/// The hidden CSRF field of the first form in `html`.
pub fn form_token(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub fn assert_protected(r: &Response) {
    let h = r.headers();
    assert!(
        h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

/// A browser session on one payment's pages: keeps the CSRF cookie.
pub struct Shopper<'a> {
    pub h: &'a Harness,
    pub page: String,
    pub cookie: String,
}

impl<'a> Shopper<'a> {
    /// Opens the payment page; returns the shopper and the page's HTML.
    pub async fn open(h: &'a Harness, id: &str) -> (Shopper<'a>, String) {
        let page = h.url(&format!("/checkout/{id}"));
        let r = h.client.get(&page).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_protected(&r);
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/;"] {
            assert!(set.contains(attr), "{attr} in {set}");
        }
        let cookie = set_csrf(&r).expect("a CSRF cookie");
        let html = r.text().await.unwrap();
        assert_eq!(
            form_token(&html),
            cookie,
            "double submit: field equals cookie"
        );
        (Shopper { h, page, cookie }, html)
    }

    pub async fn get(&self, suffix: &str) -> (StatusCode, String) {
        let r = self.h.client.get(format!("{}{suffix}", self.page));
        let r = r.header(header::COOKIE, format!("sb_csrf={}", self.cookie));
        let r = r.send().await.unwrap();
        assert_protected(&r);
        assert_eq!(set_csrf(&r), None, "the browser's token is kept");
        (r.status(), r.text().await.unwrap())
    }

    /// POSTs `form` plus the right CSRF token to `step`.
    pub async fn post(&self, step: &str, form: &[(&str, &str)]) -> Response {
        let mut fields = form.to_vec();
        fields.push(("csrf_token", &self.cookie));
        self.post_raw(step, &fields, Some(&self.cookie)).await
    }

    pub async fn post_raw(
        &self,
        step: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Response {
        let mut r = self
            .h
            .client
            .post(format!("{}/{step}", self.page))
            .form(form);
        if let Some(c) = cookie {
            r = r.header(header::COOKIE, format!("other=1; sb_csrf={c}"));
        }
        r.send().await.unwrap()
    }

    /// Signs in as Alice and takes the session token the answer sets.
    pub async fn sign_in(&mut self) {
        let form = [
            ("identity", "alice"),
            ("password", PASSWORD),
            ("method", "sms"),
        ];
        let r = self.post("identify", &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let path = self.page.trim_start_matches(&self.h.base);
        assert_eq!(r.headers()[header::LOCATION], path);
        let set = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        for attr in ["HttpOnly", "SameSite=Strict", &format!("Path={path};")] {
            assert!(set.contains(attr), "{attr} in {set}");
        }
        let session = set_csrf(&r).expect("a session token");
        assert_ne!(session, self.cookie, "sign-in replaces the token");
        self.cookie = session;
    }
}
