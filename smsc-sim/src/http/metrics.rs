//! `GET /metrics`: the [`Snapshot`] in the Prometheus text exposition format
//! (version 0.0.4): the [`Stats`](crate::core::Stats) counters as
//! `smsc_*_total`, `smsc_messages{state="..."}`, `smsc_sessions_open` and
//! per-account bind and outbox gauges.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::AppState;
use super::error::ApiError;
use super::stats::{Snapshot, snapshot};

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Label values escape backslash, double quote and newline.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

pub fn render(s: &Snapshot) -> String {
    let mut out = String::new();
    for c in &s.counters {
        let name = match c.name.strip_suffix("_total") {
            Some(base) => format!("smsc_{base}_total"),
            None => format!("smsc_{}_total", c.name),
        };
        header(&mut out, &name, "counter", c.help);
        let _ = writeln!(out, "{name} {}", c.value);
    }
    header(
        &mut out,
        "smsc_sessions_open",
        "gauge",
        "Open SMPP connections, bound or not.",
    );
    let _ = writeln!(out, "smsc_sessions_open {}", s.sessions_open);
    header(
        &mut out,
        "smsc_handsets",
        "gauge",
        "Handset subscribers by state.",
    );
    for (state, n) in &s.handsets {
        let _ = writeln!(out, "smsc_handsets{{state=\"{state}\"}} {n}");
    }
    header(
        &mut out,
        "smsc_cells",
        "gauge",
        "Connected handset-sim cells.",
    );
    let _ = writeln!(out, "smsc_cells {}", s.cells);
    header(
        &mut out,
        "smsc_messages",
        "gauge",
        "Messages in the store by state.",
    );
    for (state, n) in &s.messages {
        let state = format!("{state:?}").to_ascii_uppercase();
        let _ = writeln!(out, "smsc_messages{{state=\"{state}\"}} {n}");
    }
    type Field = fn(&super::stats::AccountStats) -> usize;
    let per_account: [(&str, &str, Field); 3] = [
        (
            "smsc_account_bound_sessions",
            "Bound sessions per account.",
            |a| a.bound_sessions,
        ),
        (
            "smsc_account_bound_receivers",
            "Receiver and transceiver binds per account.",
            |a| a.bound_receivers,
        ),
        (
            "smsc_account_outbox",
            "deliver_sm waiting for a receiver, per account.",
            |a| a.outbox,
        ),
    ];
    for (name, help, field) in per_account {
        header(&mut out, name, "gauge", help);
        for a in &s.accounts {
            let _ = writeln!(
                out,
                "{name}{{account=\"{}\"}} {}",
                label(&a.system_id),
                field(a)
            );
        }
    }
    out
}

pub(super) async fn metrics(State(app): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let text = render(&snapshot(&app.core).await?);
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], text))
}

#[cfg(test)]
mod tests {
    use super::super::stats::{AccountStats, Counter};
    use super::*;
    use crate::message::MessageState;

    #[test]
    fn exposition_has_help_type_and_samples() {
        let s = Snapshot {
            sessions_open: 2,
            handsets: [("attached", 3), ("detached", 1)].into_iter().collect(),
            cells: 1,
            counters: vec![
                Counter {
                    name: "binds_total",
                    help: "Binds.",
                    value: 3,
                },
                Counter {
                    name: "submitted",
                    help: "Accepted.",
                    value: 7,
                },
            ],
            messages: vec![(MessageState::Enroute, 1), (MessageState::Delivered, 6)],
            accounts: vec![AccountStats {
                system_id: "a\"b".into(),
                bound_sessions: 1,
                bound_receivers: 0,
                outbox: 4,
            }],
        };
        let text = render(&s);
        for line in [
            "# TYPE smsc_binds_total counter",
            "smsc_binds_total 3",
            "# HELP smsc_submitted_total Accepted.",
            "smsc_submitted_total 7",
            "# TYPE smsc_sessions_open gauge",
            "smsc_sessions_open 2",
            "smsc_messages{state=\"ENROUTE\"} 1",
            "smsc_messages{state=\"DELIVERED\"} 6",
            "smsc_account_outbox{account=\"a\\\"b\"} 4",
            "smsc_handsets{state=\"attached\"} 3",
            "smsc_cells 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
        assert!(!text.contains("_total_total"));
    }
}
