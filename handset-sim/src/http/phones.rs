//! The phones page for demos: every terminal of the cell drawn as a device
//! of its kind (a phone or PDA handset, a pager's monochrome LCD, a TV with
//! the set-top card's banner), with its status bar, inbox, sent messages,
//! power / coverage / clear-inbox controls and a reply box.
//!
//! Routes: `GET /` and `GET /phones` (all terminals), `GET /phones/{msisdn}`
//! (one device, for embedding), `GET /phones/{msisdn}/device` (one device's
//! `<article>`, which the script re-fetches), `POST /phones/{msisdn}/{action}`
//! (the forms without JavaScript, [`forms`]), and `/assets/phones.{css,js}`
//! ([`assets`], compiled in). The page is rendered here, complete, from
//! [`Cell`] snapshots ([`render`], [`device`], [`screen`]); the script
//! only follows `/api/events`, re-fetches the device an event is about and
//! swaps in its live parts, and sends the forms to the JSON API.
//! Every text from outside (labels, senders, messages) goes through
//! [`render::Esc`].

mod assets;
mod device;
mod forms;
mod push;
mod render;
mod screen;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::AppState;
use super::extract::PathParam;
use crate::cell::Cell;
use crate::terminal::TerminalInfo;
use device::Snapshot;
use render::CellHeader;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(all))
        .route("/phones", get(all))
        .route("/phones/{msisdn}", get(one))
        .route("/phones/{msisdn}/device", get(fragment))
        .route("/phones/{msisdn}/{action}", post(forms::act))
        .route(assets::CSS.path, get(css))
        .route(assets::JS.path, get(js))
}

/// The terminal with its inbox and sent messages; None when it was
/// removed meanwhile.
fn snapshot(cell: &Cell, info: TerminalInfo) -> Option<Snapshot> {
    let inbox = cell.inbox(&info.msisdn).ok()?;
    let sent = cell.sent(&info.msisdn).ok()?;
    Some(Snapshot { info, inbox, sent })
}

/// The terminal an URL names, if it is in this cell.
fn find(cell: &Cell, number: &str) -> Option<Snapshot> {
    let m = super::extract::msisdn(number).ok()?;
    snapshot(cell, cell.terminal(m.as_str()).ok()?)
}

fn html(status: StatusCode, body: String) -> Response {
    (status, assets::html_headers(), body).into_response()
}

fn page(cell: &Cell, devices: &str, single: Option<&str>) -> String {
    let link = cell.link_status();
    let header = CellHeader {
        id: cell.id(),
        air: cell.air(),
        link: &link,
    };
    render::page(&header, devices, single)
}

fn unknown(number: &str) -> Response {
    let text = format!("There is no terminal {number} in this cell.");
    html(
        StatusCode::NOT_FOUND,
        render::message_page("No such terminal", &text, "/phones"),
    )
}

async fn all(State(s): State<AppState>) -> Response {
    let devices: String = s
        .cell
        .terminals()
        .into_iter()
        .filter_map(|t| snapshot(&s.cell, t))
        .map(|d| device::device(&d, "/phones"))
        .collect();
    html(StatusCode::OK, page(&s.cell, &devices, None))
}

async fn one(State(s): State<AppState>, PathParam(number): PathParam<String>) -> Response {
    let Some(d) = find(&s.cell, &number) else {
        return unknown(&number);
    };
    let back = format!("/phones/{}", d.info.msisdn);
    let device = device::device(&d, &back);
    html(StatusCode::OK, page(&s.cell, &device, Some(&d.info.msisdn)))
}

/// One device's article, for the script (`?back=` as the page it is on).
async fn fragment(
    State(s): State<AppState>,
    PathParam(number): PathParam<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(d) = find(&s.cell, &number) else {
        return unknown(&number);
    };
    let back = match query.as_deref() {
        Some("single") => format!("/phones/{}", d.info.msisdn),
        _ => "/phones".to_owned(),
    };
    html(StatusCode::OK, device::device(&d, &back))
}

async fn css(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    assets::CSS.respond(query.as_deref(), &headers)
}

async fn js(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    assets::JS.respond(query.as_deref(), &headers)
}
