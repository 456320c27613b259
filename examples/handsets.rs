//! Measures the switch and handsets: latency from submit_sm to the text
//! being in the handset's inbox, and how many terminals one handset-sim cell
//! holds with its memory.
//!
//! ```text
//! cargo build --release -p smsc-sim -p handset-sim
//! cargo run --release --example handsets -- [MESSAGES] [TERMINALS]
//! ```
//!
//! Latency (default 2000 messages): the fixture stack in this process, one
//! ESME, one message at a time to Alice's phone; each sample runs from
//! sending submit_sm to handset-sim's `next-message` long poll answering
//! with the message (so it includes SMPP, the store, the switch, the air
//! link, the TPDU decode, the inbox and one local HTTP answer).
//!
//! Scale (default 10 000 terminals): smsc-sim and handset-sim as separate
//! release processes; handset-sim is started with TERMINALS terminals in its
//! config; reports the time until the switch counts all of them attached
//! and handset-sim's resident memory before (no terminals) and after.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn latency(messages: usize) -> anyhow::Result<()> {
    use switchboard::{Stack, StackConfig};
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let stack = Stack::start(StackConfig::from_fixtures(&fixtures)?.on_free_ports()).await?;
    let api = stack.handsets_api();
    let http = reqwest::Client::new();
    let alice = "447700900101";
    http.post(format!("{api}/api/terminals/{alice}/capacity"))
        .json(&serde_json::json!({ "capacity": messages + 10 }))
        .send()
        .await?
        .error_for_status()?;
    let (esme, mut events) = wire::esme::Esme::connect(wire::esme::EsmeConfig::new(
        stack.smpp.to_string(),
        "tester",
        "test-pw",
    ))
    .await?;
    // Receipts must be read or the client stops reading from the SMSC.
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    let mut samples = Vec::with_capacity(messages);
    let mut after = 0u64;
    for i in 0..messages {
        let text = format!("Your code is {:06} for 12.50 EUR", i % 1_000_000);
        let sm = wire_submit(alice, &text)?;
        let t0 = Instant::now();
        esme.submit_sm(sm).await?;
        let m: serde_json::Value = http
            .get(format!("{api}/api/terminals/{alice}/next-message"))
            .query(&[("timeout", "10"), ("after", &after.to_string())])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        samples.push(t0.elapsed());
        after = m["id"].as_u64().context("message id")?;
        if m["text"] != text.as_str() {
            bail!("inbox got {:?}, expected {text:?}", m["text"]);
        }
    }
    samples.sort();
    println!(
        "submit_sm -> inbox, {messages} messages one at a time: p50 {:?}  p99 {:?}  max {:?}",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
    stack.stop().await
}

fn wire_submit(dest: &str, text: &str) -> anyhow::Result<wire::smpp::rusmpp::pdus::SubmitSm> {
    use wire::smpp::rusmpp::types::{COctetString, OctetString};
    use wire::smpp::rusmpp::values::{Npi, RegisteredDelivery, Ton};
    let s = |v: &str| COctetString::from_string(v.to_owned());
    Ok(wire::smpp::rusmpp::pdus::SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(s("ShopPay").map_err(|e| anyhow::anyhow!("{e:?}"))?)
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(s(dest).map_err(|e| anyhow::anyhow!("{e:?}"))?)
        .esm_class(wire::smpp::esm::esm_class(wire::smpp::esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(1))
        .short_message(
            OctetString::from_slice(&wire::text::gsm7::encode(text)?)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        )
        .build())
}

fn binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|p| p.parent())
        .context("target dir")?;
    let path = dir.join(name);
    if !path.exists() {
        bail!(
            "{} not found: run `cargo build --release -p smsc-sim -p handset-sim` first",
            path.display()
        );
    }
    Ok(path)
}

/// Start a server binary and read its JSON ready line.
fn start(cmd: &mut Command) -> anyhow::Result<(Kill, serde_json::Value)> {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let child = Kill(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    Ok((child, serde_json::from_str(&line).context("ready line")?))
}

fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .context("VmRSS")
}

async fn scale(terminals: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("switchboard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let smsc_conf = dir.join("smsc.toml");
    std::fs::write(
        &smsc_conf,
        "[[accounts]]\nsystem_id = \"gateway\"\npassword = \"gw-pw\"\n",
    )?;
    let (_smsc, ready) = start(Command::new(binary("smsc-sim")?).args([
        "serve",
        "--config",
        smsc_conf.to_str().context("path")?,
        "--memory",
        "--smpp-listen",
        "127.0.0.1:0",
        "--http-listen",
        "127.0.0.1:0",
        "--air-listen",
        "127.0.0.1:0",
    ]))?;
    let air = ready["air"].as_str().context("air")?.to_owned();
    let smsc_http = ready["http"].as_str().context("http")?.to_owned();
    let empty = dir.join("cell-empty.toml");
    std::fs::write(&empty, "[cell]\nid = \"empty\"\n")?;
    let handset_sim = binary("handset-sim")?;
    let args = |conf: &PathBuf| {
        let mut c = Command::new(&handset_sim);
        c.args(["serve", "--config"]).arg(conf).args([
            "--air",
            &air,
            "--http-listen",
            "127.0.0.1:0",
        ]);
        c
    };
    let (base, _) = start(&mut args(&empty))?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let base_kib = rss_kib(base.0.id())?;
    drop(base);

    let conf = dir.join("cell-big.toml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&conf)?);
    writeln!(f, "[cell]\nid = \"big\"")?;
    for i in 0..terminals {
        writeln!(
            f,
            "[[terminals]]\nmsisdn = \"44780{i:07}\"\nimsi = \"23415{i:010}\"\nkind = \"phone\""
        )?;
    }
    f.flush()?;
    drop(f);
    let t0 = Instant::now();
    let (big, _) = start(&mut args(&conf))?;
    let http = reqwest::Client::new();
    loop {
        let stats: serde_json::Value = http
            .get(format!("http://{smsc_http}/api/stats"))
            .send()
            .await?
            .json()
            .await?;
        if stats["handsets"]["attached"].as_u64() == Some(terminals as u64) {
            break;
        }
        if t0.elapsed() > Duration::from_secs(300) {
            bail!("not all attached after 300 s: {}", stats["handsets"]);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let attach = t0.elapsed();
    let kib = rss_kib(big.0.id())?;
    println!(
        "{terminals} terminals on one cell: all attached in {attach:?}; handset-sim RSS {} MiB \
         ({} MiB with no terminals), {:.1} KiB per terminal",
        kib / 1024,
        base_kib / 1024,
        (kib.saturating_sub(base_kib)) as f64 / terminals as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let messages: usize = args.next().map_or(Ok(2000), |a| a.parse())?;
    let terminals: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    latency(messages).await?;
    scale(terminals).await
}
