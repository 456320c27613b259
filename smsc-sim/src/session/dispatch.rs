//! Routing of each item read: decoded PDUs by command and bind state, and
//! the answers to malformed PDUs.

use std::ops::ControlFlow;

use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};
use wire::smpp::{FrameError, FramingError, Inbound, Outbound};

use super::Session;
use crate::core::Stats;

/// A header-only response: SMPP 3.4 sends no body with a non-zero status.
pub(crate) fn error_resp(id: CommandId, status: CommandStatus, seq: u32) -> Outbound {
    let command_id = if id.is_operation() {
        id.matching_response()
    } else {
        CommandId::GenericNack
    };
    Outbound::HeaderOnly {
        command_id,
        status,
        sequence_number: seq,
    }
}

pub(crate) fn generic_nack(status: CommandStatus, seq: u32) -> Outbound {
    Outbound::HeaderOnly {
        command_id: CommandId::GenericNack,
        status,
        sequence_number: seq,
    }
}

impl Session {
    pub(super) async fn answer_malformed(&mut self, err: FrameError) -> Result<(), ()> {
        if err.generic_nack {
            return self
                .send(generic_nack(err.status, err.sequence_number))
                .await;
        }
        // A malformed bind is a failed bind; everything else is answered in kind.
        self.send(error_resp(err.command_id, err.status, err.sequence_number))
            .await
    }

    /// Handle one item read from the peer; Break ends the session.
    pub(super) async fn on_inbound(
        &mut self,
        item: Option<Result<Inbound, FramingError>>,
    ) -> ControlFlow<()> {
        match item {
            Some(Ok(Inbound::Command(cmd))) => {
                if self.dispatch(&cmd).await.is_break() {
                    self.finish_inflight().await;
                    return ControlFlow::Break(());
                }
            }
            Some(Ok(Inbound::Malformed(err))) => {
                Stats::inc(&self.core.stats.malformed);
                tracing::debug!(peer = %self.peer, reason = %err.reason, "malformed PDU");
                if self.answer_malformed(err).await.is_err() {
                    return ControlFlow::Break(());
                }
            }
            Some(Err(err)) => {
                tracing::info!(peer = %self.peer, %err, "closing connection");
                return ControlFlow::Break(());
            }
            None => return ControlFlow::Break(()),
        }
        ControlFlow::Continue(())
    }

    pub(super) async fn dispatch(&mut self, cmd: &Command) -> ControlFlow<()> {
        let seq = cmd.sequence_number();
        let id = cmd.id();
        // The hot requests and responses are read in place: rusmpp's owned
        // PDUs are large, and cloning one per PDU showed in profiles.
        let res = match cmd.pdu() {
            Some(Pdu::SubmitSm(sm)) if self.may_submit() => Some(self.on_submit_sm(sm, seq).await),
            Some(_) if id.is_response() && id != CommandId::UnbindResp => {
                self.on_response(id, cmd.status(), seq).await;
                Some(Ok(()))
            }
            _ => None,
        };
        if let Some(res) = res {
            return if res.is_err() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            };
        }
        let Some(pdu) = cmd.pdu().cloned() else {
            // Only responses may come without a body (error responses).
            self.on_response(id, cmd.status(), seq).await;
            return ControlFlow::Continue(());
        };
        let res = match pdu {
            Pdu::BindTransmitter(b) => {
                self.on_bind(crate::accounts::BindType::Transmitter, b.into(), seq)
                    .await
            }
            Pdu::BindReceiver(b) => {
                self.on_bind(crate::accounts::BindType::Receiver, b.into(), seq)
                    .await
            }
            Pdu::BindTransceiver(b) => {
                self.on_bind(crate::accounts::BindType::Transceiver, b.into(), seq)
                    .await
            }
            Pdu::EnquireLink => {
                self.send(Command::new(
                    CommandStatus::EsmeRok,
                    seq,
                    Pdu::EnquireLinkResp,
                ))
                .await
            }
            // unbind is allowed only in a bound state (SMPP 3.4 table 2-1,
            // 5.0 §2.4): an open session stays open.
            Pdu::Unbind if self.bound.is_none() => {
                self.send(error_resp(id, CommandStatus::EsmeRinvbndsts, seq))
                    .await
            }
            Pdu::Unbind => {
                let _ = self
                    .send(Command::new(CommandStatus::EsmeRok, seq, Pdu::UnbindResp))
                    .await;
                return ControlFlow::Break(());
            }
            Pdu::UnbindResp if self.closing => return ControlFlow::Break(()),
            _ if id.is_response() => {
                self.on_response(id, cmd.status(), seq).await;
                Ok(())
            }
            // Requests below need a transmitter-capable bind.
            _ if !self.may_submit() => {
                let status = CommandStatus::EsmeRinvbndsts;
                match id {
                    CommandId::Outbind | CommandId::AlertNotification => {
                        self.send(generic_nack(status, seq)).await
                    }
                    _ => self.send(error_resp(id, status, seq)).await,
                }
            }
            Pdu::SubmitSm(sm) => self.on_submit_sm(&sm, seq).await,
            Pdu::DataSm(sm) => self.on_data_sm(sm, seq).await,
            Pdu::SubmitMulti(sm) => self.on_submit_multi(sm, seq).await,
            Pdu::QuerySm(q) => self.on_query_sm(q, seq),
            Pdu::CancelSm(c) => self.on_cancel_sm(c, seq),
            Pdu::ReplaceSm(r) => self.on_replace_sm(r, seq),
            // MC-to-ESME operations and broadcast are not accepted from an ESME.
            Pdu::DeliverSm(_) => {
                self.send(error_resp(id, CommandStatus::EsmeRinvbndsts, seq))
                    .await
            }
            Pdu::Outbind(_) | Pdu::AlertNotification(_) => {
                self.send(generic_nack(CommandStatus::EsmeRinvbndsts, seq))
                    .await
            }
            _ => {
                self.send(error_resp(id, CommandStatus::EsmeRinvcmdid, seq))
                    .await
            }
        };
        if res.is_err() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Whether the bind may send requests (a transmitter-capable bind, not closing).
    fn may_submit(&self) -> bool {
        !self.closing
            && self
                .bound
                .as_ref()
                .is_some_and(|b| b.guard.bind_type.can_submit())
    }

    /// Whether another request fits in the window; answers ESME_RMSGQFUL if not.
    pub(super) async fn window_has_room(&mut self, id: CommandId, seq: u32) -> Result<bool, ()> {
        let window = self
            .bound
            .as_ref()
            .map_or(1, |b| b.guard.account.policy.window.get() as usize);
        if self.inflight.len() < window {
            return Ok(true);
        }
        Stats::inc(&self.core.stats.queue_full);
        self.send(error_resp(id, CommandStatus::EsmeRmsgqful, seq))
            .await?;
        Ok(false)
    }
}
