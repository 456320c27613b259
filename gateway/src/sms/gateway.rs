//! [`SmsGateway`]: the SMSCs in priority order, and `send` with failover.
//!
//! `start` validates every [`SmscConfig`], builds a [`Link`] per SMSC
//! (sorted by priority, then file order), spawns one session task per bind
//! and waits for each first connect attempt, so a gateway that returns has
//! bound every SMSC that was reachable; the others keep retrying in the
//! background. `send` encodes once, then walks the links as the module docs
//! of `sms` describe. Dropping the gateway (or `shutdown`) stops the tasks.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, AtomicU8, Ordering},
};

use tokio::{sync::mpsc, task::JoinHandle};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
use wire::msisdn::Msisdn;

use super::{
    DeliveryReport, SendError, SentSms, SmscConfig, StartError,
    link::{self, Failure, Link, MoSink},
    mo::MoSms,
    pdu::{self, Parts, Source},
};

/// Capacity of the delivery report stream; a full stream slows the SMSC down.
const REPORTS: usize = 1024;
/// Capacity of the MO stream; a full stream slows the SMSC down.
const MO: usize = 256;

/// One SMSC's state, for health checks and admin pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmscStatus {
    pub name: String,
    pub priority: u32,
    /// The sending session is bound.
    pub up: bool,
}

/// The SMSCs and the session tasks; see the module docs.
pub struct SmsGateway {
    links: Vec<Arc<Link>>,
    reference: AtomicU8,
    cancel: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    mo: Mutex<Option<mpsc::Receiver<MoSms>>>,
    mo_wanted: Arc<AtomicBool>,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("smscs", &self.status())
            .finish()
    }
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl SmsGateway {
    /// Connects to every SMSC (see the module docs); the receiver gets the
    /// delivery reports of all of them.
    pub async fn start(
        configs: Vec<SmscConfig>,
    ) -> Result<(SmsGateway, mpsc::Receiver<DeliveryReport>), StartError> {
        if configs.is_empty() {
            return Err(StartError::NoSmsc);
        }
        let mut prepared = Vec::with_capacity(configs.len());
        for (i, c) in configs.iter().enumerate() {
            let error = |message: String| StartError::Config {
                smsc: c.name.clone(),
                message,
            };
            if configs[..i].iter().any(|o| o.name == c.name) {
                return Err(error("the name is used twice".into()));
            }
            prepared.push((c, c.esme_configs().map_err(error)?));
        }
        prepared.sort_by_key(|(c, _)| c.priority);
        let (tx, rx) = mpsc::channel(REPORTS);
        let (mo_tx, mo_rx) = mpsc::channel(MO);
        let mo_wanted = Arc::new(AtomicBool::new(false));
        let cancel = CancellationToken::new();
        let (mut tasks, mut firsts, mut links) = (Vec::new(), Vec::new(), Vec::new());
        for (c, esmes) in prepared {
            let (ton, npi) = c.source_ton_npi();
            let source = Source {
                addr: c.source_addr.clone(),
                ton,
                npi,
            };
            let link = Arc::new(Link::new(
                c.name.clone(),
                c.priority,
                c.message_id_format,
                source,
                c.max_rate,
            ));
            for (i, esme) in esmes.into_iter().enumerate() {
                let (first_tx, first_rx) = tokio::sync::oneshot::channel();
                firsts.push(first_rx);
                tasks.push(tokio::spawn(link::run_session(
                    link.clone(),
                    esme,
                    i == 0,
                    tx.clone(),
                    MoSink {
                        tx: mo_tx.clone(),
                        wanted: mo_wanted.clone(),
                    },
                    cancel.clone(),
                    first_tx,
                )));
            }
            links.push(link);
        }
        for first in firsts {
            // Each attempt is bounded by its SMSC's response timeout.
            let _ = first.await;
        }
        let gateway = SmsGateway {
            links,
            reference: AtomicU8::new(rand::random()),
            cancel,
            tasks: Mutex::new(tasks),
            mo: Mutex::new(Some(mo_rx)),
            mo_wanted,
        };
        info!(smscs = ?gateway.status(), "SMS gateway started");
        Ok((gateway, rx))
    }

    /// The stream of mobile-originated messages from every SMSC, once: the
    /// first call gets it, later calls `None`. Until it is taken, MO
    /// messages are dropped (logged without their text).
    pub fn take_mo(&self) -> Option<mpsc::Receiver<MoSms>> {
        let rx = self.mo.lock().unwrap_or_else(|p| p.into_inner()).take();
        if rx.is_some() {
            self.mo_wanted.store(true, Ordering::Release);
        }
        rx
    }

    /// The SMSCs in the order `send` tries them.
    pub fn status(&self) -> Vec<SmscStatus> {
        self.links
            .iter()
            .map(|l| SmscStatus {
                name: l.name.clone(),
                priority: l.priority,
                up: l.is_up(),
            })
            .collect()
    }

    /// Sends `text` to `msisdn`; `reference` (a payment id, say) only goes
    /// to the logs, with the message ids. The text itself is never logged.
    pub async fn send(
        &self,
        msisdn: &Msisdn,
        text: &str,
        reference: &str,
    ) -> Result<SentSms, SendError> {
        self.send_within(msisdn, text, reference, None).await
    }

    /// As [`send`](Self::send), with a validity_period: the SMSC gives up
    /// (an EXPIRED receipt) when the message is not delivered within
    /// `valid_for`, where `None` leaves the period to the SMSC.
    pub async fn send_within(
        &self,
        msisdn: &Msisdn,
        text: &str,
        reference: &str,
        valid_for: Option<std::time::Duration>,
    ) -> Result<SentSms, SendError> {
        let concat_ref = self.reference.fetch_add(1, Ordering::Relaxed);
        let mut parts = pdu::encode(text, concat_ref).map_err(SendError::Invalid)?;
        if let Some(period) = valid_for {
            pdu::expire_after(&mut parts, period).map_err(SendError::Invalid)?;
        }
        self.send_parts(msisdn, &parts, reference).await
    }

    /// As [`send`](Self::send), from a numeric sender (a service number the
    /// handset can reply to) instead of the SMSC's configured `source_addr`.
    pub async fn send_from(
        &self,
        msisdn: &Msisdn,
        text: &str,
        reference: &str,
        sender: &str,
    ) -> Result<SentSms, SendError> {
        let concat_ref = self.reference.fetch_add(1, Ordering::Relaxed);
        let mut parts = pdu::encode(text, concat_ref).map_err(SendError::Invalid)?;
        parts.source = Some(pdu::numeric_source(sender).map_err(SendError::Invalid)?);
        self.send_parts(msisdn, &parts, reference).await
    }

    /// A fresh concatenation reference, for callers that build [`Parts`]
    /// themselves (binary messages).
    pub fn next_reference(&self) -> u8 {
        self.reference.fetch_add(1, Ordering::Relaxed)
    }

    /// Sends already encoded parts with failover (see the module docs of
    /// `sms`); `reference` only goes to the logs.
    pub async fn send_parts(
        &self,
        msisdn: &Msisdn,
        parts: &Parts,
        reference: &str,
    ) -> Result<SentSms, SendError> {
        for link in &self.links {
            if !link.is_up() {
                warn!(smsc = %link.name, reference, "SMSC link down; trying the next one");
                continue;
            }
            match link.submit(msisdn, parts).await {
                Ok(message_ids) => {
                    info!(smsc = %link.name, reference, ?message_ids, "SMS accepted");
                    return Ok(SentSms {
                        smsc: link.name.clone(),
                        segments: message_ids.len(),
                        message_ids,
                    });
                }
                Err(Failure::Transient(why)) => {
                    warn!(smsc = %link.name, reference, %why, "submit failed; trying the next SMSC");
                }
                Err(Failure::Rejected(status)) => {
                    warn!(smsc = %link.name, reference, %status, "SMS rejected");
                    return Err(SendError::Rejected(status));
                }
                Err(Failure::Invalid(why)) => return Err(SendError::Invalid(why)),
            }
        }
        warn!(reference, "no SMSC accepted the SMS");
        Err(SendError::AllSmscsDown)
    }

    /// Unbinds every session (each bounded by its response timeout) and
    /// waits for the tasks to end.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for task in tasks {
            let _ = task.await;
        }
    }
}
