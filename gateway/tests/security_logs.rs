//! Log injection: merchant text (name, order id, description) and
//! identities carrying newlines, carriage returns and ANSI/CSI escapes go
//! through a checkout, sign-in refusals, a refused JSON body and an admin
//! page, with every log captured at TRACE through the formatter the binary
//! installs (`gateway::logging::fmt_builder`). Every captured line is a
//! real event line (timestamp, level), none is the forged one, no control
//! character reaches the log, and the merchant's order id shows escaped.
//!
//! A test binary of its own: the capture is a thread's default subscriber,
//! and tests running beside it in one process (their events registering
//! callsites first, with no subscriber) made it miss most events.

#[path = "checkout_pages/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "checkout_pages/browser.rs"]
mod browser;

use std::io;
use std::sync::{Arc, Mutex};

use gateway::payments::CreatePayment;
use reqwest::{StatusCode, header};
use serde_json::json;
use tracing::Level;

use support::{Harness, Options, PASSWORD, PHONE};

/// A line that would pass for the gateway's own.
/// (Short enough for an order id: at most 64 characters in all.)
const FORGED: &str = "2030-01-01T00:00:00Z  INFO gateway::payments: paid";

fn evil(what: &str) -> String {
    format!("{what}\n{FORGED}\r\x1b[2K\x07\u{9b}1m")
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("capture").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn outside_text_never_forges_a_log_line() {
    let out = Capture::default();
    let w = out.clone();
    let subscriber = gateway::logging::fmt_builder()
        .with_max_level(Level::TRACE)
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    // The test's runtime is single-threaded: the server's tasks run on
    // this thread and log into the capture.
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = Harness::start_with(Options {
        merchant_name: evil("Shop"),
        ..Options::default()
    })
    .await;
    let req = CreatePayment {
        order_id: evil("o7"),
        amount: "12.50".into(),
        currency: "GBP".into(),
        description: evil("Two books"),
        return_url: None,
        customer_hint: None,
    };
    let (p, _) = h
        .app
        .payments
        .create(&h.merchant, req, None)
        .await
        .expect("create");
    let id = p.id.as_str();
    let api = |step: &str| h.url(&format!("/api/v1/checkout/{id}/{step}"));
    // Hostile identities: refused alike, JSON and form.
    let r = h
        .client
        .post(api("identify"))
        .json(&json!({ "identity": evil("alice"), "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let page = h.url(&format!("/checkout/{id}"));
    let r = h.client.get(&page).send().await.unwrap();
    let token = crate::browser::set_csrf(&r).expect("token");
    let r = h
        .client
        .post(format!("{page}/identify"))
        .header(header::COOKIE, format!("sb_csrf={token}"))
        .form(&[
            ("identity", evil("alice").as_str()),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A JSON body whose unknown field name is the attack (axum traces the
    // rejection with the parser's message, which quotes it).
    let body = format!(
        "{{\"{}\": 1}}",
        evil("x")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
            .replace('\x1b', "\\u001b")
            .replace('\x07', "\\u0007")
    );
    let r = h
        .client
        .post(api("identify"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    // And a whole payment, so the ordinary events are in the log too.
    let r = h
        .client
        .post(api("identify"))
        .json(&json!({ "identity": "alice", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let code = h.sms.code_to(PHONE);
    let r = h
        .client
        .post(api("code"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    drop(_guard);

    let log = String::from_utf8(out.0.lock().expect("capture").clone()).expect("utf-8 log");
    assert!(log.lines().count() > 5, "{log}");
    let bad: Vec<char> = log
        .chars()
        .filter(|c| *c != '\n' && (c.is_control() || *c == '\u{9b}'))
        .collect();
    assert!(bad.is_empty(), "control characters in the log: {bad:?}");
    for line in log.lines() {
        assert!(!line.starts_with("2030-01-01"), "forged line: {line}");
        let level = line.split_whitespace().nth(1).unwrap_or_default();
        assert!(
            line.starts_with("20") && ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level),
            "not an event line: {line:?}"
        );
    }
    // The merchant's order id is in the log, on its event's line, escaped.
    let created = log
        .lines()
        .find(|l| l.contains("payment created"))
        .expect("the payment-created event");
    assert!(
        created.contains(r"order_id=o7\n2030-01-01T00:00:00Z  INFO"),
        "{created}"
    );
    assert!(created.contains(r"\u{1b}[2K"), "{created}");
}
