//! What the SMSC sends on its own: deliver_sm from the account's outbox while
//! the outbound window has room, enquire_link when the link is idle, unbind at
//! shutdown; and the responses the ESME sends back for them.

use std::ops::ControlFlow;

use tokio::time::Instant;
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};

use super::Session;
use crate::core::Stats;
use crate::outbox::OutgoingKind;

impl Session {
    /// Send queued deliver_sm while this receiver's window has room.
    pub(super) async fn pump_outbox(&mut self) {
        let Some(bound) = self
            .bound
            .as_ref()
            .filter(|b| b.guard.bind_type.can_receive())
        else {
            return;
        };
        let account = std::sync::Arc::clone(&bound.guard.account);
        let legacy = bound.interface_version < 0x34;
        while let Some(alert) = account.outbox.pop_alert() {
            if legacy {
                // alert_notification came with SMPP 3.4.
                continue;
            }
            let seq = self.next_seq();
            let cmd = Command::new(CommandStatus::EsmeRok, seq, Pdu::AlertNotification(alert));
            if self.send(cmd).await.is_err() {
                return;
            }
        }
        while self.awaiting.len() < account.policy.window.get() as usize {
            let Some(mut item) = account.outbox.pop() else {
                break;
            };
            let seq = self.next_seq();
            item.command.sequence_number = seq;
            match item.command.pdu() {
                // SMPP 3.3 peers get no TLVs.
                Some(Pdu::DeliverSm(pdu)) if legacy => {
                    let mut pdu = pdu.clone();
                    pdu.clear_tlvs();
                    self.out
                        .push(Command::new(CommandStatus::EsmeRok, seq, pdu).into());
                }
                _ => self.out.push_command(&item.command),
            }
            let now = Instant::now();
            self.awaiting.insert(seq, (item, now));
            self.sent_order.push_back((seq, now));
            if self.out.is_full() && self.out.flush().await.is_err() {
                return;
            }
        }
    }

    pub(super) async fn on_response(&mut self, id: CommandId, status: CommandStatus, seq: u32) {
        match id {
            CommandId::EnquireLinkResp if self.keepalive.is_some_and(|(s, _)| s == seq) => {
                self.keepalive = None;
            }
            CommandId::DeliverSmResp | CommandId::DataSmResp | CommandId::GenericNack => {
                let Some((item, _)) = self.awaiting.remove(&seq) else {
                    return;
                };
                if status != CommandStatus::EsmeRok {
                    tracing::info!(peer = %self.peer, ?status, "deliver_sm refused by ESME; will retry");
                    if let Some(b) = &self.bound {
                        b.guard.account.outbox.requeue(vec![item]);
                    }
                    return;
                }
                match item.kind {
                    OutgoingKind::Receipt(receipt_id) => {
                        Stats::inc(&self.core.stats.receipts_acked);
                        if self.core.store.writes_wait_for_fsync() {
                            // Awaiting an fdatasync here would stall this
                            // session's reading for a whole sync per receipt;
                            // losing the ack in a crash only means a resend.
                            // Without it the journal write returns at once.
                            let core = std::sync::Arc::clone(&self.core);
                            tokio::spawn(async move { ack_receipt(&core, receipt_id).await });
                        } else {
                            ack_receipt(&self.core, receipt_id).await;
                        }
                    }
                    OutgoingKind::Mo(message) => {
                        crate::mo::acknowledged(&self.core, &message).await;
                    }
                }
            }
            _ => {}
        }
    }

    /// The earliest of: bind timeout, inactivity, keepalive, deliver_sm response timeouts.
    pub(super) fn next_timer(&mut self) -> Instant {
        let s = &self.core.settings;
        let mut t = self.last_read
            + if self.bound.is_some() {
                s.inactivity_timeout
            } else {
                s.bind_timeout
            };
        if self.bound.is_some() {
            t = t.min(self.last_read + s.enquire_link_interval);
        }
        if let Some((_, sent)) = self.keepalive {
            t = t.min(sent + s.response_timeout);
        }
        let response_timeout = s.response_timeout;
        if let Some(oldest) = self.oldest_awaiting() {
            t = t.min(oldest + response_timeout);
        }
        t
    }

    /// When the oldest unanswered deliver_sm was sent. Send times only grow,
    /// so the first live entry of `sent_order` is the oldest.
    fn oldest_awaiting(&mut self) -> Option<Instant> {
        while let Some(&(seq, at)) = self.sent_order.front() {
            if self.awaiting.get(&seq).is_some_and(|(_, sent)| *sent == at) {
                return Some(at);
            }
            self.sent_order.pop_front();
        }
        None
    }

    pub(super) async fn on_timer(&mut self) -> ControlFlow<()> {
        let s = self.core.settings.clone();
        let now = Instant::now();
        if self.bound.is_none() && now >= self.last_read + s.bind_timeout {
            tracing::info!(peer = %self.peer, "no bind within the bind timeout; closing");
            return ControlFlow::Break(());
        }
        if now >= self.last_read + s.inactivity_timeout {
            tracing::info!(peer = %self.peer, "inactive; unbinding");
            self.begin_unbind().await;
            return ControlFlow::Break(());
        }
        if let Some((_, sent)) = self.keepalive {
            if now >= sent + s.response_timeout {
                tracing::info!(peer = %self.peer, "enquire_link unanswered; closing");
                return ControlFlow::Break(());
            }
        } else if self.bound.is_some() && now >= self.last_read + s.enquire_link_interval {
            let seq = self.next_seq();
            self.keepalive = Some((seq, now));
            if self
                .send(Command::new(CommandStatus::EsmeRok, seq, Pdu::EnquireLink))
                .await
                .is_err()
            {
                return ControlFlow::Break(());
            }
        }
        // deliver_sm unanswered for too long go back to the outbox.
        let expired: Vec<u32> = self
            .awaiting
            .iter()
            .filter(|(_, (_, at))| now >= *at + s.response_timeout)
            .map(|(seq, _)| *seq)
            .collect();
        if !expired.is_empty() {
            let items = expired
                .iter()
                .filter_map(|seq| self.awaiting.remove(seq))
                .map(|(o, _)| o)
                .collect();
            if let Some(b) = &self.bound {
                b.guard.account.outbox.requeue(items);
            }
        }
        ControlFlow::Continue(())
    }

    /// Start a graceful close: the SMSC unbinds and waits for unbind_resp.
    pub(super) async fn begin_unbind(&mut self) {
        self.closing = true;
        if self.bound.is_some() {
            let seq = self.next_seq();
            let _ = self
                .send(Command::new(CommandStatus::EsmeRok, seq, Pdu::Unbind))
                .await;
        }
    }
}

async fn ack_receipt(core: &crate::core::Core, receipt_id: i64) {
    if let Err(e) = core.store.ack_receipt(receipt_id).await {
        tracing::error!(error = %e, "recording receipt acknowledgement failed");
    }
}
