//! Headless Chromium over WebDriver for the browser tests: [`browser`]
//! starts chromedriver on a free port and opens a session (None when
//! SWITCHBOARD_SKIP_BROWSER is set); [`shot`] saves a screenshot to
//! `target/browser-screenshots/`. Include with
//! `#[path = "common/browser.rs"] mod browser;`.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub async fn browser() -> Option<(Driver, Client)> {
    if std::env::var_os("SWITCHBOARD_SKIP_BROWSER").is_some() {
        eprintln!("skipped: SWITCHBOARD_SKIP_BROWSER is set");
        return None;
    }
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs (scripts/test.sh installs chromium and chromium-driver)");
    let driver = Driver(child);
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    tokio::time::timeout(Duration::from_secs(20), async {
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("chromedriver listens within 20 s");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"] }),
    );
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&format!("http://{addr}"))
        .await
        .expect("a Chromium session");
    Some((driver, client))
}

pub fn shots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

pub async fn shot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let path = shots().join(format!("{name}.png"));
        let _ = std::fs::write(&path, png);
    }
}
