//! submit_sm and data_sm (and what submit_multi shares with them): window,
//! throughput limit, faults, validation, then a future that stores the
//! message durably, hands it to the switch and only then yields the response.

use std::sync::Arc;

use futures::FutureExt;
use wire::smpp::Outbound;
use wire::smpp::rusmpp::pdus::{DataSm, DataSmResp, SubmitSm, SubmitSmResp};
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};

use super::convert::{from_data_sm, from_submit_sm, message_id};
use super::dispatch::error_resp;
use super::validate::{Limits, Submission};
use super::{Reply, ReplyFuture, Session};
use crate::core::{Core, Stats};
use crate::faults::SubmitOutcome;
use crate::message::Message;

impl Session {
    pub(super) fn limits(&self) -> Limits {
        let s = &self.core.settings;
        Limits {
            now_ms: self.core.clock.now_ms(),
            default_validity_ms: s.default_validity.as_millis() as i64,
            max_validity_ms: s.max_validity.as_millis() as i64,
        }
    }

    /// Window, throughput and fault checks common to every submission.
    /// Returns the fault's delay when the submission may go ahead.
    pub(super) async fn admit(
        &mut self,
        id: CommandId,
        seq: u32,
        dest: &str,
        count: u32,
    ) -> Result<Option<Option<std::time::Duration>>, ()> {
        if !self.window_has_room(id, seq).await? {
            return Ok(None);
        }
        let account = Arc::clone(
            &self
                .bound
                .as_ref()
                .expect("admit is only called when bound")
                .guard
                .account,
        );
        if !account.admit(count) {
            Stats::inc(&self.core.stats.throttled);
            self.send(error_resp(id, CommandStatus::EsmeRthrottled, seq))
                .await?;
            return Ok(None);
        }
        let fault = self
            .core
            .faults
            .on_submit(account.policy.system_id.as_str(), dest);
        match fault.outcome {
            SubmitOutcome::Proceed => Ok(Some(fault.delay)),
            SubmitOutcome::Reject(status) => {
                Stats::inc(&self.core.stats.rejected);
                self.push_reply(fault.delay, error_resp(id, status, seq), false);
                Ok(None)
            }
            SubmitOutcome::Throttle => {
                Stats::inc(&self.core.stats.throttled);
                self.push_reply(
                    fault.delay,
                    error_resp(id, CommandStatus::EsmeRthrottled, seq),
                    false,
                );
                Ok(None)
            }
            SubmitOutcome::Disconnect => {
                tracing::info!(peer = %self.peer, "fault injection: disconnecting");
                Err(())
            }
        }
    }

    fn push_reply(&mut self, delay: Option<std::time::Duration>, out: Outbound, disconnect: bool) {
        self.inflight.push(Box::pin(async move {
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Reply { out, disconnect }
        }));
    }

    /// Answer at once when `work` is ready on its first poll (the memory store
    /// does not wait), else keep it in flight: an in-flight entry per message
    /// showed in profiles.
    pub(super) async fn start(&mut self, mut work: ReplyFuture) -> Result<(), ()> {
        match (&mut work).now_or_never() {
            Some(reply) if reply.disconnect => Err(()),
            Some(reply) => self.send(reply.out).await,
            None => {
                self.inflight.push(work);
                Ok(())
            }
        }
    }

    pub(super) fn account_id(&self) -> (String, crate::accounts::IdFormat) {
        let p = &self
            .bound
            .as_ref()
            .expect("submissions need a bind")
            .guard
            .account
            .policy;
        (p.system_id.as_str().to_owned(), p.message_id_format)
    }

    /// Validate, then store and route in a future that yields `resp(id)`.
    async fn accept(
        &mut self,
        id: CommandId,
        seq: u32,
        sub: Submission,
        resp: fn(&str, u32) -> Outbound,
    ) -> Result<(), ()> {
        let Some(delay) = self.admit(id, seq, &sub.dest.addr, 1).await? else {
            return Ok(());
        };
        let (account, format) = self.account_id();
        let replace = sub.replace_if_present == 1;
        let msg = match sub.into_message(String::new(), &account, &self.limits()) {
            Ok(m) => m,
            Err(status) => {
                Stats::inc(&self.core.stats.rejected);
                return self.send(error_resp(id, status, seq)).await;
            }
        };
        let core = Arc::clone(&self.core);
        self.start(Box::pin(async move {
            let out = match store_and_route(&core, vec![msg], format, replace).await {
                Ok(first) => resp(&first, seq),
                Err(status) => error_resp(id, status, seq),
            };
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Reply {
                out,
                disconnect: false,
            }
        }))
        .await
    }

    pub(super) async fn on_submit_sm(&mut self, sm: &SubmitSm, seq: u32) -> Result<(), ()> {
        self.accept(CommandId::SubmitSm, seq, from_submit_sm(sm), |id, seq| {
            let pdu = SubmitSmResp::builder().message_id(message_id(id)).build();
            Command::new(CommandStatus::EsmeRok, seq, Pdu::SubmitSmResp(pdu)).into()
        })
        .await
    }

    pub(super) async fn on_data_sm(&mut self, sm: DataSm, seq: u32) -> Result<(), ()> {
        self.accept(CommandId::DataSm, seq, from_data_sm(&sm), |id, seq| {
            let pdu = DataSmResp::builder().message_id(message_id(id)).build();
            Command::new(CommandStatus::EsmeRok, seq, Pdu::DataSmResp(pdu)).into()
        })
        .await
    }
}

/// Give ids, make durable, hand to the switch; yields the first message's
/// id. Errors are opaque to the ESME. `replace`: replace_if_present_flag = 1,
/// the switch drops pending messages with the same source, destination and
/// service_type.
pub(super) async fn store_and_route(
    core: &Core,
    mut messages: Vec<Message>,
    format: crate::accounts::IdFormat,
    replace: bool,
) -> Result<String, CommandStatus> {
    for m in &mut messages {
        m.id = core.ids.next(&core.store, format).await.map_err(|e| {
            tracing::error!(error = %e, "message id allocation failed");
            CommandStatus::EsmeRsyserr
        })?;
    }
    if let Err(e) = core.store.insert(messages.clone()).await {
        tracing::error!(error = %e, "message store insert failed");
        return Err(CommandStatus::EsmeRsyserr);
    }
    let first = messages.first().map(|m| m.id.clone()).unwrap_or_default();
    for m in messages {
        Stats::inc(&core.stats.submitted);
        if replace {
            core.switch.submit_replacing(m).await;
        } else {
            core.switch.submit(m).await;
        }
    }
    Ok(first)
}
