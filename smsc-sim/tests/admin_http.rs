//! The admin HTTP API on a real server over loopback: subscribers and fault
//! rules change what SMPP traffic sees, messages submitted over SMPP are
//! found by search, injected MO messages arrive as deliver_sm, and /metrics
//! is valid Prometheus text; the handset views: a roaming subscriber and
//! the connected cells. HTTP is spoken by hand (HTTP/1.1,
//! `Connection: close`) so the test depends on no client library.

mod common;

use common::cell::*;
use common::http::*;
use common::*;
use serde_json::json;
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};

/// An account that receives MO messages sent to the short code 12345.
const MO_ACCOUNT: &str = r#"
[[accounts]]
system_id = "shortcd"
password = "sc-pw"
address_range = "12345"
"#;

/// The receipt's `stat:` word from a deliver_sm.
fn receipt_stat(c: &Command) -> String {
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        panic!("expected deliver_sm, got {c:?}")
    };
    let text = std::str::from_utf8(d.short_message().as_ref()).expect("ASCII receipt");
    wire::receipt::Receipt::parse(text)
        .expect("receipt parses")
        .stat
}

#[tokio::test]
async fn health_and_unknown_routes_answer_json() {
    let srv = Server::start("", None).await;
    let r = get(srv.http, "/health").await;
    assert_eq!((r.status, r.json()), (200, json!({ "status": "ok" })));
    assert!(
        get(srv.http, "/api/nothing")
            .await
            .error(404)
            .contains("/api/nothing")
    );
    assert!(
        http(srv.http, "POST", "/health", Some("{}"))
            .await
            .error(405)
            .contains("POST")
    );
    // Over the body limit: refused before any handler parses it.
    let big = format!("[{}]", vec!["{}"; 40_000].join(","));
    assert!(
        http(srv.http, "PUT", "/api/faults", Some(&big))
            .await
            .error(413)
            .contains("exceeds")
    );
    srv.stop().await;
}

#[tokio::test]
async fn subscribers_crud_changes_what_the_switch_does() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let number = "447700900777";

    let put = http(
        srv.http,
        "PUT",
        &format!("/api/subscribers/+{number}"),
        Some(r#"{"profile":"unknown"}"#),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        put.json(),
        json!({ "number": number, "prefix": false, "profile": "unknown" })
    );
    let list = get(srv.http, "/api/subscribers").await.json();
    let entries = list.as_array().expect("an array");
    assert!(
        entries
            .iter()
            .any(|e| e["number"] == number && e["profile"] == "unknown"),
        "{list}"
    );
    // From the config file, still there.
    assert!(
        entries.iter().any(|e| e["number"] == "447700900666"),
        "{list}"
    );

    // The switch now finds the number unknown.
    let id = message_id(&p.request(submit(number, "code 1", 1)).await);
    assert_eq!(receipt_stat(&p.next_deliver().await), "UNDELIV");
    let m = get(srv.http, &format!("/api/messages/{id}")).await.json();
    assert_eq!(
        (m["state"].as_str(), m["error_code"].as_u64()),
        (Some("UNDELIVERABLE"), Some(1)),
        "{m}"
    );

    // A prefix entry with the auto profile covers it once the exact entry is gone.
    let put = http(
        srv.http,
        "PUT",
        "/api/subscribers/4477009007",
        Some(r#"{"profile":"auto","delay_ms":0,"prefix":true}"#),
    )
    .await;
    assert_eq!(
        put.json(),
        json!({ "number": "4477009007", "prefix": true, "profile": "auto", "delay_ms": 0 })
    );
    assert_eq!(
        http(
            srv.http,
            "DELETE",
            &format!("/api/subscribers/{number}"),
            None
        )
        .await
        .status,
        204
    );
    assert!(
        http(
            srv.http,
            "DELETE",
            &format!("/api/subscribers/{number}"),
            None
        )
        .await
        .error(404)
        .contains(number)
    );
    message_id(&p.request(submit(number, "code 2", 1)).await);
    assert_eq!(receipt_stat(&p.next_deliver().await), "DELIVRD");

    // Mistakes are explained.
    let bad = |path: &'static str, body: &'static str| http(srv.http, "PUT", path, Some(body));
    assert!(
        bad("/api/subscribers/44", r#"{"profile":"auto"}"#)
            .await
            .error(400)
            .contains("delay_ms")
    );
    assert!(
        bad("/api/subscribers/44x", r#"{"profile":"unknown"}"#)
            .await
            .error(400)
            .contains("digits")
    );
    assert!(
        bad("/api/subscribers/44", r#"{"profile":"sleepy"}"#)
            .await
            .error(400)
            .contains("unknown variant")
    );
    assert!(
        bad("/api/subscribers/44", "{")
            .await
            .error(400)
            .contains("invalid JSON")
    );
    // Closing the connection first spares the shutdown's unbind drain wait.
    drop(p);
    srv.stop().await;
}

#[tokio::test]
async fn fault_rules_crud_changes_submit_answers() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    assert_eq!(get(srv.http, "/api/faults").await.json(), json!([]));

    let rule = r#"{"destination":"4477009002*","action":{"reject":"ESME_RSUBMITFAIL"}}"#;
    let added = http(srv.http, "POST", "/api/faults", Some(rule)).await;
    assert_eq!((added.status, added.json()), (201, json!({ "id": 1 })));
    let rules = get(srv.http, "/api/faults").await.json();
    assert_eq!(rules[0]["id"], 1);
    assert_eq!(rules[0]["destination"], "4477009002*");
    assert_eq!(rules[0]["action"], json!({ "reject": "ESME_RSUBMITFAIL" }));
    assert_eq!(
        p.request(submit("447700900200", "x", 0)).await.status(),
        CommandStatus::EsmeRsubmitfail
    );
    assert_eq!(
        p.request(submit("447700900100", "x", 0)).await.status(),
        CommandStatus::EsmeRok
    );

    assert_eq!(
        http(srv.http, "DELETE", "/api/faults/1", None).await.status,
        204
    );
    assert!(
        http(srv.http, "DELETE", "/api/faults/1", None)
            .await
            .error(404)
            .contains('1')
    );
    assert_eq!(
        p.request(submit("447700900200", "x", 0)).await.status(),
        CommandStatus::EsmeRok
    );

    let all =
        r#"[{"action":{"throttle":true}},{"account":"gateway","action":{"receipt_drop":true}}]"#;
    let replaced = http(srv.http, "PUT", "/api/faults", Some(all)).await;
    assert_eq!(
        (replaced.status, replaced.json()),
        (200, json!({ "ids": [2, 3] }))
    );
    assert_eq!(
        p.request(submit("447700900100", "x", 0)).await.status(),
        CommandStatus::EsmeRthrottled
    );
    assert_eq!(
        http(srv.http, "PUT", "/api/faults", Some("[]"))
            .await
            .json(),
        json!({ "ids": [] })
    );
    assert_eq!(
        p.request(submit("447700900100", "x", 0)).await.status(),
        CommandStatus::EsmeRok
    );

    // serde's own message for a bad rule; our own for an unknown account.
    let bad = |body: &'static str| http(srv.http, "POST", "/api/faults", Some(body));
    assert!(
        bad(r#"{"action":{"explode":true}}"#)
            .await
            .error(400)
            .contains("unknown variant `explode`")
    );
    assert!(
        bad(r#"{"action":{"reject":"ESME_ROK"}}"#)
            .await
            .error(400)
            .contains("ESME_ROK")
    );
    assert!(
        bad(r#"{"account":"nobody","action":{"throttle":true}}"#)
            .await
            .error(400)
            .contains("\"nobody\"")
    );
    assert!(
        http(srv.http, "DELETE", "/api/faults/abc", None)
            .await
            .error(400)
            .contains("abc")
    );
    assert_eq!(get(srv.http, "/api/faults").await.json(), json!([]));
    // Closing the connection first spares the shutdown's unbind drain wait.
    drop(p);
    srv.stop().await;
}

#[tokio::test]
async fn submitted_messages_are_found_by_id_number_state_and_account() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let first = message_id(
        &p.request(submit("447700900123", "Your code is 123456", 1))
            .await,
    );
    let second = message_id(
        &p.request(submit("447700900124", "Your code is 654321", 1))
            .await,
    );
    for _ in 0..2 {
        assert_eq!(receipt_stat(&p.next_deliver().await), "DELIVRD");
    }

    let found = get(srv.http, "/api/messages?number=447700900123")
        .await
        .json();
    let found = found.as_array().expect("an array");
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(m["id"], first.as_str());
    assert_eq!(
        (m["account"].as_str(), m["state"].as_str()),
        (Some("gateway"), Some("DELIVERED"))
    );
    assert_eq!(m["source"], json!({ "ton": 5, "npi": 0, "addr": "MyBank" }));
    assert_eq!(m["dest"]["addr"], "447700900123");
    assert_eq!(m["text"], "Your code is 123456");
    assert_eq!(m["payload_hex"], hex(b"Your code is 123456"));
    assert_eq!(m["data_coding"], 0);
    assert!(m["done_at"].as_i64() >= m["submitted_at"].as_i64(), "{m}");
    // A '+' (sent as %2B) finds the number stored without one.
    assert_eq!(
        get(srv.http, "/api/messages?number=%2B447700900123")
            .await
            .json()[0]["id"],
        first.as_str()
    );

    let by_state = get(srv.http, "/api/messages?state=DELIVRD&account=gateway")
        .await
        .json();
    let ids: Vec<&str> = by_state
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, [second.as_str(), first.as_str()], "newest first");
    assert_eq!(
        get(srv.http, "/api/messages?state=delivered&limit=1")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        get(srv.http, "/api/messages?state=ENROUTE").await.json(),
        json!([])
    );
    assert_eq!(
        get(srv.http, &format!("/api/messages?id={second}"))
            .await
            .json()[0]["dest"]["addr"],
        "447700900124"
    );
    assert_eq!(
        get(srv.http, &format!("/api/messages/{first}"))
            .await
            .json()["id"],
        first.as_str()
    );

    assert!(
        get(srv.http, "/api/messages?state=LOST")
            .await
            .error(400)
            .contains("\"LOST\"")
    );
    assert!(
        get(srv.http, "/api/messages?limit=0")
            .await
            .error(400)
            .contains("limit")
    );
    assert!(
        get(srv.http, "/api/messages?limit=many")
            .await
            .error(400)
            .contains("limit")
    );
    assert!(
        get(srv.http, "/api/messages?colour=red")
            .await
            .error(400)
            .contains("colour")
    );
    assert!(
        get(srv.http, "/api/messages/no-such-id")
            .await
            .error(404)
            .contains("no-such-id")
    );
    // Closing the connection first spares the shutdown's unbind drain wait.
    drop(p);
    srv.stop().await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn injected_mo_arrives_as_deliver_sm_on_the_routed_account() {
    let srv = Server::start(MO_ACCOUNT, None).await;
    let mut p = Peer::bound(srv.smpp, "shortcd", "sc-pw").await;
    let body = r#"{"from":"+447700900123","to":"12345","text":"STOP"}"#;
    let r = http(srv.http, "POST", "/api/mo", Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.body);
    let accepted = r.json();
    assert_eq!(accepted["account"], "shortcd");
    let id = accepted["id"].as_str().expect("an id").to_owned();

    let c = p.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        unreachable!("next_deliver returns deliver_sm")
    };
    assert_eq!(u8::from(d.esm_class), 0x00);
    assert_eq!(
        (u8::from(d.source_addr_ton), d.source_addr.as_str()),
        (1, "447700900123")
    );
    assert_eq!(d.destination_addr.as_str(), "12345");
    assert_eq!(
        (u8::from(d.data_coding), d.short_message().as_ref()),
        (0x00, &b"STOP"[..])
    );
    // The session records the MO when it reads our deliver_sm_resp, before it
    // reads the next PDU: an enquire_link round trip orders the check after it.
    p.request(Pdu::EnquireLink).await;
    let m = get(srv.http, &format!("/api/messages/{id}")).await.json();
    assert_eq!(
        (
            m["state"].as_str(),
            m["account"].as_str(),
            m["text"].as_str()
        ),
        (Some("DELIVERED"), Some("shortcd"), Some("STOP"))
    );
    assert_eq!(
        get(srv.http, "/api/stats").await.json()["counters"]["mo_sent"],
        1
    );

    // Text outside GSM-7 goes as UCS-2.
    let r = http(
        srv.http,
        "POST",
        "/api/mo",
        Some(r#"{"from":"447700900123","to":"12345","text":"Да"}"#),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let c = p.next_deliver().await;
    let Some(Pdu::DeliverSm(d)) = c.pdu() else {
        unreachable!("next_deliver returns deliver_sm")
    };
    assert_eq!(
        (u8::from(d.data_coding), d.short_message().as_ref()),
        (0x08, &[0x04, 0x14, 0x04, 0x30][..])
    );

    let mo = |body: String| async move { http(srv.http, "POST", "/api/mo", Some(&body)).await };
    let to = |to: &str, text: &str| {
        json!({ "from": "447700900123", "to": to, "text": text }).to_string()
    };
    assert!(mo(to("99999", "hi")).await.error(404).contains("99999"));
    assert!(
        mo(to("12345", &"x".repeat(161)))
            .await
            .error(400)
            .contains("161 septets")
    );
    assert!(mo(to("", "hi")).await.error(400).contains("to"));
    assert!(
        mo(r#"{"from":"1","to":"12345"}"#.into())
            .await
            .error(400)
            .contains("missing field `text`")
    );
    // Closing the connection first spares the shutdown's unbind drain wait.
    drop(p);
    srv.stop().await;
}

#[tokio::test]
async fn stats_and_metrics_agree_with_the_traffic() {
    let srv = Server::start("", None).await;
    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    message_id(&p.request(submit("447700900123", "hello", 1)).await);
    assert_eq!(receipt_stat(&p.next_deliver().await), "DELIVRD");
    message_id(&p.request(submit("447700900666", "hello", 1)).await);
    assert_eq!(receipt_stat(&p.next_deliver().await), "UNDELIV");

    let stats = get(srv.http, "/api/stats").await.json();
    assert_eq!(stats["counters"]["submitted"], 2, "{stats}");
    assert_eq!(stats["counters"]["binds_total"], 1, "{stats}");
    assert_eq!(stats["messages"]["DELIVERED"], 1, "{stats}");
    assert_eq!(stats["messages"]["UNDELIVERABLE"], 1, "{stats}");
    assert_eq!(stats["messages"]["ENROUTE"], 0, "{stats}");
    assert_eq!(stats["sessions_open"], 1, "{stats}");
    let gateway = stats["accounts"]
        .as_array()
        .expect("array")
        .iter()
        .find(|a| a["system_id"] == "gateway")
        .cloned();
    assert_eq!(
        gateway,
        Some(
            json!({ "system_id": "gateway", "bound_sessions": 1, "bound_receivers": 1, "outbox": 0 })
        )
    );

    let m = get(srv.http, "/metrics").await;
    assert_eq!(m.status, 200);
    assert!(
        m.content_type.starts_with("text/plain; version=0.0.4"),
        "{}",
        m.content_type
    );
    for line in [
        "# TYPE smsc_submitted_total counter",
        "smsc_submitted_total 2",
        "smsc_binds_total 1",
        "# TYPE smsc_messages gauge",
        "smsc_messages{state=\"DELIVERED\"} 1",
        "smsc_messages{state=\"UNDELIVERABLE\"} 1",
        "smsc_sessions_open 1",
        "smsc_account_bound_sessions{account=\"gateway\"} 1",
    ] {
        assert!(
            m.body.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            m.body
        );
    }
    // Every sample belongs to a metric declared with HELP and TYPE before it.
    let mut declared = Vec::new();
    for line in m.body.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            declared.push(rest.split(' ').next().expect("name").to_owned());
        } else if !line.starts_with("# HELP ") {
            let (series, value) = line.rsplit_once(' ').expect("sample line");
            let name = series.split('{').next().expect("name");
            assert!(declared.iter().any(|d| d == name), "undeclared {name}");
            value
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("bad value in {line:?}"));
        }
    }
    // Closing the connection first spares the shutdown's unbind drain wait.
    drop(p);
    srv.stop().await;
}

#[tokio::test]
async fn a_roaming_handset_still_gets_its_messages_and_cells_are_listed() {
    let srv = Server::start(HANDSETS, None).await;
    assert_eq!(get(srv.http, "/api/cells").await.json(), json!([]));
    let mut cell = Cell::connect(srv.air).await;
    cell.attach(ALICE, ALICE_IMSI).await;
    let cells = get(srv.http, "/api/cells").await.json();
    let listed = cells.as_array().expect("an array");
    assert_eq!(listed.len(), 1, "{cells}");
    assert_eq!(listed[0]["name"], "test-cell", "{cells}");
    assert!(listed[0]["link"].is_u64(), "{cells}");
    // The handset names the same cell connection it attached through.
    let alice = handset(&srv, ALICE).await;
    assert_eq!(alice["cell"], listed[0], "{alice}");
    assert_eq!(get(srv.http, "/api/stats").await.json()["cells"], 1);

    let path = format!("/api/handsets/{ALICE}");
    let r = http(srv.http, "PATCH", &path, Some(r#"{"roaming":true}"#)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let patched = r.json();
    assert_eq!(
        (patched["state"].as_str(), patched["roaming"].as_bool()),
        (Some("roaming"), Some(true))
    );
    assert_eq!(handset(&srv, ALICE).await["state"], "roaming");
    assert_eq!(
        get(srv.http, "/api/stats").await.json()["handsets"]["roaming"],
        1
    );

    let mut p = Peer::bound(srv.smpp, "gateway", "gw-pw").await;
    let id = message_id(&p.request(submit(ALICE, "abroad 515151", 1)).await);
    let (reference, msisdn, d) = cell.deliver().await;
    assert_eq!(
        (msisdn.as_str(), text(&d).as_str()),
        (ALICE, "abroad 515151")
    );
    cell.send(wire::air::AirFrame::DeliverAck { reference })
        .await;
    assert_eq!(receipt_stat(&p.next_deliver().await), "DELIVRD");
    assert_eq!(
        get(srv.http, &format!("/api/messages/{id}")).await.json()["state"],
        "DELIVERED"
    );
    assert_eq!(
        handset(&srv, ALICE).await["state"],
        "roaming",
        "still roaming"
    );

    let r = http(srv.http, "PATCH", &path, Some(r#"{"roaming":false}"#)).await;
    assert_eq!(r.json()["state"], "attached");
    // A cell that goes away leaves the list and detaches its handsets.
    drop(cell);
    tokio::time::timeout(STEP, async {
        while get(srv.http, "/api/cells").await.json() != json!([]) {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the closed cell leaves /api/cells");
    assert_eq!(handset(&srv, ALICE).await["state"], "detached");
    drop(p);
    srv.stop().await;
}
