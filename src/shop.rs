//! The demo shop: a small web shop that pays through the gateway exactly as
//! a merchant's own code would, with the Demo Shop client certificate over
//! the real merchant API (mutual TLS). A visitor picks an item, is sent to
//! the gateway's checkout, and comes back to the shop's result page, which
//! asks the gateway for the payment's state (the return URL's query is never
//! trusted).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;

use crate::merchant_client::Merchant;

/// What the shop sells: (id, name, price in GBP).
const ITEMS: [(&str, &str, &str); 3] = [
    ("tea", "Earl Grey tea, 250 g", "12.50"),
    ("mug", "Switchboard mug", "8.00"),
    ("pager", "Vintage pager (working)", "49.99"),
];

struct Shop {
    merchant: Merchant,
    /// The shop's own base URL, for the return URL.
    base: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} · Demo Shop</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d2430}}\
         .item{{display:flex;justify-content:space-between;align-items:center;border:1px solid #d6dbe3;\
         border-radius:.6rem;padding:1rem;margin:.6rem 0}}button{{font-size:1rem;padding:.5rem 1.2rem;\
         border-radius:.4rem;border:0;background:#2f5bd3;color:#fff;cursor:pointer}}\
         .ok{{color:#137333}}.bad{{color:#b3261e}}</style></head><body>\
         <h1>Demo Shop</h1>{body}</body></html>",
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

async fn index() -> Response {
    let mut body = String::from("<p>Pick something; you pay with a code sent to your phone.</p>");
    for (id, name, price) in ITEMS {
        body.push_str(&format!(
            "<form class=\"item\" method=\"post\" action=\"/buy\"><span>{}</span>\
             <span>GBP {}</span><input type=\"hidden\" name=\"item\" value=\"{}\">\
             <button type=\"submit\">Buy</button></form>",
            escape(name),
            escape(price),
            escape(id)
        ));
    }
    body.push_str("<p><small>Demo customers: alice / alice-pass-1, bob / bob-pass-1.</small></p>");
    page("Shop", &body)
}

#[derive(Deserialize)]
struct Buy {
    item: String,
}

async fn buy(State(shop): State<Arc<Shop>>, Form(b): Form<Buy>) -> Response {
    let Some((id, name, price)) = ITEMS.iter().find(|(id, _, _)| *id == b.item) else {
        return (
            StatusCode::BAD_REQUEST,
            page("Unknown item", "<p class=\"bad\">No such item.</p>"),
        )
            .into_response();
    };
    let order = format!("shop-{id}-{}", uuid::Uuid::new_v4().simple());
    let body = json!({
        "order_id": order, "amount": price, "currency": "GBP", "description": name,
        "return_url": format!("{}/return", shop.base),
    });
    let a = shop
        .merchant
        .call("POST", "/v1/payments", Some(&body), &[])
        .await;
    match a.body["checkout_url"].as_str() {
        Some(url) if a.status == 201 => Redirect::to(url).into_response(),
        _ => {
            tracing::warn!(status = a.status, "the gateway refused the payment");
            (
                StatusCode::BAD_GATEWAY,
                page(
                    "Payment unavailable",
                    "<p class=\"bad\">The payment service is unavailable; please try again.</p>",
                ),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
struct Returned {
    payment_id: Option<String>,
}

async fn returned(State(shop): State<Arc<Shop>>, Query(q): Query<Returned>) -> Response {
    let Some(id) = q
        .payment_id
        .filter(|id| id.starts_with("pay_") && id.len() < 64)
    else {
        return (
            StatusCode::BAD_REQUEST,
            page("Unknown payment", "<p class=\"bad\">No payment given.</p>"),
        )
            .into_response();
    };
    // Ask the gateway: the query's status could have been edited.
    let a = shop
        .merchant
        .call("GET", &format!("/v1/payments/{id}"), None, &[])
        .await;
    let state = a.body["state"].as_str().unwrap_or("unknown");
    let what = format!(
        "{} for GBP {}",
        a.body["description"].as_str().unwrap_or("your order"),
        a.body["amount"].as_str().unwrap_or("?")
    );
    let body = if state == "succeeded" {
        format!(
            "<h2 class=\"ok\">Thank you!</h2><p>Paid: {}.</p>",
            escape(&what)
        )
    } else {
        format!(
            "<h2 class=\"bad\">Not paid</h2><p>{}: {}.</p>",
            escape(&what),
            escape(state)
        )
    };
    page(
        "Order",
        &format!("{body}<p><a href=\"/\">Back to the shop</a></p>"),
    )
}

/// Serve the shop on `listener` as the merchant `merchant` until the task is dropped.
pub async fn serve(listener: TcpListener, merchant: Merchant) -> anyhow::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    let pos = crate::pos::page::router(merchant.clone());
    let shop = Arc::new(Shop {
        merchant,
        base: format!("http://{addr}"),
    });
    let app = Router::new()
        .route("/", get(index))
        .route("/buy", post(buy))
        .route("/return", get(returned))
        .with_state(shop)
        .merge(pos);
    axum::serve(listener, app).await?;
    Ok(())
}
