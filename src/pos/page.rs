//! The point-of-sale page on the demo shop's listener: `GET /pos` is the
//! terminal's keypad (customer identity, amount, currency, description),
//! `POST /pos/charge` starts a terminal payment and redirects to
//! `GET /pos/payments/{id}`, which refreshes itself every second (no
//! script needed) until the customer answered, then shows the receipt.
//! The form is refused from another site (Origin / Sec-Fetch-Site), so a
//! page elsewhere cannot make this terminal push payments.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Receipt, Sale, charge, is_final};
use crate::merchant_client::Merchant;

/// The terminal id this page charges as.
const TERMINAL_ID: &str = "POS-WEB";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, head: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{head}\
         <title>{t} · POS terminal</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#1d2430}}\
         label{{display:block;margin:.6rem 0}}input{{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}}\
         button{{font-size:1rem;padding:.5rem 1.2rem;border-radius:.4rem;border:0;background:#2f5bd3;color:#fff}}\
         pre{{background:#f4f6fa;border:1px dashed #98a2b3;padding:1rem}}.ok{{color:#137333}}.bad{{color:#b3261e}}\
         </style></head><body><h1>POS terminal</h1>{body}</body></html>",
        t = escape(title)
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(html),
    )
        .into_response()
}

pub fn router(merchant: Merchant) -> Router {
    Router::new()
        .route("/pos", get(keypad))
        .route("/pos/charge", post(start))
        .route("/pos/payments/{id}", get(status))
        .with_state(Arc::new(merchant))
}

async fn keypad() -> Response {
    page(
        "New sale",
        "",
        "<form method=\"post\" action=\"/pos/charge\">\
         <label>Customer (phone, alias or account) <input name=\"customer\" required value=\"alice\"></label>\
         <label>Amount <input name=\"amount\" required inputmode=\"decimal\" value=\"12.50\"></label>\
         <label>Currency <input name=\"currency\" required value=\"GBP\" maxlength=\"3\"></label>\
         <label>Description <input name=\"description\" value=\"Coffee and cake\"></label>\
         <button type=\"submit\" id=\"charge\">Charge</button></form>\
         <p><small>The customer confirms on the phone: YES &lt;ref&gt; &lt;PIN&gt; \
         (demo: alice's PIN is 4821).</small></p>",
    )
}

/// False for a request a browser says came from another site.
fn same_site(headers: &HeaderMap) -> bool {
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (get("origin"), get("host")) {
        (Some(origin), Some(host)) => {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        }
        // No Origin: not a cross-site browser form post (old browsers, curl).
        (None, _) => true,
        (Some(_), None) => false,
    }
}

#[derive(Deserialize)]
struct ChargeForm {
    customer: String,
    amount: String,
    currency: String,
    #[serde(default)]
    description: String,
}

async fn start(
    State(merchant): State<Arc<Merchant>>,
    headers: HeaderMap,
    Form(f): Form<ChargeForm>,
) -> Response {
    if !same_site(&headers) {
        return (
            StatusCode::FORBIDDEN,
            page(
                "Refused",
                "",
                "<p class=\"bad\">Cross-site request refused.</p>",
            ),
        )
            .into_response();
    }
    let sale = Sale {
        customer: f.customer.trim().to_owned(),
        amount: f.amount.trim().to_owned(),
        currency: f.currency.trim().to_ascii_uppercase(),
        description: f.description,
        terminal_id: TERMINAL_ID.into(),
    };
    match charge(&merchant, &sale).await {
        Ok(p) => match p["id"].as_str() {
            Some(id) => Redirect::to(&format!("/pos/payments/{id}")).into_response(),
            None => bad_gateway("the gateway gave no payment id"),
        },
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(
                "Refused",
                "",
                &format!(
                    "<p class=\"bad\" id=\"error\">{}</p><p><a href=\"/pos\">New sale</a></p>",
                    escape(&e.to_string())
                ),
            ),
        )
            .into_response(),
    }
}

fn bad_gateway(why: &str) -> Response {
    (
        StatusCode::BAD_GATEWAY,
        page(
            "Unavailable",
            "",
            &format!("<p class=\"bad\">{}</p>", escape(why)),
        ),
    )
        .into_response()
}

fn well_formed_id(id: &str) -> bool {
    id.starts_with("pay_")
        && id.len() < 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

async fn status(State(merchant): State<Arc<Merchant>>, Path(id): Path<String>) -> Response {
    if !well_formed_id(&id) {
        return (
            StatusCode::NOT_FOUND,
            page("Unknown", "", "<p>No such payment.</p>"),
        )
            .into_response();
    }
    let a = merchant
        .call("GET", &format!("/v1/terminal-payments/{id}"), None, &[])
        .await;
    if a.status != 200 {
        return bad_gateway("the gateway did not show the payment");
    }
    let p = a.body;
    if !is_final(&p) {
        let reference = p["push"]["reference"].as_str().unwrap_or("-");
        return page(
            "Waiting",
            "<meta http-equiv=\"refresh\" content=\"1\">",
            &format!(
                "<p id=\"waiting\">Waiting for the customer to confirm {} {} on the phone \
                 ({}), reference <strong>{}</strong>…</p>",
                escape(p["currency"].as_str().unwrap_or("")),
                escape(p["amount"].as_str().unwrap_or("")),
                escape(p["push"]["phone"].as_str().unwrap_or("")),
                escape(reference)
            ),
        );
    }
    let receipt = Receipt::from_payment(&p);
    let class = if receipt.approved { "ok" } else { "bad" };
    page(
        "Receipt",
        "",
        &format!(
            "<h2 class=\"{class}\" id=\"result\">{}</h2><pre id=\"receipt\">{}</pre>\
             <p><a href=\"/pos\">New sale</a></p>",
            escape(&receipt.result),
            escape(&receipt.to_string())
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_site_posts_are_refused() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, v.parse().expect("header"));
            }
            m
        };
        assert!(same_site(&h(&[("host", "127.0.0.1:8090")])));
        assert!(same_site(&h(&[
            ("host", "127.0.0.1:8090"),
            ("origin", "http://127.0.0.1:8090")
        ])));
        assert!(!same_site(&h(&[
            ("host", "127.0.0.1:8090"),
            ("origin", "http://evil.example")
        ])));
        assert!(!same_site(&h(&[
            ("host", "a"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(well_formed_id("pay_Ab3") && !well_formed_id("pay_<x>") && !well_formed_id("x"));
    }
}
