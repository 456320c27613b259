//! submit_sm, data_sm and submit_multi: window, throughput limit, faults,
//! validation, then a future that stores the message durably, hands it to
//! the switch and only then yields the response.

use std::sync::Arc;

use wire::smpp::Outbound;
use wire::smpp::rusmpp::pdus::{
    DataSm, DataSmResp, SubmitMulti, SubmitMultiResp, SubmitSm, SubmitSmResp,
};
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::{DestAddress, UnsuccessSme};
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};

use super::dispatch::error_resp;
use super::validate::{Limits, Submission};
use super::{Reply, Session};
use crate::core::{Core, Stats};
use crate::faults::SubmitOutcome;
use crate::message::{Address, Message};

fn addr(ton: impl Into<u8>, npi: impl Into<u8>, a: &str) -> Address {
    Address {
        ton: ton.into(),
        npi: npi.into(),
        addr: a.to_owned(),
    }
}

fn from_submit_sm(sm: &SubmitSm) -> Submission {
    Submission {
        service_type: sm.service_type.value().as_str().to_owned(),
        source: addr(
            sm.source_addr_ton,
            sm.source_addr_npi,
            sm.source_addr.as_str(),
        ),
        dest: addr(
            sm.dest_addr_ton,
            sm.dest_addr_npi,
            sm.destination_addr.as_str(),
        ),
        esm_class: sm.esm_class.into(),
        protocol_id: sm.protocol_id,
        priority: sm.priority_flag.into(),
        schedule: sm.schedule_delivery_time.as_str().to_owned(),
        validity: sm.validity_period.as_str().to_owned(),
        registered_delivery: sm.registered_delivery.into(),
        replace_if_present: sm.replace_if_present_flag.into(),
        data_coding: sm.data_coding.into(),
        sm_default_msg_id: sm.sm_default_msg_id,
        short_message: sm.short_message().as_ref().to_vec(),
        tlvs: sm.tlvs().to_vec(),
    }
}

fn from_data_sm(sm: &DataSm) -> Submission {
    Submission {
        service_type: sm.service_type.value().as_str().to_owned(),
        source: addr(
            sm.source_addr_ton,
            sm.source_addr_npi,
            sm.source_addr.as_str(),
        ),
        dest: addr(
            sm.dest_addr_ton,
            sm.dest_addr_npi,
            sm.destination_addr.as_str(),
        ),
        esm_class: sm.esm_class.into(),
        protocol_id: 0,
        priority: 0,
        schedule: String::new(),
        validity: String::new(),
        registered_delivery: sm.registered_delivery.into(),
        replace_if_present: 0,
        data_coding: sm.data_coding.into(),
        sm_default_msg_id: 0,
        short_message: Vec::new(),
        tlvs: sm.tlvs().to_vec(),
    }
}

fn message_id(id: &str) -> COctetString<1, 65> {
    COctetString::from_string(id.to_owned()).unwrap_or_else(|_| COctetString::empty())
}

impl Session {
    fn limits(&self) -> Limits {
        let s = &self.core.settings;
        Limits {
            now_ms: self.core.clock.now_ms(),
            default_validity_ms: s.default_validity.as_millis() as i64,
            max_validity_ms: s.max_validity.as_millis() as i64,
        }
    }

    /// Window, throughput and fault checks common to every submission.
    /// Returns the fault's delay when the submission may go ahead.
    async fn admit(
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

    fn account_id(&self) -> (String, crate::accounts::IdFormat) {
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
        self.inflight.push(Box::pin(async move {
            let out = match store_and_route(&core, vec![msg], format, replace).await {
                Ok(ids) => resp(&ids[0], seq),
                Err(status) => error_resp(id, status, seq),
            };
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Reply {
                out,
                disconnect: false,
            }
        }));
        Ok(())
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

    pub(super) async fn on_submit_multi(&mut self, sm: SubmitMulti, seq: u32) -> Result<(), ()> {
        let id = CommandId::SubmitMulti;
        let dests = sm.dest_address();
        if dests.is_empty() || dests.len() > 255 {
            return self
                .send(error_resp(id, CommandStatus::EsmeRinvnumdests, seq))
                .await;
        }
        let first_dest = match &dests[0] {
            DestAddress::SmeAddress(a) => a.destination_addr.as_str().to_owned(),
            DestAddress::DistributionListName(_) => String::new(),
        };
        let Some(delay) = self.admit(id, seq, &first_dest, dests.len() as u32).await? else {
            return Ok(());
        };
        let (account, format) = self.account_id();
        let lim = self.limits();
        let base = Submission {
            service_type: sm.service_type.value().as_str().to_owned(),
            source: addr(
                sm.source_addr_ton,
                sm.source_addr_npi,
                sm.source_addr.as_str(),
            ),
            dest: addr(0u8, 0u8, ""),
            esm_class: sm.esm_class.into(),
            protocol_id: sm.protocol_id,
            priority: sm.priority_flag.into(),
            schedule: sm.schedule_delivery_time.as_str().to_owned(),
            validity: sm.validity_period.as_str().to_owned(),
            registered_delivery: sm.registered_delivery.into(),
            replace_if_present: sm.replace_if_present_flag.into(),
            data_coding: sm.data_coding.into(),
            sm_default_msg_id: sm.sm_default_msg_id,
            short_message: sm.short_message().as_ref().to_vec(),
            tlvs: sm.tlvs().to_vec(),
        };
        let replace = base.replace_if_present == 1;
        let mut messages = Vec::new();
        let mut unsuccess = Vec::new();
        for d in dests {
            match d {
                DestAddress::SmeAddress(a) => {
                    let mut s = base.clone();
                    s.dest = addr(
                        a.dest_addr_ton,
                        a.dest_addr_npi,
                        a.destination_addr.as_str(),
                    );
                    match s.into_message(String::new(), &account, &lim) {
                        Ok(m) => messages.push(m),
                        Err(status)
                            if messages.is_empty()
                                && unsuccess.is_empty()
                                && is_message_wide(status) =>
                        {
                            return self.send(error_resp(id, status, seq)).await;
                        }
                        Err(status) => unsuccess.push(UnsuccessSme::new(
                            a.dest_addr_ton,
                            a.dest_addr_npi,
                            a.destination_addr.clone(),
                            status,
                        )),
                    }
                }
                // No distribution lists are provisioned on this SMSC.
                DestAddress::DistributionListName(_) => unsuccess.push(UnsuccessSme::new(
                    Default::default(),
                    Default::default(),
                    COctetString::empty(),
                    CommandStatus::EsmeRinvdlname,
                )),
            }
        }
        if messages.is_empty() {
            return self
                .send(error_resp(id, CommandStatus::EsmeRinvdstadr, seq))
                .await;
        }
        let core = Arc::clone(&self.core);
        self.inflight.push(Box::pin(async move {
            let out = match store_and_route(&core, messages, format, replace).await {
                Ok(ids) => {
                    let pdu = SubmitMultiResp::new(message_id(&ids[0]), unsuccess, Vec::new());
                    Command::new(CommandStatus::EsmeRok, seq, Pdu::SubmitMultiResp(pdu)).into()
                }
                Err(status) => error_resp(id, status, seq),
            };
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Reply {
                out,
                disconnect: false,
            }
        }));
        Ok(())
    }
}

/// Statuses that concern the message itself rather than one destination.
fn is_message_wide(status: CommandStatus) -> bool {
    !matches!(
        status,
        CommandStatus::EsmeRinvdstadr
            | CommandStatus::EsmeRinvdstton
            | CommandStatus::EsmeRinvdstnpi
    )
}

/// Give ids, make durable, hand to the switch. Errors are opaque to the ESME.
/// `replace`: replace_if_present_flag = 1, the switch drops pending messages
/// with the same source, destination and service_type.
async fn store_and_route(
    core: &Core,
    mut messages: Vec<Message>,
    format: crate::accounts::IdFormat,
    replace: bool,
) -> Result<Vec<String>, CommandStatus> {
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
    let ids = messages.iter().map(|m| m.id.clone()).collect();
    for m in messages {
        Stats::inc(&core.stats.submitted);
        if replace {
            core.switch.submit_replacing(m).await;
        } else {
            core.switch.submit(m).await;
        }
    }
    Ok(ids)
}
