//! Quick throughput figure: one bind, a window of W outstanding submit_sm,
//! receipts on, against an in-process smsc-sim (memory or durable store).
//! `cargo run --release -p smsc-sim --example throughput -- [N] [W] [memory|durable]`
//! Prints one JSON line. The full load generator is `smsc-sim bench` (benchmarks issue).

use std::time::Instant;

use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;
use wire::smpp::rusmpp::pdus::{BindTransceiver, SubmitSm};
use wire::smpp::rusmpp::types::{COctetString, OctetString};
use wire::smpp::rusmpp::values::{InterfaceVersion, Npi, RegisteredDelivery, Ton};
use wire::smpp::rusmpp::{Command, CommandStatus, Pdu};
use wire::smpp::{FrameCodec, Inbound, esm};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(Ok(20_000), |s| s.parse())?;
    let window: usize = args.get(2).map_or(Ok(100), |s| s.parse())?;
    let durable = args.get(3).is_some_and(|s| s == "durable");
    let dir = tempfile::tempdir()?;
    let mut config = smsc_sim::Config::from_toml_str(
        "[smpp]\nlisten = \"127.0.0.1:0\"\n[http]\nlisten = \"127.0.0.1:0\"\n[air]\nlisten = \"127.0.0.1:0\"\n[hlr]\nauto_delay_ms = 0\n[[accounts]]\nsystem_id = \"bench\"\npassword = \"bench\"\nwindow = 1000\n",
    )?;
    if durable {
        config.store.data_dir = Some(dir.path().to_owned());
    } else {
        config.store.memory = true;
    }
    let smsc = smsc_sim::Smsc::build(config).await?;
    let addr = smsc.smpp_addr();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(smsc.run_until(async move {
        let _ = stop_rx.await;
    }));

    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut io = Framed::new(stream, FrameCodec::default());
    let bind = BindTransceiver::builder()
        .system_id(COctetString::from_string("bench".into())?)
        .password(COctetString::from_string("bench".into())?)
        .interface_version(InterfaceVersion::Smpp3_4)
        .build();
    io.send(Command::new(CommandStatus::EsmeRok, 1, bind))
        .await?;
    io.next().await;
    let sm = SubmitSm::builder()
        .source_addr_ton(Ton::Alphanumeric)
        .source_addr_npi(Npi::Unknown)
        .source_addr(COctetString::from_string("MyBank".into())?)
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(COctetString::from_string("447700900123".into())?)
        .esm_class(esm::esm_class(esm::DEFAULT))
        .registered_delivery(RegisteredDelivery::from(1))
        .short_message(OctetString::from_slice(
            b"Your code is 123456 for 10.00 EUR at Shop",
        )?)
        .build();
    let start = Instant::now();
    let (mut sent, mut resps, mut receipts, mut outstanding) = (0usize, 0usize, 0usize, 0usize);
    while resps < n || receipts < n {
        while sent < n && outstanding < window {
            sent += 1;
            outstanding += 1;
            io.feed(Command::new(
                CommandStatus::EsmeRok,
                sent as u32 + 1,
                sm.clone(),
            ))
            .await?;
        }
        SinkExt::<Command>::flush(&mut io).await?;
        let Some(Ok(Inbound::Command(c))) = io.next().await else {
            anyhow::bail!("connection lost")
        };
        match c.pdu() {
            Some(Pdu::SubmitSmResp(_)) => {
                resps += 1;
                outstanding -= 1;
            }
            Some(Pdu::DeliverSm(_)) => {
                receipts += 1;
                io.feed(Command::new(
                    CommandStatus::EsmeRok,
                    c.sequence_number(),
                    Pdu::DeliverSmResp(Default::default()),
                ))
                .await?;
            }
            _ => {}
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"messages": n, "window": window, "store": if durable {"durable"} else {"memory"},
            "seconds": secs, "messages_per_s": (n as f64 / secs).round()})
    );
    let _ = stop_tx.send(());
    let _ = server.await;
    Ok(())
}
