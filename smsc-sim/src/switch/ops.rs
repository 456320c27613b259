//! The ESME's operations on stored messages: cancel_sm, replace_sm, and
//! submit_sm with replace_if_present_flag. Only the switch knows whether a
//! message is still undelivered, so they are answered here.

use wire::smpp::rusmpp::CommandStatus;

use super::{CancelTarget, Replacement, Switch};
use crate::message::{Message, MessageState};

impl Switch {
    /// SMPP 3.4 §5.2.18: a pending message with the same source address,
    /// destination address and service_type is replaced by `new`. The old
    /// one ends DELETED (its receipt, if asked for, says so); one being sent
    /// over the air at this moment can no longer be replaced.
    pub(super) fn replace_present(&mut self, new: &Message) {
        let old: Vec<String> = self
            .pending
            .values()
            .filter(|p| {
                let m = &p.m;
                !p.in_flight
                    && m.id != new.id
                    && m.account == new.account
                    && m.source.addr == new.source.addr
                    && m.dest.addr == new.dest.addr
                    && m.service_type == new.service_type
            })
            .map(|p| p.m.id.clone())
            .collect();
        for id in old {
            self.hop(&id, "replaced", format!("by {}", new.id));
            self.finish(&id, MessageState::Deleted, 0);
        }
    }

    pub(super) fn cancel(&mut self, t: CancelTarget) -> Result<(), CommandStatus> {
        let ids: Vec<String> = match &t.message_id {
            Some(id) => match self.pending.get(id).map(|p| &p.m) {
                Some(m)
                    if m.account == t.account
                        && (t.source.is_empty() || t.source == m.source.addr) =>
                {
                    vec![id.clone()]
                }
                _ => return Err(CommandStatus::EsmeRcancelfail),
            },
            None => self
                .pending
                .values()
                .map(|p| &p.m)
                .filter(|m| {
                    m.account == t.account
                        && m.source.addr == t.source
                        && m.dest.addr == t.dest
                        && (t.service_type.is_empty() || t.service_type == m.service_type)
                })
                .map(|m| m.id.clone())
                .collect(),
        };
        if ids.is_empty() {
            return Err(CommandStatus::EsmeRcancelfail);
        }
        for id in ids {
            self.finish(&id, MessageState::Deleted, 0);
        }
        Ok(())
    }

    pub(super) async fn replace(&mut self, r: Replacement) -> Result<(), CommandStatus> {
        let Some(m) = self
            .pending
            .get(&r.message_id)
            .filter(|p| !p.in_flight)
            .map(|p| &p.m)
        else {
            return Err(CommandStatus::EsmeRreplacefail);
        };
        if m.account != r.account || (!r.source.is_empty() && r.source != m.source.addr) {
            return Err(CommandStatus::EsmeRreplacefail);
        }
        let mut m = m.clone();
        m.payload = r.payload.clone();
        m.registered_delivery = r.registered_delivery;
        if let Some(t) = r.deliver_at {
            m.deliver_at = Some(t);
        }
        if let Some(t) = r.expires_at {
            m.expires_at = t;
        }
        let change = crate::store::Replacement {
            payload: r.payload,
            data_coding: None,
            deliver_at: r.deliver_at,
            expires_at: r.expires_at,
            registered_delivery: r.registered_delivery,
        };
        self.core.store.replace(&m.id, change).await.map_err(|e| {
            tracing::error!(error = %e, "replace_sm store update failed");
            CommandStatus::EsmeRreplacefail
        })?;
        self.now = self.core.clock.now_ms();
        self.schedule(m);
        Ok(())
    }
}
