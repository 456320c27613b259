//! The switch's side of the air link: the listener cells (handset-sim
//! processes) connect to, and the registry of connected cells.
//!
//! Each accepted connection runs a [`session`] that speaks
//! [`wire::air`] frames: it answers Hello, records attaches and detaches in
//! the HLR (alerting the switch so that stored messages go out at once),
//! carries the switch's SMS-DELIVER TPDUs to terminals and their answers
//! back, and turns a handset's SMS-SUBMIT into a mobile-originated message
//! ([`mo`]). The switch reaches a cell through [`Cells`]: the HLR says which
//! link a handset attached through, and [`Cells::deliver`] sends the
//! message's TPDUs over it and resolves with the terminal's answer.

mod delivery;
mod mo;
mod session;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use wire::air::RpCause;
use wire::msisdn::Msisdn;

use crate::core::Core;
use crate::message::Message;

pub use session::serve;

/// What became of one delivery over the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AirOutcome {
    /// Every segment was acknowledged (RP-ACK).
    Delivered,
    /// The terminal answered RP-ERROR with this cause.
    Refused(RpCause),
    /// No answer within the deliver timeout.
    Timeout,
    /// The cell went away before answering.
    LinkDown,
}

pub(crate) enum CellCmd {
    Deliver {
        msisdn: Msisdn,
        /// SMS-DELIVER TPDUs, sent one after another, each after the previous ack.
        tpdus: Vec<Vec<u8>>,
        reply: oneshot::Sender<AirOutcome>,
    },
    StatusReport {
        msisdn: Msisdn,
        tpdu: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
struct CellLink {
    name: String,
    tx: mpsc::Sender<CellCmd>,
}

impl std::fmt::Debug for CellCmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CellCmd::Deliver { msisdn, tpdus, .. } => {
                write!(f, "Deliver({msisdn}, {} segments)", tpdus.len())
            }
            CellCmd::StatusReport { msisdn, .. } => write!(f, "StatusReport({msisdn})"),
        }
    }
}

/// The cells connected now, by link id.
#[derive(Debug, Default)]
pub struct Cells {
    next_link: AtomicU64,
    links: RwLock<HashMap<u64, CellLink>>,
}

impl Cells {
    fn register(&self, name: String, tx: mpsc::Sender<CellCmd>) -> u64 {
        let link = self.next_link.fetch_add(1, Ordering::Relaxed) + 1;
        self.links
            .write()
            .expect("cells lock poisoned")
            .insert(link, CellLink { name, tx });
        link
    }

    fn rename(&self, link: u64, name: String) {
        if let Some(l) = self
            .links
            .write()
            .expect("cells lock poisoned")
            .get_mut(&link)
        {
            l.name = name;
        }
    }

    fn unregister(&self, link: u64) {
        self.links
            .write()
            .expect("cells lock poisoned")
            .remove(&link);
    }

    fn get(&self, link: u64) -> Option<CellLink> {
        self.links
            .read()
            .expect("cells lock poisoned")
            .get(&link)
            .cloned()
    }

    /// Names of the connected cells with their link ids.
    pub fn list(&self) -> Vec<(u64, String)> {
        let mut v: Vec<_> = self
            .links
            .read()
            .expect("cells lock poisoned")
            .iter()
            .map(|(k, l)| (*k, l.name.clone()))
            .collect();
        v.sort();
        v
    }

    /// Send `tpdus` to `msisdn` through cell `link` and wait for the answer.
    pub async fn deliver(&self, link: u64, msisdn: Msisdn, tpdus: Vec<Vec<u8>>) -> AirOutcome {
        let Some(cell) = self.get(link) else {
            return AirOutcome::LinkDown;
        };
        let (reply, answer) = oneshot::channel();
        let cmd = CellCmd::Deliver {
            msisdn,
            tpdus,
            reply,
        };
        if cell.tx.send(cmd).await.is_err() {
            return AirOutcome::LinkDown;
        }
        answer.await.unwrap_or(AirOutcome::LinkDown)
    }
}

/// Send the SMS-STATUS-REPORT for a handset's MO message `m` that its ESME
/// acknowledged at `done_at`, if the handset is reachable.
pub async fn status_report(core: &Arc<Core>, m: &Message, tp_mr: u8, done_at: i64) {
    let Ok(msisdn) = m.source.addr.parse::<Msisdn>() else {
        return;
    };
    let crate::hlr::Route::Handset(crate::hlr::Reach::Attached(cell)) =
        core.hlr.route(msisdn.as_str())
    else {
        tracing::info!(msisdn = %msisdn, "status report not sent: handset not attached");
        return;
    };
    let tpdu = match mo::status_report_tpdu(m, tp_mr, done_at) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "building an SMS-STATUS-REPORT failed");
            return;
        }
    };
    if let Some(link) = core.cells.get(cell.link) {
        let _ = link.tx.send(CellCmd::StatusReport { msisdn, tpdu }).await;
        core.journal.record(
            &m.source.addr,
            &m.id,
            "status-report",
            format!("sent to the handset via {}", cell.name),
        );
    }
}

/// Accept cell connections until shutdown. Each connection holds one of
/// `max_cells` slots until it ends; with none free a new connection is
/// closed at once, so a flood of connections cannot exhaust the process
/// (one that never says Hello frees its slot at `hello_timeout`).
pub async fn accept(
    core: Arc<Core>,
    listener: TcpListener,
    token: CancellationToken,
    tracker: TaskTracker,
) {
    let max = core.air_settings.max_cells;
    let slots = Arc::new(tokio::sync::Semaphore::new(max));
    let mut refused: u64 = 0;
    loop {
        let (stream, peer) = tokio::select! {
            _ = token.cancelled() => return,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "air link accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            refused += 1;
            // Logged at powers of two: a flood must not flood the log too.
            if refused.is_power_of_two() {
                tracing::warn!(%peer, refused, max, "air link connection limit reached; closing new connections");
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let session = serve(Arc::clone(&core), stream, peer, token.child_token());
        tracker.spawn(async move {
            session.await;
            drop(slot);
        });
    }
}
