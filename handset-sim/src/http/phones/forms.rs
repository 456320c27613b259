//! The device forms, both ends. [`open`] writes a form's opening tag: it
//! posts `application/x-www-form-urlencoded` to `/phones/{msisdn}/{action}`
//! so the page works without JavaScript, and names in `data-api` /
//! `data-method` the JSON API call the script makes instead. [`act`] is
//! that no-JavaScript end: it does the action on the cell and redirects
//! (303) back to the page the form came from, or shows why it failed.
//!
//! Fields: power `on`, coverage `in` ("true"/"false"), send `to`, `text`,
//! `status_report`, read `id`, answer (a payment request, [`super::push`])
//! `to`, `reference`, `decision` ("yes"/"no"), `pin`; every form carries
//! `back`. Fields the JSON call must not send have class `form-only`.
//!
//! CSRF: a form post a browser marks as coming from another site
//! (`Sec-Fetch-Site`, or an `Origin` that is not this host) is refused
//! with 403, so another page cannot make a phone send (or answer a
//! payment request) behind the user's back.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};

use axum::response::{IntoResponse, Redirect, Response};

use super::assets::html_headers;
use super::render::{Esc, message_page};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{PathParam, msisdn};

/// The opening tag of a device form (closed by the caller) with its
/// hidden `back` field.
pub fn open(
    msisdn: &str,
    action: &str,
    api: &str,
    method: &str,
    back: &str,
    class: &str,
) -> String {
    format!(
        "<form class=\"{class}\" method=\"post\" action=\"/phones/{m}/{action}\" \
         data-api=\"{api}\" data-method=\"{method}\">\
         <input type=\"hidden\" class=\"form-only\" name=\"back\" value=\"{back}\">",
        m = Esc(msisdn),
        api = Esc(api),
        back = Esc(back),
    )
}

/// The opening tag of a form the script leaves alone (no `data-api`): it
/// always posts to the page, e.g. because its fields are not an API body.
pub fn open_plain(msisdn: &str, action: &str, back: &str, class: &str) -> String {
    format!(
        "<form class=\"{class}\" method=\"post\" action=\"/phones/{m}/{action}\">\
         <input type=\"hidden\" name=\"back\" value=\"{back}\">",
        m = Esc(msisdn),
        back = Esc(back),
    )
}

/// Where a form may send the browser back to: the page itself, never
/// another site.
pub fn safe_back(back: Option<&str>) -> &str {
    match back {
        Some(b @ ("/" | "/phones")) => b,
        Some(b)
            if b.strip_prefix("/phones/")
                .is_some_and(|m| !m.is_empty() && m.bytes().all(|c| c.is_ascii_digit())) =>
        {
            b
        }
        _ => "/phones",
    }
}

pub async fn act(
    State(s): State<AppState>,
    PathParam((number, action)): PathParam<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    let field = |k: &str| fields.get(k).map(String::as_str);
    let back = safe_back(field("back"));
    if !same_site(&headers) {
        let page = message_page("Refused", "A form from another site was refused.", back);
        return (StatusCode::FORBIDDEN, html_headers(), page).into_response();
    }
    match run(&s, &number, &action, &field) {
        Ok(()) => Redirect::to(back).into_response(),
        Err(e) => {
            let page = message_page(&format!("Could not {action}"), &e.to_string(), back);
            (e.status(), html_headers(), page).into_response()
        }
    }
}

fn run<'a>(
    s: &AppState,
    number: &str,
    action: &str,
    field: &impl Fn(&str) -> Option<&'a str>,
) -> Result<(), ApiError> {
    let m = msisdn(number)?;
    let m = m.as_str();
    let flag = |k: &str| match field(k) {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        other => Err(ApiError::bad_request(format!(
            "field {k} must be true or false, not {other:?}"
        ))),
    };
    match action {
        "power" => s.cell.set_power(m, flag("on")?).map(drop)?,
        "coverage" => s.cell.set_coverage(m, flag("in")?).map(drop)?,
        "clear" => s.cell.clear_inbox(m).map(drop)?,
        "read" => {
            let id = field("id")
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| ApiError::bad_request("field id must be a message id"))?;
            s.cell.mark_read(m, Some(id)).map(drop)?
        }
        "answer" => {
            let text =
                super::push::reply_text(field("decision"), field("reference"), field("pin"))?;
            s.cell
                .send(m, field("to").unwrap_or(""), &text, false)
                .map(drop)?
        }
        "send" => {
            let (to, text) = (field("to").unwrap_or(""), field("text").unwrap_or(""));
            let report = field("status_report").is_some();
            s.cell.send(m, to, text, report).map(drop)?
        }
        other => return Err(ApiError::NotFound(format!("no page action {other:?}"))),
    }
    Ok(())
}

/// False for a request the browser says came from another site.
fn same_site(headers: &HeaderMap) -> bool {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (get("origin"), get("host")) {
        (Some(origin), Some(host)) => {
            let bare = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            bare == Some(host)
        }
        // No Origin: not a browser's cross-site form (curl, old browsers).
        (None, _) => true,
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_from_other_sites_are_refused() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, v.parse().expect("header"));
            }
            m
        };
        let host = ("host", "127.0.0.1:8776");
        assert!(same_site(&h(&[host])));
        assert!(same_site(&h(&[host, ("origin", "http://127.0.0.1:8776")])));
        assert!(same_site(&h(&[host, ("sec-fetch-site", "same-origin")])));
        assert!(!same_site(&h(&[host, ("origin", "http://evil.example")])));
        assert!(!same_site(&h(&[host, ("origin", "null")])));
        assert!(!same_site(&h(&[host, ("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn only_this_pages_paths_are_followed_back() {
        assert_eq!(safe_back(Some("/")), "/");
        assert_eq!(
            safe_back(Some("/phones/447700900101")),
            "/phones/447700900101"
        );
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/phones/1/../x",
            "/phones/",
        ] {
            assert_eq!(safe_back(Some(bad)), "/phones", "{bad}");
        }
        assert_eq!(safe_back(None), "/phones");
    }
}
