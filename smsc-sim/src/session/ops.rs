//! query_sm, cancel_sm and replace_sm. Each runs as an in-flight future: the
//! store answers queries, the switch (which owns undelivered messages)
//! answers cancel and replace.

use std::sync::Arc;

use wire::smpp::rusmpp::pdus::{CancelSm, QuerySm, QuerySmResp, ReplaceSm};
use wire::smpp::rusmpp::types::EmptyOrFullCOctetString;
use wire::smpp::rusmpp::values::MessageState as PduState;
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};

use super::dispatch::error_resp;
use super::{Reply, Session};
use crate::switch::{CancelTarget, Replacement};

impl Session {
    fn account_name(&self) -> String {
        self.bound
            .as_ref()
            .map(|b| b.guard.account.policy.system_id.as_str().to_owned())
            .unwrap_or_default()
    }

    pub(super) fn on_query_sm(&mut self, q: QuerySm, seq: u32) -> Result<(), ()> {
        let core = Arc::clone(&self.core);
        let account = self.account_name();
        self.inflight.push(Box::pin(async move {
            let id = q.message_id.as_str();
            let found = core.store.get(id).await.ok().flatten();
            let out = match found {
                Some(m)
                    if m.account == account
                        && (q.source_addr.is_empty()
                            || q.source_addr.as_str() == m.source.addr) =>
                {
                    let final_date = m
                        .done_at
                        .and_then(|t| wire::smpp::time::format_smpp_absolute(t).ok())
                        .and_then(|s| EmptyOrFullCOctetString::from_string(s.to_owned()).ok())
                        .unwrap_or_else(EmptyOrFullCOctetString::empty);
                    let pdu = QuerySmResp::builder()
                        .message_id(q.message_id.clone())
                        .final_date(final_date)
                        .message_state(PduState::from(m.state.as_u8()))
                        .error_code(m.error_code.min(255) as u8)
                        .build();
                    Command::new(CommandStatus::EsmeRok, seq, Pdu::QuerySmResp(pdu)).into()
                }
                _ => error_resp(CommandId::QuerySm, CommandStatus::EsmeRqueryfail, seq),
            };
            Reply {
                out,
                disconnect: false,
            }
        }));
        Ok(())
    }

    pub(super) fn on_cancel_sm(&mut self, c: CancelSm, seq: u32) -> Result<(), ()> {
        let core = Arc::clone(&self.core);
        let target = CancelTarget {
            account: self.account_name(),
            message_id: (!c.message_id.is_empty()).then(|| c.message_id.as_str().to_owned()),
            source: c.source_addr.as_str().to_owned(),
            dest: c.destination_addr.as_str().to_owned(),
            service_type: c.service_type.value().as_str().to_owned(),
        };
        self.inflight.push(Box::pin(async move {
            let out = match core.switch.cancel(target).await {
                Ok(()) => Command::new(CommandStatus::EsmeRok, seq, Pdu::CancelSmResp).into(),
                Err(status) => error_resp(CommandId::CancelSm, status, seq),
            };
            Reply {
                out,
                disconnect: false,
            }
        }));
        Ok(())
    }

    pub(super) fn on_replace_sm(&mut self, r: ReplaceSm, seq: u32) -> Result<(), ()> {
        let core = Arc::clone(&self.core);
        let payload = match r.message_payload() {
            Some(p) if r.short_message().is_empty() => p.value.as_ref().to_vec(),
            Some(_) => {
                return self.reply_now(error_resp(
                    CommandId::ReplaceSm,
                    CommandStatus::EsmeRinvmsglen,
                    seq,
                ));
            }
            None => r.short_message().as_ref().to_vec(),
        };
        let now = core.clock.now_ms();
        let deliver_at =
            match wire::smpp::time::parse_smpp_time(r.schedule_delivery_time.as_str(), now) {
                Ok(t) => t,
                Err(_) => {
                    return self.reply_now(error_resp(
                        CommandId::ReplaceSm,
                        CommandStatus::EsmeRinvsched,
                        seq,
                    ));
                }
            };
        let expires_at = match wire::smpp::time::parse_smpp_time(r.validity_period.as_str(), now) {
            Ok(Some(t)) if t <= now => {
                return self.reply_now(error_resp(
                    CommandId::ReplaceSm,
                    CommandStatus::EsmeRinvexpiry,
                    seq,
                ));
            }
            Ok(t) => t.map(|t| t.min(now + core.settings.max_validity.as_millis() as i64)),
            Err(_) => {
                return self.reply_now(error_resp(
                    CommandId::ReplaceSm,
                    CommandStatus::EsmeRinvexpiry,
                    seq,
                ));
            }
        };
        let change = Replacement {
            account: self.account_name(),
            message_id: r.message_id.as_str().to_owned(),
            source: r.source_addr.as_str().to_owned(),
            payload,
            deliver_at,
            expires_at,
            registered_delivery: r.registered_delivery.into(),
        };
        self.inflight.push(Box::pin(async move {
            let out = match core.switch.replace(change).await {
                Ok(()) => Command::new(CommandStatus::EsmeRok, seq, Pdu::ReplaceSmResp).into(),
                Err(status) => error_resp(CommandId::ReplaceSm, status, seq),
            };
            Reply {
                out,
                disconnect: false,
            }
        }));
        Ok(())
    }

    fn reply_now(&mut self, out: wire::smpp::Outbound) -> Result<(), ()> {
        self.inflight.push(Box::pin(async move {
            Reply {
                out,
                disconnect: false,
            }
        }));
        Ok(())
    }
}
