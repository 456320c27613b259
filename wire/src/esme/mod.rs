//! The ESME: an SMPP client for smsc-sim and real operators' SMSCs.
//!
//! [`Esme::connect`] opens the connection (TCP, or TLS when configured), binds
//! and returns a cloneable [`Esme`] handle plus the [`EventStream`]. Callers
//! send with [`Esme::submit_sm`] or [`Esme::request`]: each takes a slot in the
//! window (a semaphore of W permits, so callers beyond W wait), encodes its PDU
//! with a fresh sequence number, registers in the pending map and queues the
//! bytes for the single writer task, which writes whatever is queued in one
//! go. The session task reads with [`FrameCodec`](crate::smpp::FrameCodec),
//! completes waiters by sequence number, answers the SMSC's requests, and keeps
//! the link alive with enquire_link. A dropped link fails the outstanding
//! requests with `Disconnected`, and the supervisor reconnects and re-binds
//! with backoff while new requests wait (within their timeout). ESME_RTHROTTLED
//! pauses all sending for the throttle backoff and retries the request.
//!
//! Submodules: [`config`], [`error`], [`events`], [`dlr`] (receipt TLVs), and
//! the internals `connection` (connect + bind), `session` (reader, keepalive),
//! `supervisor` (reconnect), `link` (batched writer), `window` (sequence
//! numbers, pending map), `request` (the caller's side), and [`transport`]
//! (TCP, TLS, or a [`Connector`] for in-memory SMSCs).

pub mod config;
mod connection;
pub mod dlr;
pub mod error;
pub mod events;
mod link;
mod request;
mod session;
mod supervisor;
pub mod transport;
mod window;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use rusmpp::Pdu;
use tokio::{
    sync::{Semaphore, watch},
    time::Instant,
};
use tokio_util::sync::CancellationToken;

pub use config::{Backoff, BindMode, EsmeConfig, MAX_SEQUENCE_NUMBER, TlsSettings};
pub use connection::BindInfo;
pub use dlr::{ReceiptFields, is_receipt};
pub use error::EsmeError;
pub use events::{DisconnectReason, Event, EventStream};
pub use request::SubmitResult;
pub use transport::{Connector, SmppStream};

use link::LinkState;
use window::SequenceNumbers;

/// State shared by the handles and the session tasks.
pub(crate) struct Shared {
    pub(crate) config: EsmeConfig,
    pub(crate) bind_pdu: Pdu,
    pub(crate) seq: SequenceNumbers,
    pub(crate) window: Semaphore,
    pub(crate) state: watch::Sender<LinkState>,
    pub(crate) shutdown: CancellationToken,
    closing: AtomicBool,
    throttle_until: Mutex<Option<Instant>>,
}

impl Shared {
    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// Returns whether it was already closing.
    pub(crate) fn mark_closing(&self) -> bool {
        self.closing.swap(true, Ordering::AcqRel)
    }
}

/// A handle on one ESME session; clone it freely. The session stops when the
/// last handle is dropped (without unbind; call [`Esme::unbind`] to be polite).
#[derive(Clone)]
pub struct Esme {
    inner: Arc<Handle>,
}

struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.mark_closing();
        self.shared.shutdown.cancel();
    }
}

impl std::fmt::Debug for Esme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Esme")
            .field("address", &self.inner.shared.config.address)
            .field("system_id", &self.inner.shared.config.system_id)
            .field("bound", &self.is_bound())
            .finish()
    }
}

impl Esme {
    /// Connect and bind. Returns once bound, or with the reason it could not
    /// (e.g. [`EsmeError::BindFailed`] carrying ESME_RINVPASWD).
    pub async fn connect(config: EsmeConfig) -> Result<(Esme, EventStream), EsmeError> {
        let bind_pdu = config.bind_pdu()?;
        let shared = Arc::new(Shared {
            seq: SequenceNumbers::new(config.first_sequence_number),
            window: Semaphore::new(config.window),
            state: watch::Sender::new(LinkState::Connecting),
            shutdown: CancellationToken::new(),
            closing: AtomicBool::new(false),
            throttle_until: Mutex::new(None),
            bind_pdu,
            config,
        });
        let bound = connection::open_and_bind(&shared).await?;
        let (events, stream) = events::Events::channel(shared.config.event_capacity);
        let session = session::start(&shared, bound, &events);
        tokio::spawn(supervisor::supervise(shared.clone(), session, events));
        Ok((
            Esme {
                inner: Arc::new(Handle { shared }),
            },
            stream,
        ))
    }

    pub fn config(&self) -> &EsmeConfig {
        &self.inner.shared.config
    }

    /// True while a bound connection is up.
    pub fn is_bound(&self) -> bool {
        matches!(*self.inner.shared.state.borrow(), LinkState::Bound(_))
    }

    /// Requests holding a window slot right now.
    pub fn in_flight(&self) -> usize {
        self.inner.shared.config.window - self.inner.shared.window.available_permits()
    }

    /// Wait until the session is closed for good.
    pub async fn closed(&self) {
        let mut rx = self.inner.shared.state.subscribe();
        let _ = rx.wait_for(|s| matches!(s, LinkState::Closed)).await;
    }
}
