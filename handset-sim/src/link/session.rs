//! One connection to the switch: [`connect`] (TCP, `Hello`, wait for
//! `HelloAck`) and [`serve`] (the connected loop).
//!
//! [`serve`] starts a link epoch ([`Cell::link_up`]) and sends its attaches,
//! then selects over: frames from the switch (answered through
//! [`super::dispatch`]), frames queued by the API for this epoch, a
//! one-second housekeeping tick (MO timeouts, heartbeats: a `Heartbeat`
//! every `heartbeat_secs` the switch asked for, and the link declared dead
//! after three intervals without any frame), and shutdown.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::codec::Framed;
use tokio_util::sync::CancellationToken;
use wire::air::{AirCodec, AirFrame, AirInbound};

use super::LinkSettings;
use crate::cell::{Cell, LinkQueue};

type Conn = Framed<TcpStream, AirCodec>;

/// A connection past the handshake.
pub struct Connected {
    conn: Conn,
    heartbeat: Option<Duration>,
}

/// How [`serve`] ended.
#[derive(Debug)]
pub enum End {
    Shutdown,
    Lost(String),
}

/// How long a clean close may take at shutdown.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Heartbeat intervals without a frame before the link is declared dead.
const DEAD_AFTER: u32 = 3;

pub async fn connect(cell: &Cell, settings: &LinkSettings) -> Result<Connected, String> {
    let stream = TcpStream::connect(&settings.air)
        .await
        .map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let mut conn = Framed::new(stream, AirCodec::new(settings.max_frame_len));
    let hello = AirFrame::Hello {
        cell: cell.id().to_owned(),
    };
    conn.send(hello).await.map_err(|e| e.to_string())?;
    loop {
        let frame = match conn.next().await {
            None => return Err("the switch closed the connection during the handshake".into()),
            Some(Err(e)) => return Err(e.to_string()),
            Some(Ok(AirInbound::Malformed(e))) => {
                return Err(format!("bad frame during the handshake: {e}"));
            }
            Some(Ok(AirInbound::Frame(f))) => f,
        };
        match frame {
            AirFrame::HelloAck { heartbeat_secs } => {
                let heartbeat =
                    (heartbeat_secs > 0).then(|| Duration::from_secs(heartbeat_secs.into()));
                return Ok(Connected { conn, heartbeat });
            }
            AirFrame::Error { code, message } => {
                return Err(format!("the switch refused the hello: {code}: {message}"));
            }
            AirFrame::Heartbeat { nonce } => {
                let ack = AirFrame::HeartbeatAck { nonce };
                conn.send(ack).await.map_err(|e| e.to_string())?;
            }
            other => tracing::debug!(frame = other.name(), "frame before HelloAck ignored"),
        }
    }
}

async fn send_all(conn: &mut Conn, frames: Vec<AirFrame>) -> Result<(), String> {
    for f in frames {
        conn.feed(f)
            .await
            .map_err(|e| format!("write failed: {e}"))?;
    }
    SinkExt::<AirFrame>::flush(conn)
        .await
        .map_err(|e| format!("write failed: {e}"))
}

/// Serves a connected link until it drops or `shutdown`.
pub async fn serve(
    cell: &Cell,
    connected: Connected,
    queue: &mut LinkQueue,
    shutdown: &CancellationToken,
) -> End {
    let Connected {
        mut conn,
        heartbeat,
    } = connected;
    let (epoch, attaches) = cell.link_up();
    if let Err(e) = send_all(&mut conn, attaches).await {
        return End::Lost(e);
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let (mut last_heard, mut last_beat, mut nonce) = (Instant::now(), Instant::now(), 0u32);
    loop {
        let out = tokio::select! {
            _ = shutdown.cancelled() => {
                let detaches = cell.shutdown_frames();
                let closed = async {
                    send_all(&mut conn, detaches).await?;
                    SinkExt::<AirFrame>::close(&mut conn).await.map_err(|e| e.to_string())
                };
                if let Err(e) = tokio::time::timeout(CLOSE_TIMEOUT, closed).await.unwrap_or_else(|_| Err("timed out".into())) {
                    tracing::warn!(error = e, "air link not closed cleanly");
                }
                cell.link_down("the cell is shutting down");
                return End::Shutdown;
            }
            Some(queued) = queue.recv() => match queued.epoch == epoch {
                true => vec![queued.frame],
                false => continue,
            },
            item = conn.next() => match item {
                None => return End::Lost("the switch closed the connection".into()),
                Some(Err(e)) => return End::Lost(format!("read failed: {e}")),
                Some(Ok(inbound)) => {
                    last_heard = Instant::now();
                    super::dispatch::answer(cell, inbound).into_iter().collect()
                }
            },
            now = tick.tick() => {
                cell.sweep(now);
                let Some(interval) = heartbeat else { continue };
                if now.duration_since(last_heard) >= interval * DEAD_AFTER {
                    return End::Lost(format!(
                        "no frame from the switch for {}s", (interval * DEAD_AFTER).as_secs()
                    ));
                }
                if now.duration_since(last_beat) < interval {
                    continue;
                }
                last_beat = now;
                nonce = nonce.wrapping_add(1);
                vec![AirFrame::Heartbeat { nonce }]
            }
        };
        if let Err(e) = send_all(&mut conn, out).await {
            return End::Lost(e);
        }
    }
}
