//! One SMSC at run time: its sessions, its sending pace, its recent ids.
//!
//! A [`Link`] holds the session that sends (absent while it has never bound)
//! and is shared with the session tasks. [`run_session`] keeps one
//! `wire::esme` session alive: `Esme::connect` gives up when the first
//! attempt fails, so this task retries it with the configured backoff; once
//! connected, the ESME itself reconnects and re-binds, and the task drains
//! its events, turning receipts into [`DeliveryReport`]s. [`Link::submit`]
//! sends every part of a message on the sending session, paced to
//! `max_rate`, and sorts failures into transient (try another SMSC),
//! rejected and invalid.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use tokio::{
    sync::{mpsc, oneshot},
    time::sleep,
};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};
use wire::{
    esme::{Esme, EsmeConfig, EsmeError, Event},
    msisdn::Msisdn,
};

use super::{
    DeliveryReport,
    ids::{self, IdFormat, RecentIds},
    mo::{MoAssembler, MoSms},
    pace::Pacer,
    pdu::{self, Parts, Source},
    receipts,
};

/// How many message ids per SMSC are remembered for matching receipts.
const RECENT_IDS: usize = 100_000;

/// Why one SMSC did not take a message.
#[derive(Debug)]
pub enum Failure {
    Transient(String),
    Rejected(String),
    Invalid(String),
}

pub struct Link {
    pub name: String,
    pub priority: u32,
    format: IdFormat,
    source: Source,
    ids: RecentIds,
    sender: Mutex<Option<Esme>>,
    pacer: Pacer,
    mo: Mutex<MoAssembler>,
}

/// Where MO messages go: nowhere until someone takes the receiver
/// ([`super::SmsGateway::take_mo`]), so an unread channel never stalls the
/// receipts that share the session.
#[derive(Debug, Clone)]
pub struct MoSink {
    pub tx: mpsc::Sender<MoSms>,
    pub wanted: Arc<AtomicBool>,
}

impl Link {
    pub fn new(
        name: String,
        priority: u32,
        format: IdFormat,
        source: Source,
        max_rate: u32,
    ) -> Self {
        Link {
            mo: Mutex::new(MoAssembler::new(name.clone())),
            name,
            priority,
            format,
            source,
            ids: RecentIds::new(RECENT_IDS),
            sender: Mutex::new(None),
            pacer: Pacer::new(max_rate),
        }
    }

    fn sender(&self) -> Option<Esme> {
        self.sender
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_sender(&self, esme: Option<Esme>) {
        *self.sender.lock().unwrap_or_else(|p| p.into_inner()) = esme;
    }

    /// True while the sending session is bound.
    pub fn is_up(&self) -> bool {
        self.sender().is_some_and(|e| e.is_bound())
    }

    /// Submits every part in order; the canonical message ids.
    pub async fn submit(&self, to: &Msisdn, parts: &Parts) -> Result<Vec<String>, Failure> {
        let esme = self
            .sender()
            .filter(Esme::is_bound)
            .ok_or_else(|| Failure::Transient("link down".into()))?;
        let mut out = Vec::with_capacity(parts.parts.len());
        for part in &parts.parts {
            let sm = pdu::submit_sm(&self.source, to, parts, part).map_err(Failure::Invalid)?;
            self.pacer.wait().await;
            let id = esme.submit_sm(sm).await.map_err(classify)?.message_id;
            let id = ids::submitted(&id, self.format);
            self.ids.remember(&id);
            out.push(id);
        }
        Ok(out)
    }
}

fn classify(e: EsmeError) -> Failure {
    match e {
        EsmeError::Status { status, .. } if pdu::is_transient(status) => {
            Failure::Transient(pdu::status_name(status))
        }
        EsmeError::Status { status, .. } => Failure::Rejected(pdu::status_name(status)),
        EsmeError::PduTooLong { .. } => Failure::Invalid(e.to_string()),
        other => Failure::Transient(other.to_string()),
    }
}

/// Keeps one session of `link` alive until `cancel`; `sends` marks the
/// session submits go on. `first` fires after the first connect attempt.
pub async fn run_session(
    link: Arc<Link>,
    config: EsmeConfig,
    sends: bool,
    reports: mpsc::Sender<DeliveryReport>,
    mo: MoSink,
    cancel: CancellationToken,
    first: oneshot::Sender<()>,
) {
    let mut first = Some(first);
    let mut delay = config.reconnect.min;
    let mode = config.bind_mode;
    loop {
        let attempt = tokio::select! {
            () = cancel.cancelled() => return,
            attempt = Esme::connect(config.clone()) => attempt,
        };
        match attempt {
            Ok((esme, mut events)) => {
                info!(smsc = %link.name, ?mode, "SMSC bound");
                delay = config.reconnect.min;
                if sends {
                    link.set_sender(Some(esme.clone()));
                }
                first.take().map(|f| f.send(()));
                loop {
                    let event = tokio::select! {
                        () = cancel.cancelled() => break,
                        event = events.recv() => event,
                    };
                    match event {
                        Some(event) => on_event(&link, event, &reports, &mo).await,
                        None => break,
                    }
                }
                if sends {
                    link.set_sender(None);
                }
                if cancel.is_cancelled() {
                    // Polite but bounded: the ESME waits at most its response timeout.
                    let _ = esme.unbind().await;
                    return;
                }
                warn!(smsc = %link.name, ?mode, "SMPP session closed; connecting again");
            }
            Err(e) => {
                warn!(smsc = %link.name, ?mode, error = %e, ?delay, "cannot bind to the SMSC");
                first.take().map(|f| f.send(()));
            }
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = sleep(delay) => {}
        }
        delay = config.reconnect.next(delay);
    }
}

async fn on_event(link: &Link, event: Event, reports: &mpsc::Sender<DeliveryReport>, mo: &MoSink) {
    if let Some(fields) = event.receipt() {
        let at = receipts::now_ms();
        match receipts::report(&link.name, &fields, &link.ids, link.format, at) {
            Some(report) => {
                debug!(smsc = %link.name, message_id = %report.message_id, stat = %report.stat, "receipt");
                // Waiting here is the back-pressure on the SMSC; a dropped receiver just discards.
                let _ = reports.send(report).await;
            }
            None => warn!(smsc = %link.name, "receipt without a message id ignored"),
        }
        return;
    }
    match event {
        Event::Bound(info) => info!(smsc = %link.name, peer = %info.system_id, "SMSC re-bound"),
        Event::Disconnected(reason) => warn!(smsc = %link.name, ?reason, "SMSC link down"),
        Event::ReconnectFailed(why) => warn!(smsc = %link.name, %why, "SMSC reconnect failed"),
        Event::DeliverSm(sm) => {
            let whole = link.mo.lock().unwrap_or_else(|p| p.into_inner()).accept(
                &sm,
                std::time::Instant::now(),
                receipts::now_ms(),
            );
            // The text is not logged: a reply may carry a PIN.
            match whole {
                Some(sms) if mo.wanted.load(Ordering::Acquire) => {
                    debug!(smsc = %link.name, from = %sms.from, to = %sms.to, "MO message");
                    let _ = mo.tx.send(sms).await;
                }
                Some(sms) => {
                    debug!(smsc = %link.name, to = %sms.to, "MO message with no reader dropped")
                }
                None => debug!(smsc = %link.name, "MO part held for reassembly"),
            }
        }
        _ => debug!(smsc = %link.name, "inbound data_sm or alert ignored"),
    }
}
