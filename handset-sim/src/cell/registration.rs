//! Registrations: `reconcile` brings one terminal's registration in
//! line with the link, its power and its coverage; the link's effect on all
//! of them: [`Cell::link_up`] attaches every
//! terminal that is on and in coverage (and re-announces memory that became
//! free while the link was down), [`Cell::link_down`] marks all detached and
//! fails MO messages in flight, [`Cell::shutdown_frames`] detaches everyone
//! before a clean close. Attach answers from the switch land here too.

use time::OffsetDateTime;
use wire::air::{AirFrame, RpCause};

use super::Cell;
use crate::events::Event;
use crate::terminal::{Registration, Terminal};

/// Queues the registration frames that bring `t` in line with the link,
/// its power and its coverage, and updates its registration to match.
pub(crate) fn reconcile(t: &mut Terminal, link_up: bool, frames: &mut Vec<AirFrame>) {
    let wanted = link_up && t.reachable();
    match (wanted, t.registration) {
        (true, Registration::Detached) => {
            frames.push(AirFrame::Attach {
                msisdn: t.msisdn.clone(),
                imsi: t.imsi.clone(),
                kind: t.kind,
            });
            t.registration = Registration::Attaching;
        }
        (false, Registration::Attaching | Registration::Attached) => {
            if link_up {
                frames.push(AirFrame::Detach {
                    msisdn: t.msisdn.clone(),
                });
            }
            t.registration = Registration::Detached;
        }
        // Switching off (or losing the link) forgets a reject: the next
        // attach is a new attempt.
        (false, Registration::Rejected(_)) => t.registration = Registration::Detached,
        _ => {}
    }
    if wanted && t.attached() && t.inbox.take_memory_available() {
        frames.push(AirFrame::MemoryAvailable {
            msisdn: t.msisdn.clone(),
        });
    }
}

impl Cell {
    /// The handshake completed: a new link epoch. Returns it and the frames
    /// to send first (attaches, memory available), in listing order.
    pub fn link_up(&self) -> (u64, Vec<AirFrame>) {
        let mut inner = self.lock();
        inner.link.up = true;
        inner.link.epoch += 1;
        inner.link.since = Some(OffsetDateTime::now_utc());
        inner.link.last_error = None;
        let mut terminals: Vec<_> = inner.terminals.values_mut().collect();
        terminals.sort_by_key(|t| t.order);
        let mut frames = Vec::new();
        for t in terminals {
            let before = t.registration;
            reconcile(t, true, &mut frames);
            if t.registration != before {
                self.publish(Event::Terminal(t.info()));
            }
        }
        self.publish(Event::Link {
            state: "up",
            reason: None,
        });
        (inner.link.epoch, frames)
    }

    /// The link is gone: nobody is attached, MO messages in flight failed.
    pub fn link_down(&self, reason: &str) {
        let mut inner = self.lock();
        let was_up = inner.link.up;
        inner.link.up = false;
        inner.link.since = Some(OffsetDateTime::now_utc());
        inner.link.last_error = Some(reason.to_owned());
        inner.submits.clear();
        let mut frames = Vec::new();
        for t in inner.terminals.values_mut() {
            let before = t.registration;
            reconcile(t, false, &mut frames);
            let failed = t
                .outbox
                .fail_overdue(None, &format!("the link to the switch was lost: {reason}"));
            for m in &failed {
                self.publish(Event::send_failed(t.msisdn.as_str(), m));
            }
            if t.registration != before {
                self.publish(Event::Terminal(t.info()));
            }
        }
        if was_up {
            self.publish(Event::Link {
                state: "down",
                reason: Some(reason.to_owned()),
            });
        }
    }

    /// `Detach` for every attached terminal, for a clean shutdown. Their
    /// registrations become detached; the link is marked down by the
    /// caller's [`Cell::link_down`].
    pub fn shutdown_frames(&self) -> Vec<AirFrame> {
        let mut inner = self.lock();
        let mut terminals: Vec<_> = inner.terminals.values_mut().collect();
        terminals.sort_by_key(|t| t.order);
        terminals
            .into_iter()
            .filter(|t| t.attached())
            .map(|t| {
                t.registration = Registration::Detached;
                AirFrame::Detach {
                    msisdn: t.msisdn.clone(),
                }
            })
            .collect()
    }

    pub fn on_attach_ack(&self, msisdn: &str) {
        self.set_registration(msisdn, Registration::Attached);
    }

    pub fn on_attach_reject(&self, msisdn: &str, cause: RpCause) {
        tracing::info!(msisdn, %cause, "attach rejected");
        self.set_registration(msisdn, Registration::Rejected(cause));
    }

    /// An attach answer counts only while the terminal is attaching: an
    /// answer overtaken by a power-off is stale.
    fn set_registration(&self, msisdn: &str, to: Registration) {
        let mut inner = self.lock();
        let Ok(t) = inner.terminal_mut(msisdn) else {
            tracing::debug!(msisdn, "attach answer for a terminal not in this cell");
            return;
        };
        if matches!(
            t.registration,
            Registration::Attaching | Registration::Attached
        ) {
            t.registration = to;
            self.publish(Event::Terminal(t.info()));
        }
    }
}
