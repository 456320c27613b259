//! submit_multi: one message per valid destination, stored and routed
//! together; destinations that fail validation are listed in the response
//! as unsuccessful, and a fault of the message itself refuses it whole.

use std::sync::Arc;

use wire::smpp::rusmpp::pdus::{SubmitMulti, SubmitMultiResp};
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::{DestAddress, UnsuccessSme};
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};

use super::convert::{addr, message_id};
use super::dispatch::error_resp;
use super::submit::store_and_route;
use super::validate::Submission;
use super::{Reply, Session};

impl Session {
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
        self.start(Box::pin(async move {
            let out = match store_and_route(&core, messages, format, replace).await {
                Ok(first) => {
                    let pdu = SubmitMultiResp::new(message_id(&first), unsuccess, Vec::new());
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
        }))
        .await
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
