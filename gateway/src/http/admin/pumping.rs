//! The SMS pumping view: code SMS sent in a recent window by number prefix
//! and by client address, and what the limits refused (by reason, prefix
//! and address), as JSON (`GET /admin/api/pumping?window_s=`) and as an
//! HTML page (`GET /admin/pumping`, token from the header or `?token=`).

use std::fmt::Write as _;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, Denied, authorize, bearer, denial};
use crate::http::checkout_pages::{HtmlError, html};
use crate::http::pages::{CSS_PATH, text::escape};
use crate::http::{ApiError, AppState};
use crate::payments::PumpingReport;

/// Window when none is asked for: the per-prefix limit's.
const DEFAULT_WINDOW_S: u64 = 600;
/// Longest window (a day).
const MAX_WINDOW_S: u64 = 86_400;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WindowQuery {
    window_s: Option<u64>,
    /// The page's token (ignored by the JSON route, which needs the header).
    token: Option<String>,
}

fn window(
    q: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<(Duration, Option<String>), ApiError> {
    let Query(q) = q.map_err(|_| ApiError::bad_request("window_s must be 1..=86400"))?;
    let s = q.window_s.unwrap_or(DEFAULT_WINDOW_S);
    if !(1..=MAX_WINDOW_S).contains(&s) {
        return Err(ApiError::bad_request("window_s must be 1..=86400"));
    }
    Ok((Duration::from_secs(s), q.token))
}

fn rows<K: serde::Serialize>(key: &str, v: &[(K, u32)]) -> Vec<Value> {
    v.iter()
        .map(|(k, n)| json!({ key: k, "count": n }))
        .collect()
}

fn report_json(r: &PumpingReport) -> Value {
    json!({
        "window_s": r.window.as_secs(),
        "prefix_digits": r.prefix_digits,
        "per_prefix_10min": r.per_prefix_10min,
        "sent": {
            "total": r.sent.total,
            "by_prefix": rows("prefix", &r.sent.by_prefix),
            "by_ip": rows("ip", &r.sent.by_ip),
        },
        "refused": {
            "total": r.refused.total,
            "by_reason": rows("reason", &r.refused.by_reason),
            "by_prefix": rows("prefix", &r.refused.by_prefix),
            "by_ip": rows("ip", &r.refused.by_ip),
        },
    })
}

/// `GET /admin/api/pumping`.
pub(super) async fn report(
    _: Admin,
    State(app): State<AppState>,
    q: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (w, _) = window(q)?;
    let r = app.payments.pumping_report(w).await?;
    Ok(Json(report_json(&r)))
}

/// `GET /admin/pumping`: the same as a page.
pub(super) async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<WindowQuery>, QueryRejection>,
) -> Response {
    let (w, token) = match window(q) {
        Ok(x) => x,
        Err(e) => return HtmlError::new(StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let presented = bearer(&headers).or(token.as_deref());
    if let Err(d) = authorize(app.admin_token.as_deref(), presented) {
        let (status, msg) = match d {
            Denied::Off => (StatusCode::NOT_FOUND, "Not found."),
            Denied::Unauthorized => (StatusCode::UNAUTHORIZED, "An admin token is required."),
        };
        return denial(d, HtmlError::new(status, msg).into_response());
    }
    match app.payments.pumping_report(w).await {
        Ok(r) => html(StatusCode::OK, pumping_page(&r)),
        Err(e) => HtmlError::internal(e).into_response(),
    }
}

fn table<K: AsRef<str>>(title: &str, key: &str, v: &[(K, u32)]) -> String {
    let mut out = format!(
        "<h3>{}</h3>\n<table class=\"timeline\">\n<thead><tr><th>{}</th><th>Count</th></tr></thead>\n<tbody>\n",
        escape(title),
        escape(key)
    );
    if v.is_empty() {
        out.push_str("<tr><td colspan=\"2\">none</td></tr>\n");
    }
    for (k, n) in v {
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{n}</td></tr>",
            escape(k.as_ref())
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn pumping_page(r: &PumpingReport) -> String {
    let sent = [
        table("Sent by number prefix", "Prefix", &r.sent.by_prefix),
        table("Sent by client address", "Address", &r.sent.by_ip),
    ]
    .concat();
    let refused = [
        table("Refused by limit", "Limit", &r.refused.by_reason),
        table("Refused by number prefix", "Prefix", &r.refused.by_prefix),
        table("Refused by client address", "Address", &r.refused.by_ip),
    ]
    .concat();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>SMS pumping · Switchboard admin</title>
<link rel="stylesheet" href="{CSS_PATH}">
</head>
<body>
<main class="card admin">
<h1>SMS pumping, last {window} s</h1>
<p>Prefix: the first {digits} digits; at most {per_prefix} codes per prefix per 10 minutes.</p>
<h2>Code SMS sent: {sent_total}</h2>
{sent}<h2>Requests refused: {refused_total}</h2>
{refused}</main>
</body>
</html>
"#,
        window = r.window.as_secs(),
        digits = r.prefix_digits,
        per_prefix = r.per_prefix_10min,
        sent_total = r.sent.total,
        refused_total = r.refused.total,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::RefusalSummary;
    use crate::store::SendStats;

    #[test]
    fn the_page_escapes_and_lists_every_group() {
        let r = PumpingReport {
            window: Duration::from_secs(600),
            prefix_digits: 8,
            per_prefix_10min: 3,
            sent: SendStats {
                total: 4,
                by_prefix: vec![("44770090".into(), 4)],
                by_ip: vec![("<b>".into(), 4)],
            },
            refused: RefusalSummary {
                total: 1,
                by_reason: vec![("prefix", 1)],
                by_prefix: vec![("44770090".into(), 1)],
                by_ip: Vec::new(),
            },
        };
        let page = pumping_page(&r);
        assert!(page.contains("Code SMS sent: 4") && page.contains("Requests refused: 1"));
        assert!(page.contains("&lt;b&gt;") && !page.contains("<b>"));
        assert!(page.contains("<td class=\"mono\">prefix</td><td>1</td>"));
        let v = report_json(&r);
        assert_eq!(
            v["sent"]["by_prefix"][0],
            json!({ "prefix": "44770090", "count": 4 })
        );
        assert_eq!(
            v["refused"]["by_reason"][0],
            json!({ "reason": "prefix", "count": 1 })
        );
    }
}
