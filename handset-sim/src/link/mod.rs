//! The air link to the switch: one TCP connection for the whole cell.
//!
//! [`run`] is the link task: connect and say `Hello` ([`session::connect`],
//! bounded by the handshake timeout), then serve the connection
//! ([`session::serve`]: attach every terminal, answer the switch's frames,
//! forward queued frames, heartbeat) until it drops; then mark the link
//! down, wait a jittered exponential [`backoff::Backoff`] and start over.
//! Shutdown (the token) detaches every terminal and closes the connection.

pub mod backoff;
pub mod dispatch;
pub mod session;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::cell::{Cell, LinkQueue};
use crate::config::CellConfig;
use backoff::Backoff;
use session::End;

/// What the link task needs from `[cell]`.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    pub air: String,
    pub handshake_timeout: Duration,
    pub reconnect_initial: Duration,
    pub reconnect_max: Duration,
    pub max_frame_len: usize,
}

impl From<&CellConfig> for LinkSettings {
    fn from(c: &CellConfig) -> Self {
        Self {
            air: c.air.clone(),
            handshake_timeout: c.handshake_timeout,
            reconnect_initial: c.reconnect_initial,
            reconnect_max: c.reconnect_max,
            max_frame_len: c.max_frame_len as usize,
        }
    }
}

/// Keeps the cell connected to the switch until `shutdown`.
pub async fn run(
    cell: Arc<Cell>,
    mut queue: LinkQueue,
    settings: LinkSettings,
    shutdown: CancellationToken,
) {
    let mut backoff = Backoff::new(settings.reconnect_initial, settings.reconnect_max);
    loop {
        let attempt = tokio::select! {
            _ = shutdown.cancelled() => return,
            r = tokio::time::timeout(settings.handshake_timeout, session::connect(&cell, &settings)) => r,
        };
        let failure = match attempt {
            Err(_) => format!(
                "no HelloAck from {} within {}s",
                settings.air,
                settings.handshake_timeout.as_secs_f32()
            ),
            Ok(Err(e)) => format!("cannot connect to {}: {e}", settings.air),
            Ok(Ok(connected)) => {
                backoff.reset();
                tracing::info!(air = settings.air, cell = cell.id(), "air link up");
                match session::serve(&cell, connected, &mut queue, &shutdown).await {
                    End::Shutdown => return,
                    End::Lost(reason) => reason,
                }
            }
        };
        cell.link_down(&failure);
        // Frames made for the lost connection; the next one re-attaches afresh.
        while queue.try_recv().is_ok() {}
        let delay = backoff.next_delay();
        tracing::warn!(
            air = settings.air,
            failure,
            retry_in_ms = delay.as_millis() as u64,
            "air link down"
        );
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}
