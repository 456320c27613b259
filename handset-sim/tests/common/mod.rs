//! Test harness: a fake switch speaking the air link ([`switch`]), a
//! handset-sim started in-process against it ([`Sim`]) with small HTTP
//! helpers, and SMS-DELIVER builders. Every wait is bounded by [`WAIT`].

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use handset_sim::events::Event;
use handset_sim::{Config, HandsetSim};
use serde_json::Value;
use tokio::sync::broadcast;
use wire::tpdu::{MessageClass, SmsDeliver, Timestamp, TpAddress, text_user_data};

pub mod switch;

pub use switch::{FakeSwitch, SwitchConn};

/// Upper bound of every wait in these tests.
pub const WAIT: Duration = Duration::from_secs(10);

pub const ALICE: &str = "447700900101";
pub const BOB: &str = "447700900102";
pub const PAGER: &str = "447700900103";

pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// The SMS-DELIVER TPDUs a switch would send for `text` from `from`.
pub fn deliver_tpdus(
    text: &str,
    from: TpAddress,
    reference: u8,
    class: Option<MessageClass>,
) -> Vec<Vec<u8>> {
    let (dcs, parts) = text_user_data(text, reference, class);
    parts
        .into_iter()
        .map(|user_data| {
            SmsDeliver {
                more_messages_to_send: false,
                reply_path: false,
                status_report_indication: false,
                originating_address: from.clone(),
                protocol_identifier: 0,
                dcs,
                service_centre_timestamp: Timestamp::from_offset_datetime(
                    time::OffsetDateTime::now_utc(),
                )
                .expect("now is representable"),
                user_data,
            }
            .encode()
            .expect("encodable")
        })
        .collect()
}

pub fn sms(text: &str) -> Vec<u8> {
    deliver_tpdus(text, TpAddress::alphanumeric("ShopPay"), 1, None).remove(0)
}

/// The test config: Alice and Bob (phones), a pager that starts switched
/// off, fast reconnects.
pub fn config(switch: SocketAddr) -> Config {
    let text = format!(
        r#"
[cell]
id = "test-cell"
air = "{switch}"
reconnect_initial_ms = 10
reconnect_max_ms = 50
handshake_timeout_s = 5
[http]
listen = "127.0.0.1:0"
[[terminals]]
msisdn = "{ALICE}"
imsi = "234150000000101"
kind = "phone"
label = "Alice's phone"
[[terminals]]
msisdn = "{BOB}"
imsi = "234150000000102"
kind = "phone"
capacity = 1
[[terminals]]
msisdn = "{PAGER}"
imsi = "234150000000103"
kind = "pager"
power = false
"#
    );
    Config::from_toml_str(&text).expect("test config")
}

pub struct Sim {
    pub base: String,
    pub http: reqwest::Client,
    pub events: broadcast::Receiver<Event>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Sim {
    pub async fn start(config: Config) -> Sim {
        let sim = HandsetSim::build(config).await.expect("build");
        let base = format!("http://{}", sim.http_addr());
        let events = sim.cell().events().subscribe();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(sim.run_until(async {
            let _ = stopped.await;
        }));
        Sim {
            base,
            http: reqwest::Client::new(),
            events,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            within("the server to stop", task)
                .await
                .expect("server task")
                .expect("server result");
        }
    }

    /// Waits for the first event `pick` accepts.
    pub async fn event<T>(&mut self, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
        within(what, async {
            loop {
                let e = self.events.recv().await.expect("event bus open");
                if let Some(t) = pick(&e) {
                    return t;
                }
            }
        })
        .await
    }

    /// Waits until the terminal's registration is `state`.
    pub async fn registration(&mut self, msisdn: &str, state: &str) {
        self.event(&format!("{msisdn} {state}"), |e| match e {
            Event::Terminal(t) if t.msisdn == msisdn && t.registration == state => Some(()),
            _ => None,
        })
        .await
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let response = within("an HTTP answer", req.send())
            .await
            .expect("HTTP request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(self.http.delete(format!("{}{path}", self.base)))
            .await
    }
}

/// A sim connected to a fresh fake switch, Alice and Bob attached.
pub async fn connected() -> (Sim, FakeSwitch, SwitchConn) {
    let switch = FakeSwitch::bind().await;
    let mut sim = Sim::start(config(switch.addr())).await;
    let mut conn = switch.accept(0).await;
    conn.attach(&[ALICE, BOB]).await;
    sim.registration(BOB, "attached").await;
    (sim, switch, conn)
}
