//! Delivery to handsets over the air link, store and forward.
//!
//! An attempt for an attached terminal converts the message to SMS-DELIVER
//! TPDUs and hands them to the cell ([`crate::air::Cells::deliver`]) in a
//! task of its own; the answer comes back to the switch as an outcome. A
//! barred subscriber is undeliverable at once. An absent terminal, a full
//! one, a timeout or a temporary RP-cause park the message: it is retried
//! after the next interval of `delivery.retry_schedule_s`, or at once when
//! the terminal attaches or reports memory available (the switch gets an
//! alert, as an SMSC does from the HLR), and expires at the end of its
//! validity with the last error in its receipt.

use std::sync::Arc;
use std::time::Duration;

use wire::air::RpCause;
use wire::msisdn::Msisdn;
use wire::smpp::rusmpp::pdus::AlertNotification;
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::{MsAvailabilityStatus, Npi, Ton};

use super::{Switch, Timer, sms_deliver};
use crate::air::AirOutcome;
use crate::hlr::{
    ERR_ABSENT_SUBSCRIBER_SM, ERR_CALL_BARRED, ERR_SM_DELIVERY_FAILURE, ERR_SYSTEM_FAILURE,
    Presence, Reach,
};
use crate::message::MessageState;

impl Switch {
    pub(super) fn attempt_handset(&mut self, id: &str, reach: Reach) {
        let cell = match reach {
            Reach::Barred => {
                self.hop(id, "hlr", "barred");
                return self.finish(id, MessageState::Undeliverable, ERR_CALL_BARRED);
            }
            Reach::Absent => {
                self.hop(id, "hlr", "absent subscriber");
                return self.park(id, ERR_ABSENT_SUBSCRIBER_SM);
            }
            Reach::MemoryFull => {
                self.hop(id, "hlr", "memory capacity exceeded");
                return self.park(id, ERR_SM_DELIVERY_FAILURE);
            }
            Reach::Attached(cell) => cell,
        };
        let Some(p) = self.pending.get_mut(id) else {
            return;
        };
        let tpdus = match sms_deliver::sms_delivers(&p.m) {
            Ok(t) => t,
            Err(e) => {
                tracing::info!(id, error = %e, "message cannot be sent over the air");
                self.hop(id, "undeliverable", e.to_string());
                return self.finish(id, MessageState::Undeliverable, ERR_SYSTEM_FAILURE);
            }
        };
        let Ok(msisdn) = p.m.dest.addr.parse::<Msisdn>() else {
            return self.finish(id, MessageState::Undeliverable, ERR_SYSTEM_FAILURE);
        };
        p.in_flight = true;
        let detail = format!("{} segment(s) via {}", tpdus.len(), cell.name);
        self.hop(id, "deliver", detail);
        let core = Arc::clone(&self.core);
        let id = id.to_owned();
        tokio::spawn(async move {
            let outcome = core.cells.deliver(cell.link, msisdn, tpdus).await;
            core.switch.outcome(id, outcome).await;
        });
    }

    pub(super) fn on_outcome(&mut self, id: &str, outcome: AirOutcome) {
        let Some(p) = self.pending.get_mut(id) else {
            // Cancelled while in flight.
            return;
        };
        p.in_flight = false;
        let dest = p.m.dest.addr.clone();
        match outcome {
            AirOutcome::Delivered => {
                self.hop(id, "deliver-ack", "");
                self.finish(id, MessageState::Delivered, 0);
            }
            AirOutcome::Refused(cause) if cause == RpCause::MEMORY_CAPACITY_EXCEEDED => {
                self.hop(id, "deliver-error", cause.to_string());
                self.core.hlr.set_presence(&dest, Presence::MemoryFull);
                self.park(id, ERR_SM_DELIVERY_FAILURE);
            }
            AirOutcome::Refused(cause) if cause.is_temporary() => {
                self.hop(id, "deliver-error", cause.to_string());
                self.park(id, ERR_ABSENT_SUBSCRIBER_SM);
            }
            AirOutcome::Refused(cause) => {
                self.hop(id, "deliver-error", cause.to_string());
                self.finish(id, MessageState::Undeliverable, ERR_SM_DELIVERY_FAILURE);
            }
            AirOutcome::Timeout | AirOutcome::LinkDown => {
                self.hop(id, "deliver-error", format!("{outcome:?}"));
                self.park(id, ERR_ABSENT_SUBSCRIBER_SM);
            }
        }
    }

    /// Keep `id` for a later attempt: on the retry schedule, on an alert
    /// for its number, or expire it at the end of its validity.
    pub(super) fn park(&mut self, id: &str, error: u16) {
        let now = self.now;
        let Some(p) = self.pending.get_mut(id) else {
            return;
        };
        p.m.error_code = error;
        let (attempts, expires_at, dest) = (p.m.attempts, p.m.expires_at, p.m.dest.addr.clone());
        if p.m.set_dpf {
            let flag = (p.m.account.clone(), p.m.source.clone());
            let flags = self
                .dpf
                .entry(dest.trim_start_matches('+').to_owned())
                .or_default();
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
        let Some(wait) = self.core.delivery.retry_after(attempts) else {
            self.hop(id, "no-retry", "the retry schedule is empty");
            return self.finish(id, MessageState::Undeliverable, error);
        };
        let left = Duration::from_millis(u64::try_from(expires_at - now).unwrap_or(0));
        let (timer_in, what) = if wait >= left {
            (left, "expiry")
        } else {
            (wait, "retry")
        };
        self.hop(id, "retry", format!("{what} in {}s", timer_in.as_secs()));
        self.set_timer(id, Timer::Attempt(id.to_owned()), timer_in);
        let ids = self
            .waiting
            .entry(dest.trim_start_matches('+').to_owned())
            .or_default();
        if !ids.iter().any(|x| x == id) {
            ids.push(id.to_owned());
        }
    }

    /// SMPP 3.4 §4.12: tell the account that `msisdn` is available again.
    fn alert_notification(&self, msisdn: &str, account: &str, esme: &crate::message::Address) {
        let Some(acc) = self.core.accounts.get(account) else {
            return;
        };
        let addr = |a: &str| COctetString::<1, 65>::from_string(a.to_owned());
        let (Ok(source), Ok(esme_addr)) = (addr(msisdn.trim_start_matches('+')), addr(&esme.addr))
        else {
            return;
        };
        let pdu = AlertNotification::new(
            Ton::International,
            Npi::Isdn,
            source,
            Ton::from(esme.ton),
            Npi::from(esme.npi),
            esme_addr,
            Some(MsAvailabilityStatus::Available),
        );
        self.core.journal.record(
            msisdn,
            "",
            "alert_notification",
            format!("to account {account}"),
        );
        acc.outbox.push_alert(pdu);
    }

    pub(super) fn unpark(&mut self, dest: &str, id: &str) {
        let key = dest.trim_start_matches('+');
        if let Some(ids) = self.waiting.get_mut(key) {
            ids.retain(|x| x != id);
            if ids.is_empty() {
                self.waiting.remove(key);
            }
        }
    }

    /// `msisdn` is reachable again: attempt its parked messages now, oldest first.
    pub(super) fn alert(&mut self, msisdn: &str) {
        for (account, esme) in self
            .dpf
            .remove(msisdn.trim_start_matches('+'))
            .unwrap_or_default()
        {
            self.alert_notification(msisdn, &account, &esme);
        }
        let Some(ids) = self.waiting.remove(msisdn.trim_start_matches('+')) else {
            return;
        };
        for id in ids {
            if self.pending.get(&id).is_some_and(|p| !p.in_flight) {
                self.hop(&id, "alert", "subscriber reachable again");
                self.set_timer(&id, Timer::Attempt(id.clone()), Duration::ZERO);
            }
        }
    }
}
