//! The `handset-sim` binary: the client commands against a running server
//! (wait-code success, timeout and nothing listening; inbox, send, power),
//! and `serve` with its ready line and a clean SIGTERM.

mod common;

use std::process::{Output, Stdio};

use common::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use wire::air::AirFrame;

const BIN: &str = env!("CARGO_BIN_EXE_handset-sim");

async fn run(args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("RUST_LOG", "warn").kill_on_drop(true);
    within("the CLI to finish", cmd.output())
        .await
        .expect("run handset-sim")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn wait_code_prints_the_code_or_times_out_with_exit_2() {
    let (sim, _switch, mut conn) = connected().await;
    let api = sim.base.clone();
    let timeout = run(&["--api", &api, "wait-code", ALICE, "--timeout", "0.3"]).await;
    assert_eq!(
        timeout.status.code(),
        Some(2),
        "stderr: {}",
        text(&timeout.stderr)
    );
    assert!(text(&timeout.stdout).is_empty());
    assert!(text(&timeout.stderr).contains("timed out") && text(&timeout.stderr).contains(ALICE));

    let waiting = tokio::spawn({
        let api = api.clone();
        async move {
            run(&[
                "--api",
                &api,
                "wait-code",
                &format!("+{ALICE}"),
                "--timeout",
                "10",
            ])
            .await
        }
    });
    let answer = conn
        .deliver(
            1,
            ALICE,
            sms("Your ShopPay code is 246810. Amount GBP 12.50"),
        )
        .await;
    assert_eq!(answer, AirFrame::DeliverAck { reference: 1 });
    let found = within("wait-code", waiting).await.expect("task");
    assert_eq!(
        found.status.code(),
        Some(0),
        "stderr: {}",
        text(&found.stderr)
    );
    assert_eq!(text(&found.stdout), "246810\n");
    sim.stop().await;
}

#[tokio::test]
async fn client_commands_explain_when_nothing_listens() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let api = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let out = run(&["--api", &api, "wait-code", ALICE, "--timeout", "1"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot reach handset-sim") && stderr.contains(&api),
        "{stderr}"
    );
    let out = run(&["--api", &api, "inbox", "not-a-number"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not an MSISDN"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn inbox_send_and_power_commands() {
    let (sim, _switch, mut conn) = connected().await;
    let api = sim.base.clone();
    conn.deliver(1, ALICE, sms("验证码：123456")).await;
    let out = run(&["--api", &api, "inbox", ALICE]).await;
    assert_eq!(text(&out.stdout), "1\tShopPay\t123456\t验证码：123456\n");
    let out = run(&["--api", &api, "inbox", ALICE, "--json"]).await;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json[0]["code"], "123456");

    let sending = tokio::spawn({
        let api = api.clone();
        async move { run(&["--api", &api, "send", ALICE, "--to", "+447700900999", "YES"]).await }
    });
    let AirFrame::Submit { reference, .. } = conn.recv().await else {
        panic!("Submit")
    };
    let out = within("send", sending).await.expect("task");
    assert_eq!(text(&out.stdout), format!("{reference}\n"));

    let out = run(&["--api", &api, "power", ALICE, "off"]).await;
    assert_eq!(text(&out.stdout), format!("{ALICE}: power off, detached\n"));
    assert_eq!(
        conn.recv().await,
        AirFrame::Detach {
            msisdn: ALICE.parse().expect("msisdn")
        }
    );
    let out = run(&["--api", &api, "send", ALICE, "--to", "12345", "YES"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("409") && text(&out.stderr).contains("switched off"));
    sim.stop().await;
}

#[tokio::test]
async fn serve_prints_the_ready_line_and_detaches_on_sigterm() {
    let switch = FakeSwitch::bind().await;
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/handset-sim.toml");
    let air = switch.addr().to_string();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--config",
            fixture,
            "--air",
            &air,
            "--http-listen",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let line = within("the ready line", BufReader::new(stdout).lines().next_line())
        .await
        .expect("read")
        .expect("a line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("JSON ready line");
    assert_eq!(ready["cell"], "cell-1");
    let http = ready["http"].as_str().expect("http address");
    assert!(
        http.starts_with("127.0.0.1:") && !http.ends_with(":0"),
        "{http}"
    );

    let mut conn = hello_from_cell_1(&switch).await;
    conn.attach(&[
        "447700900101",
        "447700900102",
        "447700900103",
        "447700900104",
        "8613800138000",
    ])
    .await;
    let health = within("health", reqwest::get(format!("http://{http}/health")))
        .await
        .expect("GET");
    let health: serde_json::Value = health.json().await.expect("JSON");
    assert_eq!(health["status"], "ok");

    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill");
    assert!(killed.success());
    let mut detached = 0;
    while let Some(frame) = conn.recv_or_closed().await {
        assert!(
            matches!(frame, AirFrame::Detach { .. } | AirFrame::Heartbeat { .. }),
            "{frame:?}"
        );
        detached += usize::from(matches!(frame, AirFrame::Detach { .. }));
    }
    assert_eq!(detached, 5);
    let status = within("exit", child.wait()).await.expect("wait");
    assert!(status.success(), "{status}");
}

/// The handshake with the fixture's cell, "cell-1" (not the harness's "test-cell").
async fn hello_from_cell_1(switch: &FakeSwitch) -> SwitchConn {
    let mut conn = switch.accept_raw().await;
    match conn.recv().await {
        AirFrame::Hello { cell } => assert_eq!(cell, "cell-1"),
        other => panic!("expected Hello, got {other:?}"),
    }
    conn.send(AirFrame::HelloAck { heartbeat_secs: 0 }).await;
    conn
}
