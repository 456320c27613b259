//! Operations on terminals from the API: create, remove, power, coverage,
//! capacity, SIM swap, inbox housekeeping. Each runs under the cell lock,
//! then `reconcile` queues whatever the switch must hear (attach,
//! detach, memory available) and a `terminal` event goes out.

use rand::Rng;
use time::OffsetDateTime;
use wire::air::AirFrame;
use wire::msisdn::Imsi;

use super::{Cell, CellError, Inner, reconcile};
use crate::config::TerminalConfig;
use crate::config::terminals::MAX_CAPACITY;
use crate::events::Event;
use crate::terminal::{Registration, Terminal, TerminalInfo};

impl Cell {
    /// Runs `change` on the terminal, reconciles its registration, queues
    /// the frames and publishes the new state.
    pub(crate) fn update<R>(
        &self,
        msisdn: &str,
        change: impl FnOnce(&mut Terminal, &mut Vec<AirFrame>) -> Result<R, CellError>,
    ) -> Result<(R, TerminalInfo), CellError> {
        self.update_in(&mut self.lock(), msisdn, change)
    }

    /// [`Cell::update`] under a lock the caller already holds.
    pub(crate) fn update_in<R>(
        &self,
        inner: &mut Inner,
        msisdn: &str,
        change: impl FnOnce(&mut Terminal, &mut Vec<AirFrame>) -> Result<R, CellError>,
    ) -> Result<(R, TerminalInfo), CellError> {
        let link_up = inner.link.up;
        let t = inner.terminal_mut(msisdn)?;
        let mut frames = Vec::new();
        let r = change(t, &mut frames)?;
        reconcile(t, link_up, &mut frames);
        let info = t.info();
        self.queue(&inner.link, frames);
        self.publish(Event::Terminal(info.clone()));
        Ok((r, info))
    }

    pub fn create(&self, config: TerminalConfig) -> Result<TerminalInfo, CellError> {
        config
            .check()
            .map_err(|(field, m)| CellError::Invalid(format!("{field}: {m}")))?;
        let mut inner = self.lock();
        if inner.terminals.contains_key(&config.msisdn) {
            return Err(CellError::Exists(config.msisdn.to_string()));
        }
        if let Some(other) = inner.terminals.values().find(|t| t.imsi == config.imsi) {
            return Err(CellError::ImsiInUse {
                imsi: config.imsi.to_string(),
                msisdn: other.msisdn.to_string(),
            });
        }
        let order = inner.next_order;
        inner.next_order += 1;
        let mut t = Terminal::new(&config, order, self.reassembly_timeout);
        let mut frames = Vec::new();
        reconcile(&mut t, inner.link.up, &mut frames);
        let info = t.info();
        inner.terminals.insert(config.msisdn, t);
        self.queue(&inner.link, frames);
        self.publish(Event::Terminal(info.clone()));
        Ok(info)
    }

    /// Removes the terminal, detaching it first.
    pub fn remove(&self, msisdn: &str) -> Result<(), CellError> {
        let mut inner = self.lock();
        let mut t = inner
            .terminals
            .remove(msisdn)
            .ok_or_else(|| CellError::NoTerminal(msisdn.to_owned()))?;
        let mut frames = Vec::new();
        if t.attached() && inner.link.up {
            frames.push(AirFrame::Detach {
                msisdn: t.msisdn.clone(),
            });
        }
        t.registration = Registration::Detached;
        self.queue(&inner.link, frames);
        self.publish(Event::TerminalRemoved {
            msisdn: msisdn.to_owned(),
        });
        Ok(())
    }

    pub fn set_power(&self, msisdn: &str, on: bool) -> Result<TerminalInfo, CellError> {
        self.update(msisdn, |t, _| {
            t.power = on;
            Ok(())
        })
        .map(|(_, info)| info)
    }

    pub fn set_coverage(&self, msisdn: &str, in_coverage: bool) -> Result<TerminalInfo, CellError> {
        self.update(msisdn, |t, _| {
            t.coverage = in_coverage;
            Ok(())
        })
        .map(|(_, info)| info)
    }

    pub fn set_capacity(&self, msisdn: &str, capacity: u32) -> Result<TerminalInfo, CellError> {
        if capacity > MAX_CAPACITY {
            return Err(CellError::Invalid(format!(
                "capacity {capacity} is more than the maximum {MAX_CAPACITY}"
            )));
        }
        self.update(msisdn, |t, _| {
            t.inbox.set_capacity(capacity);
            Ok(())
        })
        .map(|(_, info)| info)
    }

    /// Deletes every message; room again means memory available.
    pub fn clear_inbox(&self, msisdn: &str) -> Result<usize, CellError> {
        self.update(msisdn, |t, _| Ok(t.inbox.clear()))
            .map(|(n, _)| n)
    }

    pub fn delete_message(&self, msisdn: &str, id: u64) -> Result<(), CellError> {
        self.update(msisdn, |t, _| match t.inbox.remove(id) {
            true => Ok(()),
            false => Err(CellError::NoMessage {
                msisdn: msisdn.to_owned(),
                id,
            }),
        })
        .map(|_| ())
    }

    /// Marks one message, or all with `None`, read.
    pub fn mark_read(&self, msisdn: &str, id: Option<u64>) -> Result<TerminalInfo, CellError> {
        self.update(msisdn, |t, _| match t.inbox.mark_read(id) {
            true => Ok(()),
            false => Err(CellError::NoMessage {
                msisdn: msisdn.to_owned(),
                id: id.unwrap_or_default(),
            }),
        })
        .map(|(_, info)| info)
    }

    /// Puts a new SIM with the same number in the terminal: detach with the
    /// old IMSI, attach with the new one. Without `imsi`, one is made from
    /// the old one's MCC+MNC (first five digits) and random digits.
    pub fn sim_swap(&self, msisdn: &str, imsi: Option<Imsi>) -> Result<TerminalInfo, CellError> {
        let mut inner = self.lock();
        let current = inner
            .terminals
            .get(msisdn)
            .ok_or_else(|| CellError::NoTerminal(msisdn.to_owned()))?;
        let in_use = |i: &Imsi| inner.terminals.values().find(|t| t.imsi == *i);
        let imsi = match imsi {
            Some(i) if i == current.imsi => {
                return Err(CellError::Invalid(format!("{msisdn} already has IMSI {i}")));
            }
            Some(i) => match in_use(&i) {
                Some(other) => {
                    return Err(CellError::ImsiInUse {
                        imsi: i.to_string(),
                        msisdn: other.msisdn.to_string(),
                    });
                }
                None => i,
            },
            None => loop {
                let candidate = fresh_imsi(&current.imsi);
                if in_use(&candidate).is_none() {
                    break candidate;
                }
            },
        };
        let link_up = inner.link.up;
        self.update_in(&mut inner, msisdn, |t, frames| {
            if t.attached() && link_up {
                frames.push(AirFrame::Detach {
                    msisdn: t.msisdn.clone(),
                });
            }
            t.registration = Registration::Detached;
            t.imsi = imsi;
            t.sim_swapped_at = Some(OffsetDateTime::now_utc());
            Ok(())
        })
        .map(|(_, info)| info)
    }
}

/// Same MCC+MNC and length as `old`, random MSIN.
fn fresh_imsi(old: &Imsi) -> Imsi {
    let old = old.as_str();
    let keep = old.len().min(5);
    let mut rng = rand::rng();
    let digits: String = old[..keep]
        .chars()
        .chain((keep..old.len()).map(|_| char::from(b'0' + rng.random_range(0..10u8))))
        .collect();
    digits.parse().expect("digits of a valid IMSI's length")
}
