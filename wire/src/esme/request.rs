//! The caller's side of a request: window slot, link, sequence number, retry.
//!
//! [`Esme::request`] encodes the PDU once (sequence number patched per attempt),
//! holds a window permit for its whole life, waits out a throttle pause, then
//! [`Shared::exchange`]s it: wait for a bound link, register in the pending
//! map, queue the bytes, await the response, all within `response_timeout`.
//! ESME_RTHROTTLED and ESME_RMSGQFUL start a pause for every sender and retry
//! the same request up to `throttle_retries` times. [`Esme::unbind`] lets the
//! requests in the window finish, sends unbind, waits for unbind_resp and
//! closes the session.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use rusmpp::{Command, CommandId, CommandStatus, Pdu, pdus::SubmitSm};
use tokio::{sync::oneshot, time::Instant};

use super::{
    Esme, Shared,
    error::EsmeError,
    link::{Link, LinkState, Out, encode},
    window::{InsertError, PendingGuard},
};

/// What the SMSC said to a submit_sm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitResult {
    /// The SMSC's message_id (empty if the SMSC sent a body-less response).
    pub message_id: String,
}

/// Statuses that mean "slow down", not "wrong".
fn is_throttling(status: CommandStatus) -> bool {
    matches!(
        status,
        CommandStatus::EsmeRthrottled | CommandStatus::EsmeRmsgqful
    )
}

/// Operations the session owns and `request` must not send.
fn session_owned(id: CommandId) -> bool {
    id.is_response()
        || matches!(
            id,
            CommandId::BindTransmitter
                | CommandId::BindReceiver
                | CommandId::BindTransceiver
                | CommandId::Outbind
                | CommandId::Unbind
        )
}

impl Esme {
    /// Submit one message; returns the SMSC's message_id.
    pub async fn submit_sm(&self, submit_sm: SubmitSm) -> Result<SubmitResult, EsmeError> {
        let response = self.request(Pdu::SubmitSm(submit_sm)).await?;
        let message_id = match response.pdu() {
            Some(Pdu::SubmitSmResp(r)) => r.message_id().to_string(),
            _ => String::new(),
        };
        Ok(SubmitResult { message_id })
    }

    /// Send any ESME operation (data_sm, query_sm, cancel_sm, replace_sm,
    /// submit_multi, enquire_link, ...) and return its ESME_ROK response.
    pub async fn request(&self, pdu: impl Into<Pdu>) -> Result<Command, EsmeError> {
        let pdu = pdu.into();
        let id = pdu.command_id();
        if session_owned(id) {
            return Err(EsmeError::NotARequest(id));
        }
        let shared = &self.inner.shared;
        if shared.is_closing() {
            return Err(EsmeError::Closed);
        }
        let template = encode(&Command::new(CommandStatus::EsmeRok, 0, pdu));
        let max = shared.config.max_pdu_len;
        if template.len() > max {
            return Err(EsmeError::PduTooLong {
                len: template.len(),
                max,
            });
        }
        let _permit = shared
            .window
            .acquire()
            .await
            .map_err(|_| EsmeError::Closed)?;
        let mut retries = 0;
        loop {
            shared.throttle_pause().await;
            let response = shared
                .exchange(&template, id.matching_response(), None)
                .await?;
            let status = response.status();
            if is_throttling(status) {
                shared.throttled();
                if retries == shared.config.throttle_retries {
                    return Err(EsmeError::Throttled { retries });
                }
                retries += 1;
                continue;
            }
            if status != CommandStatus::EsmeRok || response.id() == CommandId::GenericNack {
                return Err(EsmeError::Status { status, response });
            }
            return Ok(*response);
        }
    }

    /// Unbind gracefully: let requests in the window finish (up to the response
    /// timeout), send unbind, wait for unbind_resp, close. Later requests get
    /// `Closed`. Errors report an unbind the SMSC did not acknowledge; the
    /// session is closed either way.
    pub async fn unbind(&self) -> Result<(), EsmeError> {
        let shared = &self.inner.shared;
        if shared.mark_closing() {
            self.closed().await;
            return Ok(());
        }
        let limit = shared.config.response_timeout;
        // The semaphore is fair: callers already queued for a slot go first.
        let all = shared.config.window as u32;
        let drained = tokio::time::timeout(limit, shared.window.acquire_many(all)).await;
        let link = match &*shared.state.borrow() {
            LinkState::Bound(link) => Some(link.clone()),
            _ => None,
        };
        let result = match link {
            None => Ok(()),
            Some(link) => {
                let unbind = encode(&Command::new(CommandStatus::EsmeRok, 0, Pdu::Unbind));
                match shared
                    .exchange(&unbind, CommandId::UnbindResp, Some(link))
                    .await
                {
                    Ok(r) if r.status() == CommandStatus::EsmeRok => Ok(()),
                    Ok(r) => Err(EsmeError::Status {
                        status: r.status(),
                        response: r,
                    }),
                    Err(e) => Err(e),
                }
            }
        };
        drop(drained);
        shared.shutdown.cancel();
        self.closed().await;
        result
    }
}

impl Shared {
    fn throttled(&self) {
        let until = Instant::now() + self.config.throttle_backoff;
        let mut slot = self
            .throttle_until
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *slot = Some(slot.map_or(until, |t| t.max(until)));
    }

    async fn throttle_pause(&self) {
        let until = *self
            .throttle_until
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(until) = until.filter(|u| *u > Instant::now()) {
            tokio::time::sleep_until(until).await;
        }
    }

    async fn bound_link(&self) -> Result<Arc<Link>, EsmeError> {
        let mut rx = self.state.subscribe();
        loop {
            match &*rx.borrow_and_update() {
                LinkState::Bound(link) => return Ok(link.clone()),
                LinkState::Closed => return Err(EsmeError::Closed),
                LinkState::Connecting => {}
            }
            rx.changed().await.map_err(|_| EsmeError::Closed)?;
        }
    }

    /// One attempt: send `template` (a PDU with sequence number 0) on `fixed`
    /// or on whichever link is bound, and await the response, within the
    /// response timeout.
    pub(crate) async fn exchange(
        &self,
        template: &Bytes,
        expected: CommandId,
        fixed: Option<Arc<Link>>,
    ) -> Result<Box<Command>, EsmeError> {
        let limit = self.config.response_timeout;
        let attempt = async {
            loop {
                let link = match &fixed {
                    Some(link) => link.clone(),
                    None => self.bound_link().await?,
                };
                let seq = self.seq.next();
                let (tx, rx) = oneshot::channel();
                match link.pending.insert(seq, expected, tx) {
                    Ok(()) => {}
                    Err(InsertError::InUse) => continue,
                    Err(InsertError::Closed) if fixed.is_some() => {
                        return Err(EsmeError::Disconnected);
                    }
                    // Torn down a moment ago; the state has already moved on.
                    Err(InsertError::Closed) => continue,
                }
                let mut guard = PendingGuard::new(&link.pending, seq);
                let mut frame = BytesMut::from(&template[..]);
                frame[12..16].copy_from_slice(&seq.to_be_bytes());
                if link.out.send(Out::Pdu(frame.freeze())).await.is_err() {
                    return Err(EsmeError::Disconnected);
                }
                let reply = rx.await;
                // Completed or failed: either way the entry is gone.
                guard.disarm();
                return reply.unwrap_or(Err(EsmeError::Disconnected));
            }
        };
        tokio::time::timeout(limit, attempt)
            .await
            .unwrap_or(Err(EsmeError::Timeout(limit)))
    }
}
